package platform.msgmgr.impl;

import java.util.concurrent.atomic.AtomicLong;

import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.Edpvs;
import platform.msgmgr.api.MsgFlags;
import platform.msgmgr.api.MsgMode;

/**
 * The receiving side ({@code msg_master_process}/{@code msg_slave_process}): drains an lcore's rings by priority,
 * handles each message by its kind, invokes the type's callback through the lcore's view, finishes the message
 * (or replies to the master for a multicast copy) and drops what can no longer be handled.
 * <p>
 * Threads: {@link #drain} on the lcore that owns the rings (from its LOOP job, or from a synchronous wait on that
 * lcore); {@link #dropQueued} also on the stopping thread once the lcores stopped draining.
 */
final class Dispatcher
{
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final MsgConfig config;
    private final LcoreMsg master;
    private final MsgCore core;
    private final Registrar registrar;
    private final MulticastCoordinator multicasts;
    private final AtomicLong replyLost;

    Dispatcher(final MsgCore core, final Registrar registrar, final MulticastCoordinator multicasts)
    {
        this.core = core;
        this.config = core.config;
        this.master = core.master;
        this.registrar = registrar;
        this.multicasts = multicasts;
        this.replyLost = core.replyLost;
    }

    /**
     * Drains an lcore's rings: HIGH, then NORM, then LOW, within the per-iteration budget; each lower ring keeps a
     * reserved share, so a flood of HIGH messages cannot starve LOW ones. On the master, expires multicasts.
     *
     * @return messages handled.
     */
    int drain(final LcoreMsg l)
    {
        final int done = drainRings(l);
        // the clock only while multicasts are pending: an idle master's drain reads no clock
        if (l.master && multicasts.hasPending())
        {
            multicasts.expire(System.nanoTime());
        }
        return done;
    }

    /**
     * {@link #drain} for a sender waiting on its own lcore, which has just read the clock for its own deadline.
     */
    int drain(final LcoreMsg l, final long nowNs)
    {
        final int done = drainRings(l);
        if (l.master && multicasts.hasPending())
        {
            multicasts.expire(nowNs);
        }
        return done;
    }

    /** Drains an lcore's rings without expiring multicasts (no clock read): a waiting sender's clock-free passes. */
    int drainRings(final LcoreMsg l)
    {
        final int budget = config.drainBudget();
        final int reserve = config.lowReserve();
        int done = drainRing(l, l.rings[0], budget - 2 * reserve);
        done += drainRing(l, l.rings[1], budget - reserve - done);
        done += drainRing(l, l.rings[2], budget - done);
        return done;
    }

    /**
     * Handles up to {@code limit} messages of one ring. A message that somebody waits for is received (the fenced
     * handshake of {@link MsgImpl#markReceived}) while it still sits in the ring, and taken off after: taking it off
     * writes its slot, a line the sender wrote last, and a fence after that write waited for the line to come back
     * from the sender's CPU before the callback could start, one more trip between the CPUs per synchronous round
     * trip than the lean path makes. Before the write the fence finds only this lcore's own lines to flush, and the
     * slot's line comes over while the callback runs, drained with the reply by the terminal CAS.
     *
     * @return messages handled.
     */
    private int drainRing(final LcoreMsg l, final MpscArrayQueue<MsgImpl> ring, final int limit)
    {
        int done = 0;
        while (done < limit)
        {
            final MsgImpl m = ring.relaxedPeek();
            if (null == m)
            {
                break;
            }
            done++;
            final int kind = m.kind;
            // a multicast copy is for the callback on a worker; back on the master it is that worker's reply
            if (MsgImpl.KIND_USER != kind && (MsgImpl.KIND_MC_COPY != kind || l.master))
            {
                ring.relaxedPoll();
                handleControl(l, m);
                continue;
            }
            final TypeEntry e = l.lookup(m.type);
            if (null == e || e.closed)
            {
                ring.relaxedPoll();
                dropQueued(l, m);
                continue;
            }
            e.received++;
            // a message this lcore sent itself: its sender waits in this very call stack (or has given up
            // already, which this thread sees), so the handshake needs no fence
            final boolean own = m.cid == l.id;
            final boolean take = m.markReceived(own);
            ring.relaxedPoll(); // the peeked message: this lcore is the ring's only consumer
            if (take)
            {
                handleUser(l, e, m, own);
            }
            else
            {
                // its synchronous sender timed out before we got to it: nobody will see the result, so do not
                // apply; the sender released its reference when it gave up, this is the other one
                e.lateReplies++;
                m.release();
            }
        }
        return done;
    }

