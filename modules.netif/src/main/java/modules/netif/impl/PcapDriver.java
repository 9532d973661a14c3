package modules.netif.impl;

import java.nio.file.Path;
import java.nio.file.Paths;

import modules.netif.api.MbufPool;

/**
 * The {@code pcap} driver: a capture file as the port's input and the port's output written as a capture, so real
 * traffic can be replayed through the data plane and what came out looked at with the usual tools.
 *
 * <pre>
 * port &lt;name&gt; driver pcap [in &lt;file&gt;] [out &lt;file&gt;] [loop on|off] [rate &lt;pps&gt;] [mac aa:bb:cc:dd:ee:ff] [mtu &lt;n&gt;]
 * </pre>
 * At least one of {@code in} (a classic libpcap file of Ethernet frames, either byte order, micro- or nanosecond
 * timestamps) and {@code out} (written with microsecond timestamps, link type Ethernet, snaplen 65535). {@code loop}
 * replays the input from its start when it ends (default off: the port then receives nothing more); {@code rate}
 * paces the input to that many packets per second (default 0: as fast as polled). Without {@code out}, what the
 * port transmits is discarded; without {@code in}, it receives nothing. One queue each way.
 */
final class PcapDriver implements PortDriver
{
    static final String NAME = "pcap";

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public PortDevice open(final PortConf conf, final MbufPool pool) throws PortException
    {
        final String in = conf.string("in", null);
        final String out = conf.string("out", null);
        final boolean loop = conf.flag("loop", false);
        final long rate = conf.number("rate", 0, 0, 1_000_000_000L);
        final byte[] mac = DriverMac.option(conf);
        final int mtu = (int)conf.number("mtu", 1500, TapDriver.MIN_MTU, PcapFormat.SNAPLEN - 14);
        final long rxq = conf.number("rxq", 1, 1, Integer.MAX_VALUE);
        final long txq = conf.number("txq", 1, 1, Integer.MAX_VALUE);
        // down at start: the capture is replayed once the port is set up (dpip link set PORT up), after the
        // routes and neighbours it needs are in place
        final boolean up = conf.flag("up", true);
        conf.checkAllRead();
        if (1 != rxq || 1 != txq)
        {
            throw new PortException(conf, "a pcap port has one queue each way, not rxq " + rxq + " txq " + txq);
        }
        if (null == in && null == out)
        {
            throw new PortException(conf, "driver pcap needs in <file>, out <file> or both");
        }
        if (null == in && (loop || rate > 0))
        {
            throw new PortException(conf, (loop ? "loop" : "rate") + " needs an input file (in <file>)");
        }
        final Path inPath = null == in ? null : Paths.get(in);
        final Path outPath = null == out ? null : Paths.get(out);
        if (null != inPath && null != outPath
            && inPath.toAbsolutePath().normalize().equals(outPath.toAbsolutePath().normalize()))
        {
            throw new PortException(conf, "in and out are the same file " + in + ": writing would destroy the input");
        }
        final PcapDevice dev = PcapDevice.open(conf, pool, inPath, outPath, loop, rate, mac, mtu);
        if (!up)
        {
            dev.up(false);
        }
        return dev;
    }
}
