package modules.neigh.impl;

import modules.netif.api.NeighOutput;
import modules.netif.api.Netif;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.LcoreTimers;
import platform.msgmgr.api.MsgManager;
import platform.sockopt.api.SockoptRegistry;

/**
 * The neighbour bundle's core started outside OSGi for the benchmarks. Split package on the plain benchmark class
 * path on purpose; it does not exist in the bundle.
 */
public final class BenchNeigh implements AutoCloseable
{
    private final NeighCore core;

    /**
     * @param statics static entries, "IP MAC DEV, ..." as the configuration's.
     * @param entries table size per lcore.
     */
    public BenchNeigh(final LcoreScheduler lcores, final MsgManager msg, final Netif netif, final LcoreTimers timers,
        final SockoptRegistry sockopts, final String statics, final int entries)
    {
        final NeighSettings d = NeighSettings.defaults();
        core = new NeighCore(lcores, msg, netif, timers, new NeighSettings(entries, d.unresQlen(), d.maxUnresolved(),
            d.reachableNs(), d.probeNs(), d.delayNs(), d.retransNs(), d.probes(), d.timeoutUs()), statics, null,
            "bench");
        core.start(sockopts);
    }

    /** @return the output netif calls. */
    public NeighOutput output()
    {
        return core;
    }

    @Override
    public void close()
    {
        core.stop();
    }
}
