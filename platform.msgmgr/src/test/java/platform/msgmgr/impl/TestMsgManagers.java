package platform.msgmgr.impl;

import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.MsgManager;

/**
 * A real message manager over running lcores for other modules' unit tests (shipped in this module's test jar).
 */
public final class TestMsgManagers
{
    private TestMsgManagers()
    {
    }

    /**
     * @param lcores running lcores.
     * @param owner  the owner the registrations are listed under.
     * @return a started message manager; close it before stopping the lcores.
     */
    public static Running start(final LcoreScheduler lcores, final String owner)
    {
        final MsgCore core = new MsgCore(lcores, MsgConfig.defaults());
        core.start();
        return new Running(core, new BundleMsgManager(core, owner));
    }

    /** A started message manager and the core behind it. */
    public static final class Running implements AutoCloseable
    {
        private final MsgCore core;
        private final BundleMsgManager manager;

        Running(final MsgCore core, final BundleMsgManager manager)
        {
            this.core = core;
            this.manager = manager;
        }

        /** @return the manager, as a bundle sees it. */
        public MsgManager manager()
        {
            return manager;
        }

        @Override
        public void close()
        {
            manager.release();
            core.stop();
        }
    }
}
