package platform.msgmgr.impl;

import java.util.List;

import platform.msgmgr.api.MsgTypeHandle;
import platform.msgmgr.api.MsgTypeSpec;

/**
 * A registration: the entries it made on one lcore (unicast) or on the master and every worker (multicast).
 */
final class TypeHandle implements MsgTypeHandle
{
    private final MsgCore core;
    private final MsgTypeSpec spec;
    private final List<TypeEntry> entries;
    private volatile boolean registered = true;
    private final Runnable onClose;

    TypeHandle(final MsgCore core, final MsgTypeSpec spec, final List<TypeEntry> entries, final Runnable onClose)
    {
        this.core = core;
        this.spec = spec;
        this.entries = entries;
        this.onClose = onClose;
    }

    @Override
    public MsgTypeSpec spec()
    {
        return spec;
    }

    /** Marks the handle closed once its entries were unregistered by other means (a bundle-wide release). */
    synchronized void markClosed()
    {
        registered = false;
    }

    List<TypeEntry> entries()
    {
        return entries;
    }

    @Override
    public boolean isRegistered()
    {
        return registered;
    }

    @Override
    public void close()
    {
        synchronized (this)
        {
            if (registered)
            {
                core.unregisterAll(entries);
                registered = false;
            }
        }
        if (null != onClose)
        {
            onClose.run();
        }
    }

    @Override
    public String toString()
    {
        return spec + (registered ? "" : " (closed)");
    }
}
