package modules.netif.impl;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc calls the tap driver makes, bound with JNA direct mapping ({@code Native.register}): each call is one JNI
 * transition with primitive and {@link Pointer} arguments, so a call allocates nothing. {@code size_t} and
 * {@code ssize_t} are mapped to {@code long} and the ioctl request to {@code long}, which holds on the 64-bit Linux
 * ABIs the platform runs on (x86-64, aarch64); ioctl is variadic in C and called here with its one
 * optional argument fixed, as those ABIs allow. After a call returns -1, {@link #errno()} gives the reason (JNA keeps
 * errno per thread after every call), read without creating an exception.
 * <p>
 * Constants are Linux's, from {@code <fcntl.h>}, {@code <linux/if.h>}, {@code <linux/if_tun.h>} and
 * {@code <linux/sockios.h>}; the {@code ifreq} layout is drawn at {@link Ifreq}.
 */
final class TapLibc
{
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EBUSY = 16;
    static final int EINVAL = 22;

    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final int ARPHRD_ETHER = 1;

    /** {@code _IOW('T', 202, int)}: attach the fd to a tun/tap interface, creating it. */
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TAP = 0x0002;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_MULTI_QUEUE = 0x0100;

    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCSIFMTU = 0x8922;
    static final long SIOCSIFHWADDR = 0x8924;
    static final long SIOCGIFHWADDR = 0x8927;

    static final short IFF_UP = 0x1;
    static final short IFF_RUNNING = 0x40;
    static final short IFF_PROMISC = 0x100;

    /** The longest interface name, {@code IFNAMSIZ - 1}. */
    static final int IFNAMSIZ_MAX = 15;

    static
    {
        Native.register(TapLibc.class, "c");
    }

    private TapLibc()
    {
    }

    static native int open(String path, int flags);

    static native int close(int fd);

    static native int ioctl(int fd, long request, Pointer arg);

    static native long read(int fd, Pointer buf, long count);

    static native long write(int fd, Pointer buf, long count);

    static native int socket(int domain, int type, int protocol);

    /** @return errno as the last call on this thread left it. */
    static int errno()
    {
        return Native.getLastError();
    }

    static native String strerror(int errnum);

    /**
     * @param errno an errno value.
     * @return its text and number, e.g. "Operation not permitted (errno 1)"; for error messages, not the data path.
     */
    static String errorText(final int errno)
    {
        return strerror(errno) + " (errno " + errno + ")";
    }

    /**
     * The {@code struct ifreq} of {@code <net/if.h>} (40 bytes on 64-bit Linux), the argument of the interface
     * ioctls; the union holds one of the members after the name:
     *
     * <pre>
     *  0                   16   18                                  32         40
     *  +-------------------+----+-----------------------------------+----------+
     *  | ifr_name[16]      |    union ifr_ifru (24 bytes)                      |
     *  | NUL-terminated    | ifr_flags (short, 16..18)                         |
     *  |                   | ifr_mtu   (int,   16..20)                         |
     *  |                   | ifr_hwaddr: sa_family (short, 16..18),            |
     *  |                   |             sa_data[14] (18..32): the MAC at 18   |
     *  +-------------------+---------------------------------------------------+
     * </pre>
     * Integers are in host order.
     */
    static final class Ifreq
    {
        static final int SIZE = 40;
        static final int NAME = 0;
        static final int NAME_SIZE = 16;
        static final int FLAGS = 16;
        static final int MTU = 16;
        static final int HWADDR_FAMILY = 16;
        static final int HWADDR_DATA = 18;

        private Ifreq()
        {
        }

        /**
         * Clears the block and writes the name.
         *
         * @param p    an ifreq-sized block.
         * @param name the interface name, at most {@link #IFNAMSIZ_MAX} ASCII bytes.
         */
        static void init(final Pointer p, final String name)
        {
            p.clear(SIZE);
            final byte[] b = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            p.write(NAME, b, 0, Math.min(b.length, NAME_SIZE - 1));
        }

        /**
         * @param p an ifreq block after the kernel filled it.
         * @return the name in it.
         */
        static String name(final Pointer p)
        {
            final byte[] b = p.getByteArray(NAME, NAME_SIZE);
            int n = 0;
            while (n < b.length && 0 != b[n])
            {
                n++;
            }
            return new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
        }
    }
}
