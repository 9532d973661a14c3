package modules.netif.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;
import platform.lcore.api.Edpvs;

/**
 * One open TAP interface: a non-blocking file descriptor on {@code /dev/net/tun} per queue, each frame one
 * {@code read} or {@code write} (the tap has no batched interface), through a direct buffer of the queue's own so
 * JNA passes its address and copies nothing; the frame is then copied to or from the mbuf's array. Receive queue
 * {@code q} is polled by one lcore and transmit queue {@code q} used by one lcore, each with its own buffer, so the
 * bursts need no lock; the device-wide calls (up, promisc, link) go through an {@code AF_INET} datagram socket and
 * are synchronised among themselves.
 * <p>
 * Closing the descriptors destroys the interface (it is not made persistent).
 */
final class TapDevice implements PortDevice
{
    /** A queue's read and write buffer: the largest frame a tap carries (MTU 65521 and the Ethernet header). */
    static final int FRAME_MAX = 65536;
    private static final String TUN = "/dev/net/tun";

    private final PortConf conf;
    private final MbufPool pool;
    private final String ifname;
    private final byte[] mac;
    private final int mtu;
    private final int txq;
    private final int[] fds;
    private final ByteBuffer[] rxBufs;
    private final Pointer[] rxPtrs;
    private final ByteBuffer[] txBufs;
    private final Pointer[] txPtrs;
    /** The datagram socket the interface ioctls go through, and their ifreq; guarded by this. */
    private final int ctl;
    private final Memory ifr = new Memory(TapLibc.Ifreq.SIZE);
    private final Path stats;
    private boolean closed;

    /** Per receive queue: frames larger than the pool's buffers, and read errors; written by its lcore only. */
    private final long[] rxErrors;
    /** Per transmit queue: frames the kernel refused (interface down, bad frame); written by its lcore only. */
    private final long[] txErrors;

    private TapDevice(final PortConf conf, final MbufPool pool, final String ifname, final byte[] mac, final int mtu,
        final int[] fds, final int ctl, final int txq)
    {
        this.conf = conf;
        this.pool = pool;
        this.ifname = ifname;
        this.mac = mac;
        this.mtu = mtu;
        this.fds = fds;
        this.ctl = ctl;
        this.txq = txq;
        final int n = fds.length;
        this.rxBufs = new ByteBuffer[n];
        this.rxPtrs = new Pointer[n];
        this.txBufs = new ByteBuffer[txq];
        this.txPtrs = new Pointer[txq];
        for (int q = 0; q < n; q++)
        {
            rxBufs[q] = ByteBuffer.allocateDirect(FRAME_MAX);
            rxPtrs[q] = Native.getDirectBufferPointer(rxBufs[q]);
        }
        for (int q = 0; q < txq; q++)
        {
            txBufs[q] = ByteBuffer.allocateDirect(FRAME_MAX);
            txPtrs[q] = Native.getDirectBufferPointer(txBufs[q]);
        }
        this.rxErrors = new long[n];
        this.txErrors = new long[txq];
        this.stats = Paths.get("/sys/class/net", ifname, "statistics");
    }

