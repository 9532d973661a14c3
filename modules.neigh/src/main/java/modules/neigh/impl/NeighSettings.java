package modules.neigh.impl;

import java.util.concurrent.TimeUnit;

/**
 * The neighbour table's settings, checked (DPVS's {@code neigh_defs}: {@code unres_queue_length}, {@code timeout},
 * plus what DPVS hard-codes).
 *
 * @param maxEntries    entries per lcore table at most (DPVS: unbounded, from a mempool).
 * @param unresQlen     packets held per unresolved neighbour (DPVS's {@code unres_queue_length}).
 * @param maxUnresolved neighbours holding packets at once per lcore.
 * @param reachableNs   how long a learned entry is REACHABLE (DPVS's {@code timeout}, 60 s).
 * @param probeNs       then how long it stays PROBE, used but to be confirmed (DPVS: 30 s).
 * @param delayNs       how long a confirmation may take once asked for (DPVS's DELAY: 3 s).
 * @param retransNs     between two ARP requests for one neighbour (Linux's {@code retrans_time}, 1 s).
 * @param probes        ARP requests per resolution (Linux's {@code mcast_solicit}, 3); a resolution expires, and
 *                      its held packets are dropped, {@code probes * retransNs} after it started (DPVS's SEND: 3 s).
 * @param timeoutUs     how long a SET waits for every worker.
 */
record NeighSettings(int maxEntries, int unresQlen, int maxUnresolved, long reachableNs, long probeNs, long delayNs,
    long retransNs, int probes, long timeoutUs)
{
    NeighSettings
    {
        check("max_entries", maxEntries, 1, 1 << 22);
        check("unres_qlen", unresQlen, 1, 8192);
        check("max_unresolved", maxUnresolved, 1, 1 << 16);
        check("probes", probes, 1, 100);
        if (reachableNs <= 0 || probeNs <= 0 || delayNs <= 0 || retransNs <= 0 || timeoutUs <= 0)
        {
            throw new IllegalArgumentException("neigh: timeouts must be positive");
        }
    }

    private static void check(final String what, final long v, final long min, final long max)
    {
        if (v < min || v > max)
        {
            throw new IllegalArgumentException("neigh: " + what + " " + v + " out of range " + min + ".." + max);
        }
    }

    /** DPVS's defaults. */
    static NeighSettings defaults()
    {
        return new NeighSettings(4096, 16, 256, TimeUnit.SECONDS.toNanos(60), TimeUnit.SECONDS.toNanos(30),
            TimeUnit.SECONDS.toNanos(3), TimeUnit.SECONDS.toNanos(1), 3, 200_000);
    }

    /** @return how long an entry may stay unresolved (SEND) before its held packets are dropped. */
    long resolveNs()
    {
        return probes * retransNs;
    }

    /** @return the period of each lcore's aging timer: a quarter of the shortest timeout, 1 ms .. 1 s. */
    long scanNs()
    {
        final long shortest = Math.min(Math.min(reachableNs, probeNs), Math.min(delayNs, resolveNs()));
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(TimeUnit.SECONDS.toNanos(1), shortest / 4));
    }

    /** @return the period of the master's retransmission timer. */
    long retryScanNs()
    {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), retransNs / 4);
    }
}
