package modules.netif.impl;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls the af_packet driver makes, bound with JNA's direct mapping ({@code Native.register}), the
 * cheapest JNA call path. Set-up calls throw {@link LastErrorException} carrying {@code errno}; the one call on the
 * packet path, {@link #sendto}, returns -1 instead so a full socket buffer costs no exception.
 * <p>
 * {@code ioctl} is variadic in C; calling it with a fixed third pointer argument is what every C caller compiles to
 * on the Linux ABIs (x86-64, aarch64).
 */
final class AfPacketLibC
{
    static
    {
        Native.register(AfPacketLibC.class, Platform.C_LIBRARY_NAME);
    }

    private AfPacketLibC()
    {
    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int bind(int fd, byte[] addr, int addrlen) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;

    static native int getsockopt(int fd, int level, int name, byte[] value, int[] len) throws LastErrorException;

    static native long mmap(long addr, long length, int prot, int flags, int fd, long offset)
        throws LastErrorException;

    static native int munmap(long addr, long length) throws LastErrorException;

    static native int ioctl(int fd, long request, byte[] ifreq) throws LastErrorException;

    static native int if_nametoindex(String name);

    static native int close(int fd) throws LastErrorException;

    static native int getpagesize();

    static native String strerror(int errno);

    /** The per-burst kick: returns -1 on failure (errno left unread), never throws. */
    static native long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrlen);

    /**
     * @param ex a failed call.
     * @return "what: strerror(errno)".
     */
    static String describe(final String what, final LastErrorException ex)
    {
        return what + ": " + strerror(ex.getErrorCode()) + " (errno " + ex.getErrorCode() + ")";
    }
}