    /**
     * Creates the interface (or attaches to a persistent one of that name), sets its MAC and MTU, brings it up.
     *
     * @return the open device.
     * @throws PortException naming the port, the interface and the errno when a step fails; what was opened is
     *                       closed again.
     */
    static TapDevice open(final PortConf conf, final MbufPool pool, final String ifname, final byte[] mac,
        final int mtu, final boolean up, final int rxq, final int txq) throws PortException
    {
        final int[] fds = new int[rxq];
        java.util.Arrays.fill(fds, -1);
        int ctl = -1;
        final Memory req = new Memory(TapLibc.Ifreq.SIZE);
        try
        {
            for (int q = 0; q < rxq; q++)
            {
                fds[q] = TapLibc.open(TUN, TapLibc.O_RDWR | TapLibc.O_NONBLOCK | TapLibc.O_CLOEXEC);
                if (fds[q] < 0)
                {
                    final int e = TapLibc.errno();
                    throw new PortException(conf, "tap " + ifname + ": cannot open " + TUN + ": "
                        + TapLibc.errorText(e) + (TapLibc.ENOENT == e ? " (is the tun module loaded?)" : ""));
                }
                TapLibc.Ifreq.init(req, ifname);
                short flags = (short)(TapLibc.IFF_TAP | TapLibc.IFF_NO_PI);
                if (rxq > 1)
                {
                    flags |= TapLibc.IFF_MULTI_QUEUE;
                }
                req.setShort(TapLibc.Ifreq.FLAGS, flags);
                if (TapLibc.ioctl(fds[q], TapLibc.TUNSETIFF, req) < 0)
                {
                    final int e = TapLibc.errno();
                    throw new PortException(conf, "tap " + ifname + ": TUNSETIFF: " + TapLibc.errorText(e)
                        + tunsetiffHint(e));
                }
            }
            TapLibc.Ifreq.init(req, ifname);
            req.setShort(TapLibc.Ifreq.HWADDR_FAMILY, (short)TapLibc.ARPHRD_ETHER);
            req.write(TapLibc.Ifreq.HWADDR_DATA, mac, 0, 6);
            if (TapLibc.ioctl(fds[0], TapLibc.SIOCSIFHWADDR, req) < 0)
            {
                throw new PortException(conf, "tap " + ifname + ": cannot set MAC " + DriverMac.format(mac) + ": "
                    + TapLibc.errorText(TapLibc.errno()));
            }
            ctl = TapLibc.socket(TapLibc.AF_INET, TapLibc.SOCK_DGRAM, 0);
            if (ctl < 0)
            {
                throw new PortException(conf, "tap " + ifname + ": cannot open a control socket: "
                    + TapLibc.errorText(TapLibc.errno()));
            }
            if (mtu > 0)
            {
                TapLibc.Ifreq.init(req, ifname);
                req.setInt(TapLibc.Ifreq.MTU, mtu);
                if (TapLibc.ioctl(ctl, TapLibc.SIOCSIFMTU, req) < 0)
                {
                    throw new PortException(conf, "tap " + ifname + ": cannot set MTU " + mtu + ": "
                        + TapLibc.errorText(TapLibc.errno()));
                }
            }
            TapLibc.Ifreq.init(req, ifname);
            if (TapLibc.ioctl(ctl, TapLibc.SIOCGIFMTU, req) < 0)
            {
                throw new PortException(conf, "tap " + ifname + ": cannot read the MTU: "
                    + TapLibc.errorText(TapLibc.errno()));
            }
            final int actualMtu = req.getInt(TapLibc.Ifreq.MTU);
            final TapDevice dev = new TapDevice(conf, pool, ifname, mac.clone(), actualMtu, fds, ctl, txq);
            if (up && Edpvs.OK != dev.setFlag(TapLibc.IFF_UP, true))
            {
                final int e = TapLibc.errno();
                dev.close();
                throw new PortException(conf, "tap " + ifname + ": cannot bring it up: " + TapLibc.errorText(e));
            }
            return dev;
        }
        catch (final PortException ex)
        {
            for (final int fd : fds)
            {
                if (fd >= 0)
                {
                    TapLibc.close(fd);
                }
            }
            if (ctl >= 0)
            {
                TapLibc.close(ctl);
            }
            throw ex;
        }
        finally
        {
            req.close();
        }
    }

    private static String tunsetiffHint(final int errno)
    {
        switch (errno)
        {
            case TapLibc.EPERM:
                return " (creating a tap needs CAP_NET_ADMIN)";
            case TapLibc.EBUSY:
                return " (the interface is in use: another process holds this tap)";
            case TapLibc.EINVAL:
                return " (an interface of that name exists and is not a tap)";
            default:
                return "";
        }
    }

    @Override
    public String driver()
    {
        return TapDriver.NAME;
    }

    @Override
    public String device()
    {
        return ifname;
    }

    @Override
    public byte[] mac()
    {
        return mac.clone();
    }

    @Override
    public int mtu()
    {
        return mtu;
    }

    @Override
    public int rxQueues()
    {
        return fds.length;
    }

    @Override
    public int txQueues()
    {
        return txq;
    }

    /**
     * Reads frames until the kernel has none ({@code EAGAIN}), {@code max} are read or the pool is empty (the
     * frames left wait in the tap's queue; when it overflows the kernel drops and counts them, see
     * {@link #rxMissed()}). A buffer is taken before each read and given back when nothing came. Correct for one
     * lcore per queue.
     */
    @Override
    public int rxBurst(final int lcoreId, final int queue, final Mbuf[] pkts, final int max)
    {
        final int fd = fds[queue];
        final Pointer ptr = rxPtrs[queue];
        final ByteBuffer buf = rxBufs[queue];
        final MbufPool pool = this.pool;
        final int port = conf.id;
        int n = 0;
        while (n < max)
        {
            final Mbuf m = pool.alloc(lcoreId);
            if (null == m)
            {
                break;
            }
            final long r = TapLibc.read(fd, ptr, FRAME_MAX);
            if (r <= 0)
            {
                pool.free(lcoreId, m);
                if (r < 0 && readFailed(queue))
                {
                    continue;
                }
                break;
            }
            final int len = (int)r;
            final int off = m.offset();
            if (len > m.array().length - off)
            {
                pool.free(lcoreId, m);
                rxErrors[queue]++;
                continue;
            }
            buf.get(0, m.array(), off, len);
            m.length(len);
            m.from(port, queue);
            pkts[n++] = m;
        }
        return n;
    }

