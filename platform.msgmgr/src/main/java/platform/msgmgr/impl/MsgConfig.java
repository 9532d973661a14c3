package platform.msgmgr.impl;

/**
 * Settings of the message manager (DPVS's {@code ctrl_defs { lcore_msg { ring_size; sync_msg_timeout_us } }}).
 *
 * @param ringSize        ring slots per lcore and priority: a power of two, 256..524288 (DPVS: 4096).
 * @param timeoutUs       default timeout of synchronous sends and multicasts (DPVS: 2000 us).
 * @param drainBudget     messages one lcore handles per iteration at most, all rings together.
 * @param lowReserve      share of the budget kept for each lower-priority ring, so LOW is never starved.
 * @param poolSize        pooled messages kept for reuse.
 * @param controlTimeoutMs how long REG/UNREG wait for a busy lcore.
 * @param latencySample   1 in how many synchronous sends and multicasts (per type and sender) is timed: a power of
 *                        two, 1..1024; 1 times every one. Only timed ones read the clock at their start and end and
 *                        feed the latency histograms, as DPDK times services only while their statistics are on.
 */
record MsgConfig(int ringSize, long timeoutUs, int drainBudget, int lowReserve, int poolSize, long controlTimeoutMs,
    int latencySample)
{
    /**
     * 1 in 64: a timed send reads the clock twice (about 45 ns here), and with 1 in 8 the timed ones moved a sync
     * round trip's p50 from the master by 0.08 of the lean path's (bench/RESULTS.md section 23).
     */
    static final int DEFAULT_LATENCY_SAMPLE = 64;
    static final int MAX_LATENCY_SAMPLE = 1024;

    static final int MIN_RING = 256;
    static final int MAX_RING = 524288;

    static MsgConfig defaults()
    {
        return new MsgConfig(4096, 2000, 256, 16, 65536, 5000, DEFAULT_LATENCY_SAMPLE);
    }

    /** With the default latency sampling. */
    MsgConfig(final int ringSize, final long timeoutUs, final int drainBudget, final int lowReserve,
        final int poolSize, final long controlTimeoutMs)
    {
        this(ringSize, timeoutUs, drainBudget, lowReserve, poolSize, controlTimeoutMs, DEFAULT_LATENCY_SAMPLE);
    }

    MsgConfig
    {
        if (ringSize < MIN_RING || ringSize > MAX_RING || Integer.bitCount(ringSize) != 1)
        {
            throw new IllegalArgumentException("ring size " + ringSize + " must be a power of two in " + MIN_RING
                + ".." + MAX_RING);
        }
        if (timeoutUs <= 0)
        {
            throw new IllegalArgumentException("timeout must be > 0 us, got " + timeoutUs);
        }
        if (latencySample < 1 || latencySample > MAX_LATENCY_SAMPLE || Integer.bitCount(latencySample) != 1)
        {
            throw new IllegalArgumentException("latency sample " + latencySample + " must be a power of two in 1.."
                + MAX_LATENCY_SAMPLE);
        }
        if (drainBudget < 3 * lowReserve || lowReserve < 1)
        {
            throw new IllegalArgumentException("drain budget " + drainBudget + " must leave room for the reserves of "
                + lowReserve);
        }
    }
}
