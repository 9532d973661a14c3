package platform.lcore.impl;

/**
 * One job's statistics on one lcore. Written only by that lcore (plain stores), read racily by observers;
 * padded on both sides so that two lcores' counters of the same job never share a cache line.
 */
final class JobCounters extends JobCountersFields
{
    @SuppressWarnings("unused")
    private long p10, p11, p12, p13, p14, p15, p16, p17;

    /**
     * Zeroes the statistics; called by the owning lcore only.
     */
    void reset()
    {
        calls = 0;
        timedCalls = 0;
        totalNs = 0;
        maxNs = 0;
        failures = 0;
    }
}

abstract class JobCountersPad
{
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class JobCountersFields extends JobCountersPad
{
    long calls;
    /** Calls in sampled iterations, the ones {@link #totalNs} and {@link #maxNs} cover. */
    long timedCalls;
    long totalNs;
    long maxNs;
    long lastNs;
    long lastLoop = -1;
    long failures;
    int consecutiveFailures;
    boolean initDone;
}
