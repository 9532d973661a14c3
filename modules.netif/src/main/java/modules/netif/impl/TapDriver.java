package modules.netif.impl;

import modules.netif.api.MbufPool;

/**
 * The {@code tap} driver: a TAP interface ({@code /dev/net/tun}) that plays DPVS's KNI. What the data plane does
 * not handle goes to the kernel by transmitting on this port, and what the kernel sends out of the interface is
 * received from it. Which lcore polls it (a KNI_WORKER where one is configured, else the master) is the queue
 * configuration's business, not the driver's.
 *
 * <pre>
 * port &lt;name&gt; driver tap name &lt;ifname&gt; [mac aa:bb:cc:dd:ee:ff] [mtu &lt;n&gt;] [up on|off] [rxq &lt;n&gt;] [txq &lt;n&gt;]
 * </pre>
 * {@code name} is the kernel-side interface (at most 15 characters, e.g. {@code dpdk0.kni}); {@code mac} defaults
 * to a random locally administered address; {@code mtu} to the kernel's (1500); {@code up} (default on) brings the
 * interface up. More than one receive queue opens a multi-queue tap ({@code IFF_MULTI_QUEUE}), one file descriptor
 * per queue, among which the kernel spreads the flows it sends; transmit queue {@code i} writes to the descriptor of
 * receive queue {@code i}, so {@code txq} is at most {@code rxq}.
 */
final class TapDriver implements PortDriver
{
    static final String NAME = "tap";
    /** Queues of a multi-queue tap: the kernel allows up to 256 ({@code MAX_TAP_QUEUES}); more is no use here. */
    static final int MAX_QUEUES = 16;
    /** Smallest and largest MTU a tap takes ({@code ETH_MIN_MTU}, {@code ETH_MAX_MTU - ETH_HLEN}). */
    static final int MIN_MTU = 68;
    static final int MAX_MTU = 65521;

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public PortDevice open(final PortConf conf, final MbufPool pool) throws PortException
    {
        final String ifname = conf.required("name");
        checkName(conf, ifname);
        final byte[] mac = DriverMac.option(conf);
        final int mtu = (int)conf.number("mtu", 0, MIN_MTU, MAX_MTU);
        final boolean up = conf.flag("up", true);
        final int rxq = (int)conf.number("rxq", 1, 1, MAX_QUEUES);
        final int txq = (int)conf.number("txq", 1, 1, MAX_QUEUES);
        if (txq > rxq)
        {
            throw new PortException(conf, "txq " + txq + " > rxq " + rxq + ": a tap's transmit queue i writes to the"
                + " file descriptor of receive queue i (every descriptor must be read, so rxq sets their number)");
        }
        conf.checkAllRead();
        return TapDevice.open(conf, pool, ifname, mac, mtu, up, rxq, txq);
    }

    /**
     * The kernel's {@code dev_valid_name}: 1 to 15 bytes, not "." or "..", no '/', ':' or white space.
     */
    private static void checkName(final PortConf conf, final String ifname) throws PortException
    {
        if (ifname.isEmpty() || ifname.length() > TapLibc.IFNAMSIZ_MAX)
        {
            throw new PortException(conf, "name " + ifname + ": an interface name has 1 to " + TapLibc.IFNAMSIZ_MAX
                + " characters, not " + ifname.length());
        }
        if (".".equals(ifname) || "..".equals(ifname))
        {
            throw new PortException(conf, "name " + ifname + ": not an interface name");
        }
        for (int i = 0; i < ifname.length(); i++)
        {
            final char c = ifname.charAt(i);
            if (c <= ' ' || c >= 0x7f || '/' == c || ':' == c)
            {
                throw new PortException(conf, "name " + ifname + ": an interface name has no '/', ':', white space"
                    + " or non-ASCII characters");
            }
        }
    }
}
