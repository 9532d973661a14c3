package platform.msgmgr.impl;

import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.MsgManager;

/**
 * A running message manager on benchmark lcores, as the service a bundle would get. Split package on the plain
 * benchmark class path on purpose; it does not exist in the bundle.
 */
public final class BenchMsg implements AutoCloseable
{
    private final MsgCore core;
    private final BundleMsgManager service;

    public BenchMsg(final LcoreScheduler lcores)
    {
        this.core = new MsgCore(lcores, config());
        core.start();
        this.service = new BundleMsgManager(core, "bench");
    }

    /**
     * The defaults, with {@code -Dbench.latencySample=N} (a power of two in 1..1024) as 1 in how many synchronous
     * sends are timed: how much the sampled sends' clock reads move the percentiles.
     */
    private static MsgConfig config()
    {
        final MsgConfig d = MsgConfig.defaults();
        final int sample = Integer.getInteger("bench.latencySample", d.latencySample());
        return new MsgConfig(d.ringSize(), d.timeoutUs(), d.drainBudget(), d.lowReserve(), d.poolSize(),
            d.controlTimeoutMs(), sample);
    }

    /**
     * @return where {@code o} sits in its cache line (its address modulo 64) as the pool's line check reads it
     * ({@link CacheLines}), -1 for null or where addresses cannot be read. A diagnosis: any thread, a probe per call.
     */
    public static int offsetInLine(final Object o)
    {
        if (null == o || !CacheLines.AVAILABLE)
        {
            return -1;
        }
        return (int)(CacheLines.address(o, CacheLines.newProbe()) & (CacheLines.LINE - 1));
    }

    public MsgManager service()
    {
        return service;
    }

    /**
     * @return messages the pool had to allocate so far (the rest were reused).
     */
    public long allocated()
    {
        return core.pool.allocated.get();
    }

    @Override
    public void close()
    {
        service.release();
        core.stop();
    }
}
