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
        this.core = new MsgCore(lcores, MsgConfig.defaults());
        core.start();
        this.service = new BundleMsgManager(core, "bench");
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