    /** @return true to read again (interrupted), false to end the burst (nothing waits, or an error, counted). */
    private boolean readFailed(final int queue)
    {
        final int e = TapLibc.errno();
        if (TapLibc.EINTR == e)
        {
            return true;
        }
        if (TapLibc.EAGAIN != e)
        {
            rxErrors[queue]++;
        }
        return false;
    }

    /**
     * Writes each frame (one system call each) and frees its buffer. A frame the kernel refuses (the interface is
     * down, a frame too short or too long) is freed and counted as taken; {@code EAGAIN} ends the burst with the
     * rest not taken. Correct for one lcore per queue.
     */
    @Override
    public int txBurst(final int lcoreId, final int queue, final Mbuf[] pkts, final int n)
    {
        final int fd = fds[queue];
        final Pointer ptr = txPtrs[queue];
        final ByteBuffer buf = txBufs[queue];
        int i = 0;
        while (i < n)
        {
            final Mbuf m = pkts[i];
            final int len = Math.min(m.length(), FRAME_MAX);
            buf.put(0, m.array(), m.offset(), len);
            final long r = TapLibc.write(fd, ptr, len);
            if (r < 0)
            {
                final int e = TapLibc.errno();
                if (TapLibc.EINTR == e)
                {
                    continue;
                }
                if (TapLibc.EAGAIN == e)
                {
                    break;
                }
                txErrors[queue]++;
            }
            m.pool().free(lcoreId, m);
            pkts[i++] = null;
        }
        return i;
    }

    @Override
    public boolean linkUp()
    {
        final int f = flags();
        return f >= 0 && 0 != (f & TapLibc.IFF_RUNNING);
    }

    @Override
    public boolean up()
    {
        final int f = flags();
        return f >= 0 && 0 != (f & TapLibc.IFF_UP);
    }

    @Override
    public boolean promisc()
    {
        final int f = flags();
        return f >= 0 && 0 != (f & TapLibc.IFF_PROMISC);
    }

    @Override
    public int promisc(final boolean on)
    {
        return setFlag(TapLibc.IFF_PROMISC, on);
    }

    @Override
    public int up(final boolean up)
    {
        return setFlag(TapLibc.IFF_UP, up);
    }

    /** @return the interface flags ({@code SIOCGIFFLAGS}), or -1 when they cannot be read (closed, gone). */
    private synchronized int flags()
    {
        if (closed)
        {
            return -1;
        }
        TapLibc.Ifreq.init(ifr, ifname);
        if (TapLibc.ioctl(ctl, TapLibc.SIOCGIFFLAGS, ifr) < 0)
        {
            return -1;
        }
        return ifr.getShort(TapLibc.Ifreq.FLAGS) & 0xffff;
    }

    private synchronized int setFlag(final short flag, final boolean on)
    {
        if (closed)
        {
            return Edpvs.NODEV;
        }
        TapLibc.Ifreq.init(ifr, ifname);
        if (TapLibc.ioctl(ctl, TapLibc.SIOCGIFFLAGS, ifr) < 0)
        {
            return Edpvs.SYSCALL;
        }
        final short f = ifr.getShort(TapLibc.Ifreq.FLAGS);
        ifr.setShort(TapLibc.Ifreq.FLAGS, (short)(on ? f | flag : f & ~flag));
        return TapLibc.ioctl(ctl, TapLibc.SIOCSIFFLAGS, ifr) < 0 ? Edpvs.SYSCALL : Edpvs.OK;
    }

    /**
     * @return frames the kernel dropped because the tap's queue was full (the interface's {@code tx_dropped}: the
     * kernel's transmit is our receive).
     */
    @Override
    public long rxMissed()
    {
        return sysStat("tx_dropped");
    }

    @Override
    public long rxErrors()
    {
        long n = 0;
        for (final long e : rxErrors)
        {
            n += e;
        }
        return n;
    }

    /** @return frames the kernel refused on transmit, summed over the queues. */
    long txErrors()
    {
        long n = 0;
        for (final long e : txErrors)
        {
            n += e;
        }
        return n;
    }

    private long sysStat(final String name)
    {
        try
        {
            return Long.parseLong(Files.readString(stats.resolve(name), StandardCharsets.US_ASCII).trim());
        }
        catch (final IOException | NumberFormatException ex)
        {
            return 0;
        }
    }

    /** Closes the descriptors, which destroys the interface; a second call does nothing. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final int fd : fds)
        {
            TapLibc.close(fd);
        }
        TapLibc.close(ctl);
        ifr.close();
    }

    @Override
    public String toString()
    {
        return "tap " + ifname + " (" + conf + ")";
    }
}
