package platform.msgmgr.impl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.msgmgr.api.MsgLatencyInfo;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgReply;
import platform.msgmgr.api.MsgRingInfo;
import platform.msgmgr.api.MsgTypeHandle;
import platform.msgmgr.api.MsgTypeInfo;
import platform.msgmgr.api.MsgTypeSpec;
import platform.msgmgr.api.MulticastCompletion;
import platform.msgmgr.api.MulticastResult;

/**
 * The {@link MsgManager} service as one bundle sees it: it records the bundle as owner of its types and closes
 * the types the bundle left registered when it releases the service.
 */
final class BundleMsgManager implements MsgManager
{
    private static final Logger LOG = LoggerFactory.getLogger(BundleMsgManager.class);

    private final MsgCore core;
    private final String owner;
    private final Set<TypeHandle> open = new HashSet<>();
    private boolean released;

    BundleMsgManager(final MsgCore core, final String owner)
    {
        this.core = core;
        this.owner = owner;
    }

    /**
     * The bundle released the service (it stopped): unregister everything it left, all lcores at once, and refuse
     * anything more.
     */
    void release()
    {
        final List<TypeHandle> left;
        synchronized (open)
        {
            released = true;
            left = new ArrayList<>(open);
            open.clear();
        }
        if (left.isEmpty())
        {
            return;
        }
        final List<TypeEntry> entries = new ArrayList<>();
        for (final TypeHandle h : left)
        {
            LOG.warn("{} released the message manager with {} still registered; closing it", owner, h);
            entries.addAll(h.entries());
        }
        core.unregisterAll(entries);
        for (final TypeHandle h : left)
        {
            h.markClosed();
        }
    }

    @Override
    public MsgTypeHandle register(final MsgTypeSpec spec, final int lcoreId)
    {
        return track(spec, List.of(core.entryFor(spec, lcoreId, owner)));
    }

    @Override
    public MsgTypeHandle registerMulticast(final MsgTypeSpec spec)
    {
        return track(spec, core.entriesFor(spec, owner));
    }

    private MsgTypeHandle track(final MsgTypeSpec spec, final List<TypeEntry> entries)
    {
        synchronized (open)
        {
            if (released)
            {
                throw new IllegalStateException(owner + " released the message manager service; cannot register "
                    + spec);
            }
        }
        core.registerAll(entries);
        final TypeHandle[] self = new TypeHandle[1];
        self[0] = new TypeHandle(core, spec, entries, () ->
        {
            synchronized (open)
            {
                open.remove(self[0]);
            }
        });
        boolean lateRelease;
        synchronized (open)
        {
            lateRelease = released;
            if (!released)
            {
                open.add(self[0]);
            }
        }
        if (lateRelease)
        {
            self[0].close();
            throw new IllegalStateException(owner + " released the message manager service; cannot register "
                + spec);
        }
        return self[0];
    }

    @Override
    public int sendAsync(final int type, final int lcoreId, final Object payload)
    {
        return core.sendAsync(type, lcoreId, payload);
    }

    @Override
    public int sendSync(final int type, final int lcoreId, final Object payload, final long timeoutUs,
        final MsgReply out)
    {
        return core.sendSync(type, lcoreId, payload, timeoutUs, out);
    }

    @Override
    public int multicastSync(final int type, final Object payload, final long timeoutUs, final MulticastResult out)
    {
        return core.multicastSync(type, payload, timeoutUs, out);
    }

    @Override
    public int multicastAsync(final int type, final Object payload, final long timeoutUs,
        final MulticastCompletion completion)
    {
        return core.multicastAsync(type, payload, timeoutUs, completion);
    }

    @Override
    public int masterLcoreId()
    {
        return core.master.id;
    }

    @Override
    public int[] workerLcoreIds()
    {
        return core.workerIds();
    }

    @Override
    public java.util.List<MsgTypeInfo> types()
    {
        return core.typeInfos();
    }

    @Override
    public java.util.List<MsgLatencyInfo> latencies()
    {
        return core.latencyInfos();
    }

    @Override
    public java.util.List<MsgRingInfo> rings()
    {
        return core.ringInfos();
    }
}
