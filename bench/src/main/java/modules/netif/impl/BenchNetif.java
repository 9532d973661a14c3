package modules.netif.impl;

import java.io.StringReader;

import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.Netif;
import modules.netif.api.NeighOutput;
import modules.netif.api.RouteLookup;
import modules.stats.api.LcoreCounters;
import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.MsgManager;

/**
 * netif started on running lcores for the benchmarks that need the whole forwarding loop beside the thing they
 * measure, outside OSGi. Split package on the plain benchmark class path on purpose; it does not exist in the
 * bundle.
 */
public final class BenchNetif implements AutoCloseable
{
    private static final byte[] GW_MAC = {2, 0, 0, 0, 0x77, 0x77};

    private final NetifCore core;
    private final LcoreCounters[] counters = new LcoreCounters[LcoreScheduler.MAX_LCORES];

    /**
     * @param lcores running lcores.
     * @param msg    the message manager.
     * @param conf   netif.conf text.
     * @throws Exception when the configuration is refused.
     */
    public BenchNetif(final LcoreScheduler lcores, final MsgManager msg, final String conf) throws Exception
    {
        core = new NetifCore(lcores, msg, id -> null == counters[id] ? counters[id] = new LcoreCounters(id)
            : counters[id], NetifConfig.parse("bench", new StringReader(conf)), Drivers.all());
        core.start();
    }

    /** @return the service a feature bundle gets. */
    public Netif netif()
    {
        return core;
    }

    /** @param r the route lookup netif calls, or null. */
    public void routeLookup(final RouteLookup r)
    {
        core.routeLookup(r);
    }

    /** @param n the neighbour output netif calls, or null. */
    public void neighOutput(final NeighOutput n)
    {
        core.neighOutput(n);
    }

    /** A resolved neighbour for every next hop: MACs written, the packet queued for its port. */
    public NeighOutput resolvedNeighbour()
    {
        return new NeighOutput()
        {
            @Override
            public int output(final int lcoreId, final Mbuf m, final int port, final int nextHop)
            {
                final byte[] b = m.array();
                System.arraycopy(GW_MAC, 0, b, m.offset(), 6);
                core.xmit(lcoreId, m, port);
                return InetHook.ACCEPT;
            }
        };
    }

    /** @return packets sent by the forwarding lcores so far. */
    public long forwarded()
    {
        long n = 0;
        for (final LcoreCounters c : counters)
        {
            n += null == c ? 0 : c.opackets();
        }
        return n;
    }

    @Override
    public void close()
    {
        core.stop();
    }
}
