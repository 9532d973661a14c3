package modules.route.impl;

import java.util.concurrent.atomic.AtomicReferenceArray;

import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;

/**
 * The lcores' empty route tables, built off the lcores and taken once by each: a DIR-24-8 table is 64 MB, whose
 * allocation and zeroing on a worker would hold its forwarding and its messages (another bundle's SETs timed out
 * behind it on a loaded 2-vCPU machine). The master's table is DIR-16-8-8 whatever the configuration: it answers the
 * control plane's lookups, not the packets', and its 64 MB of DIR-24-8 made a route start take half as long again.
 */
final class PreparedTables
{
    private final LcoreScheduler lcores;
    private final int expected;
    private final String lpm;
    private final AtomicReferenceArray<RouteTable> tables = new AtomicReferenceArray<>(LcoreScheduler.MAX_LCORES);

    /**
     * @param lcores   the lcores.
     * @param expected how many routes a table is sized for at first.
     * @param lpm      the workers' LPM kind.
     */
    PreparedTables(final LcoreScheduler lcores, final int expected, final String lpm)
    {
        this.lcores = lcores;
        this.expected = expected;
        this.lpm = lpm;
    }

    /** @return the LPM kind of an lcore's table. */
    String kindOf(final int lcoreId)
    {
        return lcoreId == lcores.masterLcoreId() ? Lpm.DIR_16_8_8 : lpm;
    }

    /**
     * Builds every lcore's table on the caller's thread. (Building the workers' on a thread of their own while the
     * core registers its message types was tried: on two vCPUs the lcores already hold, it took the CPU the master
     * lcore needed to enter the registrations, and a route start went from 9.0 to 12.7 ms at the median.)
     */
    void build()
    {
        for (final int w : lcores.lcoreIds(LcoreRole.FWD_WORKER))
        {
            tables.set(w, new RouteTable(expected, kindOf(w)));
        }
        final int master = lcores.masterLcoreId();
        tables.set(master, new RouteTable(expected, kindOf(master)));
    }

    /** @return the lcore's table, once (null when none was built for it or it was taken). */
    RouteTable take(final int lcoreId)
    {
        return tables.getAndSet(lcoreId, null);
    }

    /** Drops the tables no lcore took. */
    void clear()
    {
        for (int i = 0; i < tables.length(); i++)
        {
            tables.set(i, null);
        }
    }
}