    /** Handles a message that is not for a type's callback, on its lcore. */
    private void handleControl(final LcoreMsg l, final MsgImpl m)
    {
        switch (m.kind)
        {
            case MsgImpl.KIND_MC_COPY:
                multicasts.onReply(m);
                break;
            case MsgImpl.KIND_MC_START:
                multicasts.start(m);
                break;
            case MsgImpl.KIND_REG:
                registrar.onReg(l, m);
                break;
            case MsgImpl.KIND_UNREG:
                registrar.onUnreg(l, (TypeEntry)m.payload);
                SyncWaiter.finishAndLetGo(m, MsgFlags.STATE_FIN);
                break;
            default:
                LOG.error("unknown message kind on lcore {}: {}", l.id, m);
                SyncWaiter.finishAndLetGo(m, MsgFlags.STATE_DROP);
        }
    }

    /** Calls back for a message this lcore received ({@link #drainRing}) and ends it. */
    private void handleUser(final LcoreMsg l, final TypeEntry e, final MsgImpl m, final boolean own)
    {
        final int rc = invoke(l, e, m);
        if (Edpvs.OK != rc)
        {
            e.callbackFailures++;
        }
        if (MsgMode.MULTICAST == m.mode)
        {
            replyToMaster(l, m, Edpvs.OK != rc);
            e.finished++;
        }
        // STATE_RECV in the terminal CAS too: the sender then finds every bit in the word it polls
        else if (SyncWaiter.finishAndLetGo(m, Edpvs.OK == rc ? MsgFlags.STATE_FIN | MsgFlags.STATE_RECV
            : MsgFlags.STATE_FIN | MsgFlags.STATE_RECV | MsgFlags.CALLBACK_FAIL, own))
        {
            e.finished++; // a waited message is its sender's from here on
        }
        else
        {
            e.lateReplies++;
        }
    }

    /** Calls the type's callback through the lcore's view, which refuses use once the call returned. */
    private int invoke(final LcoreMsg l, final TypeEntry e, final MsgImpl m)
    {
        final LcoreMsg.MsgView view = l.view;
        final MsgImpl outer = view.msg;
        view.msg = m;
        try
        {
            return e.unicast.onMsg(view);
        }
        catch (final Throwable th)
        {
            core.logCallbackFailure(e, th);
            return Edpvs.CALLBACKFAIL;
        }
        finally
        {
            view.msg = outer;
        }
    }

    /**
     * A worker's answer to a multicast copy: the copy itself goes back to the master as it is, with the reply its
     * callback wrote and, when the callback failed, that bit (it is ASYNC and this worker its only holder). The
     * worker takes nothing from the pool and writes only the copy's per-use line, which moves anyway; the master
     * gets back the message it took from its own stack.
     */
    private void replyToMaster(final LcoreMsg l, final MsgImpl m, final boolean failed)
    {
        if (failed)
        {
            m.addAlone(MsgFlags.CALLBACK_FAIL);
        }
        if (!master.offer(0, m))
        {
            replyLost.incrementAndGet();
            LOG.warn("lcore {}: master's ring full, multicast reply lost (the multicast will time out): {}", l.id, m);
            m.recycle();
        }
    }

    /**
     * A queued message that will not be handled: type gone, or the manager stopping.
     *
     * @param l the lcore whose ring held it.
     */
    void dropQueued(final LcoreMsg l, final MsgImpl m)
    {
        if (MsgImpl.KIND_MC_COPY == m.kind && l.master)
        {
            m.recycle(); // a worker's reply: its multicast ends with the others (MulticastCoordinator.dropAll)
            return;
        }
        if (MsgImpl.KIND_MC_START == m.kind)
        {
            MulticastCoordinator.dropUnstarted(m);
            return;
        }
        final LcoreMsg d = core.lcore(m.dest);
        final TypeEntry e = null == d ? null : d.lookup(m.type);
        if (null != e)
        {
            e.dropped++;
        }
        if (null == e || e.closed)
        {
            core.countUnregisteredDrop(m.dest, m.type);
        }
        SyncWaiter.finishAndLetGo(m, MsgFlags.STATE_DROP);
    }
}
