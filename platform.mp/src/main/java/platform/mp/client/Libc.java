package platform.mp.client;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls that pass file descriptors over a Unix socket (JNA direct mapping: no proxy, no varargs
 * boxing). Loaded only through {@link MpFds#available()}, so that a class path without JNA still runs the
 * channel without fds. Linux, LP64 only: the structures are laid out by hand in {@link FdSocket}.
 */
final class Libc
{
    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SCM_RIGHTS = 1;
    static final int SO_RCVTIMEO = 20;
    static final int SO_SNDTIMEO = 21;
    static final int MSG_CTRUNC = 0x8;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int MSG_CMSG_CLOEXEC = 0x40000000;
    static final int SHUT_RDWR = 2;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int EINTR = 4;
    static final int EAGAIN = 11;

    static
    {
        if (!Platform.isLinux() || !Platform.is64Bit())
        {
            throw new UnsupportedOperationException("file descriptors are passed on 64-bit Linux only");
        }
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private Libc()
    {
    }

    static native int socket(int domain, int type, int protocol);

    static native int bind(int fd, Pointer addr, int len);

    static native int listen(int fd, int backlog);

    static native int accept(int fd, Pointer addr, Pointer len);

    static native int connect(int fd, Pointer addr, int len);

    static native long sendmsg(int fd, Pointer msg, int flags);

    static native long recvmsg(int fd, Pointer msg, int flags);

    static native long read(int fd, Pointer buf, long count);

    static native int close(int fd);

    static native int shutdown(int fd, int how);

    static native int setsockopt(int fd, int level, int name, Pointer value, int len);

    static native int open(String path, int flags, int mode);

    static native int fcntl(int fd, int cmd, int arg);

    /**
     * @return errno of the last call on this thread.
     */
    static int errno()
    {
        return Native.getLastError();
    }
}
