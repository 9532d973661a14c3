package platform.lcore.api;

/**
 * A snapshot of one job's statistics on one lcore.
 *
 * @param name        job name.
 * @param role        role it is registered for.
 * @param type        INIT, LOOP or SLOW.
 * @param skipLoops   period of a SLOW job, else 0.
 * @param lcoreId     the lcore these figures are from.
 * @param owner       who registered it (a bundle's symbolic name and version, or a caller's label).
 * @param calls       calls on this lcore.
 * @param totalNs     time spent in those calls, nanoseconds.
 * @param maxNs       longest call, nanoseconds.
 * @param failures    calls that threw.
 * @param state       ACTIVE or QUARANTINED.
 */
public record JobInfo(String name, LcoreRole role, JobType type, int skipLoops, int lcoreId, String owner, long calls,
    long totalNs, long maxNs, long failures, JobState state)
{
    /**
     * @return mean call time in nanoseconds, 0 when never called.
     */
    public long avgNs()
    {
        return 0 == calls ? 0 : totalNs / calls;
    }
}
