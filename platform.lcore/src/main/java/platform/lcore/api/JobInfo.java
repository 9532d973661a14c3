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
 * @param timedCalls  the calls that were timed: LOOP and SLOW jobs are timed in sampled iterations only
 *                    ({@code job_timing_sample}), INIT jobs always.
 * @param totalNs     time spent in the timed calls, nanoseconds.
 * @param maxNs       longest timed call, nanoseconds.
 * @param failures    calls that threw.
 * @param state       ACTIVE or QUARANTINED.
 */
@org.osgi.annotation.versioning.ProviderType
public record JobInfo(String name, LcoreRole role, JobType type, int skipLoops, int lcoreId, String owner, long calls,
    long timedCalls, long totalNs, long maxNs, long failures, JobState state)
{
    /**
     * The 1.0 form, every call timed.
     */
    public JobInfo(final String name, final LcoreRole role, final JobType type, final int skipLoops, final int lcoreId,
        final String owner, final long calls, final long totalNs, final long maxNs, final long failures,
        final JobState state)
    {
        this(name, role, type, skipLoops, lcoreId, owner, calls, calls, totalNs, maxNs, failures, state);
    }

    /**
     * @return mean time of the timed calls in nanoseconds, 0 when none was timed.
     */
    public long avgNs()
    {
        return 0 == timedCalls ? 0 : totalNs / timedCalls;
    }
}
