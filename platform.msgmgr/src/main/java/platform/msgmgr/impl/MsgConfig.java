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
 */
record MsgConfig(int ringSize, long timeoutUs, int drainBudget, int lowReserve, int poolSize, long controlTimeoutMs)
{
    static final int MIN_RING = 256;
    static final int MAX_RING = 524288;

    static MsgConfig defaults()
    {
        return new MsgConfig(4096, 2000, 256, 16, 65536, 5000);
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
        if (drainBudget < 3 * lowReserve || lowReserve < 1)
        {
            throw new IllegalArgumentException("drain budget " + drainBudget + " must leave room for the reserves of "
                + lowReserve);
        }
    }
}
