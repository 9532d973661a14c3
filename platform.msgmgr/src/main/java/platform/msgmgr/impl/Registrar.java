package platform.msgmgr.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.msgmgr.api.MsgFlags;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.api.MsgMode;
import platform.msgmgr.api.MsgTypeSpec;

/**
 * Registration ({@code msg_type_register}/{@code msg_type_unregister} and DPVS's built-in REG/UNREG messages): a
 * type table is written only by its own lcore, so registering on another lcore sends it REG, unregistering
 * UNREG, and waits until that lcore applied it. Registering several entries is all or nothing; unregistering
 * sends every UNREG at once, then awaits each, and never gives up while a callback of the type could still run.
 * <p>
 * Threads: {@link #registerAll} and {@link #unregisterAll} on any thread (they wait); {@link #onReg} and
 * {@link #onUnreg} on the target lcore, from the {@link Dispatcher}.
 */
final class Registrar
{
    private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);
    /** REG/UNREG travel on the HIGH ring, ahead of the messages of the type they change. */
    private static final int CONTROL_RING = 0;

    private final MsgCore core;

    Registrar(final MsgCore core)
    {
        this.core = core;
    }

    /**
     * @return the entry a unicast registration on {@code lcoreId} makes.
     */
    TypeEntry entryFor(final MsgTypeSpec spec, final int lcoreId, final String owner)
    {
        if (null == spec)
        {
            throw new IllegalArgumentException("msg type spec is null");
        }
        final LcoreMsg l = core.lcore(lcoreId);
        if (null == l)
        {
            throw new IllegalArgumentException("lcore " + lcoreId + " processes no messages (only the master "
                + core.master.id + " and the forwarding workers " + java.util.Arrays.toString(core.workers)
                + " do)");
        }
        return new TypeEntry(spec, lcoreId, false, owner);
    }

    /**
     * @return the master's and every worker's entry of a multicast spec.
     */
    List<TypeEntry> entriesFor(final MsgTypeSpec spec, final String owner)
    {
        if (null == spec || MsgMode.MULTICAST != spec.mode())
        {
            throw new IllegalArgumentException("registerMulticast needs a MULTICAST spec, got " + spec);
        }
        // workers first: registration goes in this order, so the master (where multicasts start) gets the type
        // only once every worker has it
        final List<TypeEntry> out = new ArrayList<>();
        for (final int w : core.workers)
        {
            out.add(new TypeEntry(spec, w, false, owner));
        }
        out.add(new TypeEntry(spec, core.master.id, true, owner));
        return out;
    }

    /**
     * Enters every entry in its lcore's table, through that lcore; all or nothing.
     */
    void registerAll(final List<TypeEntry> entries)
    {
        final List<TypeEntry> done = new ArrayList<>();
        try
        {
            for (final TypeEntry e : entries)
            {
                register(e);
                done.add(e);
            }
        }
        catch (final RuntimeException ex)
        {
            unregisterAll(done);
            throw ex;
        }
    }

    private void register(final TypeEntry e)
    {
        final LcoreMsg l = core.lcore(e.lcore);
        final TypeEntry holder = l.lookup(e.id);
        if (null != holder)
        {
            throw alreadyRegistered(e, holder);
        }
        if (!core.started() || core.currentLcoreId() == l.id)
        {
            synchronized (l)
            {
                final TypeEntry again = l.lookup(e.id);
                if (null != again)
                {
                    throw alreadyRegistered(e, again);
                }
                l.store(e.id, e);
            }
            return;
        }
        final MsgImpl m = control(MsgImpl.KIND_REG, e);
        final int f = awaitControl(m, l);
        final Object reply = 0 != (f & MsgImpl.SENDER_GAVE_UP) ? null : m.reply;
        SyncWaiter.senderDone(m, f);
        if (0 != (f & MsgFlags.STATE_DROP))
        {
            throw new IllegalStateException("lcore " + l.id + " did not enter " + e + " within "
                + core.config.controlTimeoutMs() + " ms (is its loop stalled?)");
        }
        if (0 != (f & MsgFlags.CALLBACK_FAIL))
        {
            throw alreadyRegistered(e, (TypeEntry)reply);
        }
    }

    private static IllegalStateException alreadyRegistered(final TypeEntry e, final TypeEntry holder)
    {
        return new IllegalStateException("msg type " + e.id + " (" + e.spec.name() + ") is already registered on lcore "
            + e.lcore + " by " + holder.owner + " (as '" + holder.spec.name() + "')");
    }

    /**
     * Removes every entry from its lcore's table. The UNREG messages go out together, so that all of a stopping
     * bundle's types leave every lcore before that lcore handles any more of their queued messages; then each is
     * awaited (and retried while its lcore is stalled). When this returns, no callback of these entries runs or
     * will run: each lcore removed the entry between two messages, and a callback that was running had returned.
     */
    void unregisterAll(final List<TypeEntry> entries)
    {
        // the master's side of multicast types first, so that no multicast starts while workers lose the type
        final List<TypeEntry> first = new ArrayList<>();
        final List<TypeEntry> then = new ArrayList<>();
        for (final TypeEntry e : entries)
        {
            (MsgMode.MULTICAST == e.mode ? first : then).add(e);
        }
        if (!first.isEmpty())
        {
            unregisterBatch(first);
        }
        if (!then.isEmpty())
        {
            unregisterBatch(then);
        }
    }

    private void unregisterBatch(final List<TypeEntry> entries)
    {
        final int self = core.currentLcoreId();
        final List<MsgImpl> sent = new ArrayList<>();
        final List<TypeEntry> sentFor = new ArrayList<>();
        final List<TypeEntry> retry = new ArrayList<>();
        for (final TypeEntry e : entries)
        {
            final LcoreMsg l = core.lcore(e.lcore);
            if (!core.started() || self == l.id)
            {
                onUnreg(l, e);
                continue;
            }
            final MsgImpl m = control(MsgImpl.KIND_UNREG, e);
            if (l.offer(CONTROL_RING, m))
            {
                sent.add(m);
                sentFor.add(e);
            }
            else
            {
                m.recycle(); // the ring never got it: still only ours
                retry.add(e);
            }
        }
        final LcoreMsg selfMsg = core.lcore(self);
        for (int i = 0; i < sent.size(); i++)
        {
            final MsgImpl m = sent.get(i);
            final int f = core.waiter.await(m,
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(core.config.controlTimeoutMs()), selfMsg);
            SyncWaiter.senderDone(m, f);
            if (0 == (f & MsgFlags.STATE_FIN))
            {
                retry.add(sentFor.get(i));
            }
        }
        for (final TypeEntry e : retry)
        {
            unregister(e);
        }
    }

    private void unregister(final TypeEntry e)
    {
        final LcoreMsg l = core.lcore(e.lcore);
        final long start = System.nanoTime();
        while (true)
        {
            if (!core.started() || core.currentLcoreId() == l.id)
            {
                onUnreg(l, e);
                return;
            }
            final MsgImpl m = control(MsgImpl.KIND_UNREG, e);
            final int f = awaitControl(m, l);
            SyncWaiter.senderDone(m, f);
            if (0 != (f & MsgFlags.STATE_FIN))
            {
                return;
            }
            // Timed out (the lcore's loop is stalled) or dropped (the manager is stopping). A callback of the type
            // could still run, so there is no giving up: try again until the lcore removed it or the manager stopped.
            LOG.warn("unregistering {} has waited {} ms for lcore {}; still waiting", e,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), l.id);
        }
    }

    /** On the target lcore: REG. Fails (CALLBACK_FAIL, the holder as reply) when the id is taken. */
    void onReg(final LcoreMsg l, final MsgImpl m)
    {
        final TypeEntry e = (TypeEntry)m.payload;
        final TypeEntry holder = l.lookup(e.id);
        if (null != holder)
        {
            m.reply = holder;
            SyncWaiter.finishAndLetGo(m, MsgFlags.STATE_FIN | MsgFlags.CALLBACK_FAIL);
        }
        else
        {
            l.store(e.id, e);
            if (!SyncWaiter.finishAndLetGo(m, MsgFlags.STATE_FIN))
            {
                l.store(e.id, null); // the registrant gave up waiting: it will report failure, so undo
            }
        }
    }

    /**
     * On the target lcore (or any thread once the lcores stopped draining): removes the entry and marks it closed;
     * on the master, ends the pending multicasts of the type.
     */
    void onUnreg(final LcoreMsg l, final TypeEntry e)
    {
        synchronized (l)
        {
            if (l.lookup(e.id) == e)
            {
                l.store(e.id, null);
            }
        }
        e.closed = true;
        if (l.master && MsgMode.MULTICAST == e.mode)
        {
            core.multicasts.dropAllOf(e);
        }
    }

    /** A REG/UNREG, waited: the registrant and the target lcore (see package-info). */
    private MsgImpl control(final int kind, final TypeEntry e)
    {
        return core.pool.acquire().init(kind, MsgImpl.KIND_REG == kind ? MsgIds.REG : MsgIds.UNREG, 0,
            MsgMode.UNICAST, core.currentLcoreId(), e.lcore, e, System.nanoTime(), 2, MsgFlags.STATE_SEND);
    }

    /**
     * Sends a REG/UNREG and waits up to the control timeout (the ring being full counts as waiting: control
     * messages are retried until they fit).
     */
    private int awaitControl(final MsgImpl m, final LcoreMsg l)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(core.config.controlTimeoutMs());
        final LcoreMsg self = core.lcore(core.currentLcoreId());
        while (!l.offer(CONTROL_RING, m))
        {
            if (System.nanoTime() - deadline >= 0)
            {
                // the ring never got it: still only ours (no SENDER_GAVE_UP, so the caller recycles it)
                m.tryTerminate(MsgFlags.STATE_DROP | MsgFlags.TIMEOUT);
                return m.lvFlags();
            }
            core.waiter.idleWhileWaiting(self, deadline);
        }
        return core.waiter.await(m, deadline, self);
    }
}
