package modules.netif.impl;

import java.util.concurrent.atomic.AtomicInteger;

import modules.netif.api.MbufPool;

/**
 * The af_packet port driver: any Linux interface through {@code PACKET_MMAP} rings (see {@link AfPacketDevice}).
 *
 * <pre>
 * port &lt;name&gt; driver af_packet iface &lt;linux interface&gt; [rxq N] [txq N] [blocks N] [block_size BYTES]
 *      [frame_size BYTES] [block_tov MS] [promisc on|off] [qdisc_bypass on|off] [mtu N]
 * </pre>
 * <ul>
 * <li>{@code rxq}, {@code txq}: queues, default 1; each is a socket of its own, several receive queues share one
 * {@code PACKET_FANOUT} group.</li>
 * <li>{@code blocks} x {@code block_size}: each ring's size, default 16 x 256 KiB = 4 MiB per queue. A block is
 * what the kernel hands over at once on receive: 256 KiB hold about 160 full-size frames (1514 bytes after a
 * header of about 80, 16-aligned) or about 1800 minimal ones, so a burst of 32 rarely spans two blocks, and 16
 * blocks absorb about 2500 full-size frames while the data plane is busy (DPDK's af_packet PMD takes 512 frames of 2048 in
 * page-sized blocks, a ring a quarter this size, but it is a frame ring that a block ring's packing beats).
 * {@code block_size} must be a multiple of the page size (the kernel allocates blocks as pages).</li>
 * <li>{@code frame_size}: a transmit slot, default 2048 (DPDK's), which takes a frame of up to 2016 bytes; on the
 * receive ring it only bounds the kernel's frame count. A multiple of 16, at most {@code block_size}.</li>
 * <li>{@code block_tov}: ms after which the kernel hands over a block that is not full, default 1: the latency a
 * frame can wait at a low packet rate.</li>
 * <li>{@code promisc}: promiscuous through a packet membership ({@code PACKET_MR_PROMISC}), default off; the
 * membership ends with the socket, so a crashed platform leaves no interface promiscuous.</li>
 * <li>{@code qdisc_bypass}: transmit straight to the driver, skipping the qdisc ({@code PACKET_QDISC_BYPASS}),
 * default on as DPDK's PMD.</li>
 * <li>{@code mtu}: sets the interface's MTU when given.</li>
 * </ul>
 */
final class AfPacketDriver implements PortDriver
{
    /** The driver's name in the configuration. */
    static final String NAME = "af_packet";

    private static final AtomicInteger FANOUT_IDS = new AtomicInteger();

    /** A port's options, read and checked. */
    static final class Options
    {
        String iface;
        int rxq;
        int txq;
        long blocks;
        long blockSize;
        long frameSize;
        long blockTovMs;
        boolean promisc;
        boolean qdiscBypass;
        long mtu;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public PortDevice open(final PortConf conf, final MbufPool pool) throws PortException
    {
        final Options o = options(conf);
        try
        {
            return AfPacketDevice.open(conf, pool, o);
        }
        catch (final UnsatisfiedLinkError | NoClassDefFoundError ex)
        {
            throw new PortException(conf, "iface " + o.iface + ": no native access through JNA: " + ex, ex);
        }
    }

    /**
     * @param conf the port's line.
     * @return its options.
     * @throws PortException when an option is missing, unknown or out of range, or the ring geometry is one the
     *                       kernel would refuse.
     */
    static Options options(final PortConf conf) throws PortException
    {
        final Options o = new Options();
        o.iface = conf.required("iface");
        if (o.iface.isEmpty() || o.iface.length() >= AfPacketDescriptor.IFNAMSIZ || o.iface.indexOf('/') >= 0)
        {
            throw new PortException(conf, "iface " + o.iface + ": not an interface name");
        }
        o.rxq = (int)conf.number("rxq", 1, 1, 64);
        o.txq = (int)conf.number("txq", 1, 1, 64);
        o.blocks = conf.number("blocks", 16, 1, 65536);
        o.blockSize = conf.number("block_size", 256 * 1024, 4096, 1L << 26);
        o.frameSize = conf.number("frame_size", 2048, 128, 1L << 26);
        o.blockTovMs = conf.number("block_tov", 1, 1, 1000);
        o.promisc = conf.flag("promisc", false);
        o.qdiscBypass = conf.flag("qdisc_bypass", true);
        o.mtu = conf.number("mtu", 0, 68, 65535);
        conf.checkAllRead();
        final long page = pageSize();
        if (0 != o.blockSize % page)
        {
            throw new PortException(conf, "block_size " + o.blockSize + ": not a multiple of the page size " + page);
        }
        if (0 != o.frameSize % AfPacketDescriptor.TPACKET_ALIGNMENT)
        {
            throw new PortException(conf, "frame_size " + o.frameSize + ": not a multiple of "
                + AfPacketDescriptor.TPACKET_ALIGNMENT);
        }
        if (o.frameSize > o.blockSize)
        {
            throw new PortException(conf, "frame_size " + o.frameSize + ": larger than block_size " + o.blockSize);
        }
        if (o.blocks * o.blockSize > 1L << 30)
        {
            throw new PortException(conf, "blocks " + o.blocks + " x block_size " + o.blockSize
                + ": a ring of more than 1 GiB");
        }
        return o;
    }

    private static long pageSize()
    {
        try
        {
            return AfPacketLibC.getpagesize();
        }
        catch (final UnsatisfiedLinkError | NoClassDefFoundError ex)
        {
            return 4096;
        }
    }

    /**
     * A fanout group id, unique in this process and unlikely to meet another process's (DPDK takes
     * {@code getpid() ^ ifindex}; groups are per network namespace).
     *
     * @param ifindex the interface.
     * @return 16 bits.
     */
    static int nextFanoutId(final int ifindex)
    {
        return (int)((ProcessHandle.current().pid() ^ ifindex) + FANOUT_IDS.getAndIncrement() * 0x9e37L) & 0xffff;
    }
}
