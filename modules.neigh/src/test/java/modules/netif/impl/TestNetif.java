package modules.netif.impl;

import java.io.StringReader;
import java.util.Arrays;
import java.util.Map;

import modules.netif.api.NeighOutput;
import modules.netif.api.Netif;
import modules.netif.api.RouteLookup;
import modules.stats.api.LcoreCounters;
import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.MsgManager;

/**
 * A real {@link NetifCore} for modules.neigh's tests (this package is netif's; on the test class path it is shared
 * with netif's test jar): its packet path on the running lcores, with netif's test port driver {@link FeedDriver}
 * (frames queued here are received, frames sent are copied out) or any other configured driver (af_packet).
 */
public final class TestNetif implements AutoCloseable
{
    private final FeedDriver feed = new FeedDriver();
    private final NetifCore core;

    private TestNetif(final LcoreScheduler lcores, final MsgManager msg, final String conf) throws Exception
    {
        final Map<String, PortDriver> drivers = Drivers.all();
        drivers.put("feed", feed);
        core = new NetifCore(lcores, msg, LcoreCounters::new, NetifConfig.parse("test.conf", new StringReader(conf)),
            drivers);
        core.start();
    }

    /**
     * @param lcores running lcores.
     * @param msg    their message manager.
     * @param conf   netif's configuration (ports with {@code driver feed} are the test's).
     * @return a running netif.
     */
    public static TestNetif start(final LcoreScheduler lcores, final MsgManager msg, final String conf)
        throws Exception
    {
        return new TestNetif(lcores, msg, conf);
    }

    /** @return netif's service. */
    public Netif netif()
    {
        return core;
    }

    /** Binds (or with null unbinds, waiting for a grace period) the neighbour output, as netif's component does. */
    public void neighOutput(final NeighOutput n)
    {
        core.neighOutput(n);
    }

    /** Binds (or unbinds) the route lookup. */
    public void routeLookup(final RouteLookup r)
    {
        core.routeLookup(r);
    }

    /** Queues a frame for the feed ports to receive. */
    public void feed(final byte[] frame)
    {
        feed.in.add(frame);
    }

    /** @return the next frame a feed port sent, or null. */
    public byte[] sent()
    {
        return feed.out.poll();
    }

    /** @return frames sent and not yet taken. */
    public int sentCount()
    {
        return feed.out.size();
    }

    /**
     * @param name one of netif's drop/packet counter names ({@code no_neigh}, {@code neigh_drop}, ...).
     * @return its total over the workers.
     */
    public long total(final String name)
    {
        final int i = Arrays.asList(LcoreNetif.NAMES).indexOf(name);
        if (i < 0)
        {
            throw new IllegalArgumentException("no netif counter " + name + " in " + Arrays.toString(LcoreNetif.NAMES));
        }
        return core.totals()[i];
    }

    /**
     * An Ethernet + IPv4 + UDP frame, as netif's tests build them.
     *
     * @param dstMac the receiving port's MAC.
     * @param saddr  source.
     * @param daddr  destination.
     * @param ttl    TTL.
     * @param len    frame length.
     * @return the frame.
     */
    public static byte[] udp(final byte[] dstMac, final int saddr, final int daddr, final int ttl, final int len)
    {
        return FeedDriver.udp(dstMac, saddr, daddr, ttl, len);
    }

    /**
     * netif's veth fixture ({@link VethPair}): a network namespace whose kernel has {@link Veth#PEER_IP}/24 on the
     * far end of a veth pair; the near end, {@link Veth#host}, is for an af_packet port. Needs root.
     *
     * @return the fixture; close it also when the test fails.
     */
    public static Veth veth() throws Exception
    {
        return new Veth(new VethPair());
    }

    /** A veth pair with its far end in a namespace of its own. */
    public static final class Veth implements AutoCloseable
    {
        /** The address the platform plays (the namespace's permanent neighbour until {@link #forgetHost}). */
        public static final String HOST_IP = VethPair.HOST_IP;
        /** The namespace's address. */
        public static final String PEER_IP = VethPair.PEER_IP;
        private final VethPair pair;
        /** The near end's name, for {@code iface}. */
        public final String host;

        Veth(final VethPair pair)
        {
            this.pair = pair;
            this.host = pair.host;
        }

        /** @return the far end's MAC. */
        public String peerMac() throws Exception
        {
            return pair.peerMac();
        }

        /** @return the near end's MAC. */
        public String hostMac() throws Exception
        {
            return pair.hostMac();
        }

        /** Removes the namespace's permanent neighbour entry for {@link #HOST_IP}, so that its kernel ARPs for it. */
        public void forgetHost() throws Exception
        {
            pair.inNs("ip", "neigh", "del", HOST_IP, "dev", pair.peer);
        }

        /**
         * @param cmd a command.
         * @return its output, run in the namespace (a non-zero exit fails).
         */
        public String inNs(final String... cmd) throws Exception
        {
            return pair.inNs(cmd);
        }

        /** @return the far end's interface name. */
        public String peer()
        {
            return pair.peer;
        }

        @Override
        public void close()
        {
            pair.close();
        }
    }

    @Override
    public void close()
    {
        core.stop();
    }
}
