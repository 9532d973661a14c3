package platform.msgmgr.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.jctools.queues.MpmcArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.Edpvs;
import platform.msgmgr.api.MsgFlags;
import platform.msgmgr.api.MsgMode;
import platform.msgmgr.api.MulticastCompletion;
import platform.msgmgr.api.MulticastReplies;

/**
 * The master's side of multicast ({@code msg_master_process} and the multicast queue of DPVS): starts a multicast
 * by cloning it to every worker, collects the replies by (type, seq), completes it when the last reply arrives,
 * expires it at its deadline and drops it when its type goes away or the manager stops.
 * <p>
 * Threads: the master lcore only (and the stopping thread once the lcores stopped draining). The original message
 * ends exactly once in {@link #terminate}: an asynchronous one by its only holder, the master (so its completion
 * runs exactly once), a synchronous one by the terminal CAS against its sender giving up (so the sender is released
 * exactly once, and the original goes to whoever did not end it; see package-info). The master's own synchronous
 * multicast has no original ({@link #startOwn}): {@link #complete} marks its queue done, once, as it leaves the
 * pending table.
 */
final class MulticastCoordinator
{
    private static final Logger LOG = LoggerFactory.getLogger(MulticastCoordinator.class);
    /** Pending-multicast slots to start with (a power of two), and queues kept pooled. */
    private static final int INITIAL_SLOTS = 1024;

    /** The replies of a multicast that never started. */
    static final MulticastReplies EMPTY_REPLIES = new EmptyReplies();

    private final MsgCore core;
    private final MsgPool pool;
    private final LcoreMsg master;
    /** The worker lcores, in id order, and their mask. */
    private final LcoreMsg[] workers;
    private final long workerMask;
    private final AtomicLong lateReplies;
    private final AtomicLong duplicateReplies;

    /**
     * Multicasts in progress, at {@code seq & (length - 1)}: the master numbers multicasts itself and skips a
     * number whose slot is still taken, so a slot holds at most one and a lookup is an index plus a (type, seq)
     * check; no boxed key, no map node. Grows (doubling, rare) only when every slot is taken. Master only.
     */
    private McQueue[] pending = new McQueue[INITIAL_SLOTS];
    private int pendingCount;
    /** The pending multicasts whose deadline is not armed yet ({@link McQueue#unarmedAt} is the index). Master only. */
    private McQueue[] unarmed = new McQueue[INITIAL_SLOTS];
    private int unarmedCount;
    /** The copies {@link #start} put on workers' rings, until it looked where they sit (master only, kept empty). */
    private final MsgImpl[] sentCopies;
    /** What {@link #sendCopies} found for {@link #track}: workers without the type, and with a full ring. */
    private long absentScratch;
    private long unsentScratch;
    /** Cleared multicast queues with reply slots for every worker; refilled by the originals' last holders. */
    private final QueuePool freeQueues;
    /** Multicast queues the pool had to create (the steady state creates none). */
    final AtomicLong queuesAllocated = new AtomicLong();
    /** The earliest deadline of a pending multicast (or one that completed since): master only. */
    private long nextDeadlineNs = Long.MAX_VALUE;

    MulticastCoordinator(final MsgCore core, final LcoreMsg master, final LcoreMsg[] workers, final long workerMask)
    {
        this.core = core;
        this.pool = core.pool;
        this.master = master;
        this.workers = workers;
        this.workerMask = workerMask;
        this.lateReplies = core.lateReplies;
        this.duplicateReplies = core.duplicateReplies;
        this.sentCopies = new MsgImpl[workers.length];
        this.freeQueues = new QueuePool(master.id);
    }

    /** Fans a multicast out to every worker; the original's holders are in the table in package-info. */
    void start(final MsgImpl orig)
    {
        final TypeEntry e = master.lookup(orig.type);
        if (null == e || e.closed || MsgMode.MULTICAST != e.mode)
        {
            dropUnstarted(orig);
            return;
        }
        // the master's own multicast: its sender is this thread, no handshake needed
        if (!orig.markReceived(orig.cid == master.id))
        {
            lateReplies.incrementAndGet(); // its synchronous sender gave up before the master got to it
            orig.release(); // the sender released the other reference
            return;
        }
        orig.seq = nextFreeSeq();
        // the copies first, the bookkeeping while the workers work: no reply is handled before it (this thread)
        final int sent = sendCopies(e, orig.type, orig.seq, orig.payload);
        final McQueue q = takeQueue().reset(orig, e, workerMask, orig.deadlineNs);
        orig.mcq = q; // from here the queue goes back to its pool with the original's last release
        track(q, sent);
    }

    /**
     * The master's own synchronous multicast: no original message, no handshake. The master waits for the queue to
     * be {@link McQueue#done} in its own drain ({@link SyncWaiter#awaitOwn}), which also times it out ({@link #expire}
     * at its deadline), then copies the replies and recycles the queue. Master only.
     *
     * @param e          the master's entry of the multicast type, looked up by the sender.
     * @param deadlineNs the timed sender's deadline, or {@link MsgImpl#NO_CLOCK}: then the master's next clock read
     *                   arms it at {@code timeoutNs} from itself.
     * @return the queue, done already when no worker could be asked.
     */
    McQueue startOwn(final TypeEntry e, final Object payload, final long deadlineNs, final long timeoutNs)
    {
        final int seq = nextFreeSeq();
        final int sent = sendCopies(e, e.id, seq, payload);
        final McQueue q = takeQueue().resetOwn(e, e.id, seq, payload, workerMask, deadlineNs, timeoutNs);
        track(q, sent);
        return q;
    }

    /**
     * Sends a copy of a multicast to every worker that has its type: the copies it sent are in {@link #sentCopies},
     * the workers without the type in {@link #absentScratch}, those whose ring was full in {@link #unsentScratch}.
     *
     * @return how many copies it sent.
     */
    private int sendCopies(final TypeEntry e, final int type, final int seq, final Object payload)
    {
        e.received++;
        final int masterId = master.id;
        long absent = 0;
        long unsent = 0;
        int sent = 0;
        for (final LcoreMsg wl : workers)
        {
            final int w = wl.id;
            final TypeEntry we = wl.lookup(type);
            if (null == we)
            {
                // the type is being registered or closed: that worker has no callback for it
                absent |= 1L << w;
                continue;
            }
            final MsgImpl copy = pool.acquire(masterId).init(MsgImpl.KIND_MC_COPY, type, seq, MsgMode.MULTICAST,
                masterId, w, payload, 0, 1, MsgFlags.ASYNC | MsgFlags.STATE_SEND);
            if (!wl.offer(e.ring, copy))
            {
                copy.recycle(masterId); // the ring never got it: still only ours
                unsent |= 1L << w;
                we.ringFull.incrementAndGet();
            }
            else
            {
                we.sent.increment(masterId);
                sentCopies[sent++] = copy;
            }
        }
        absentScratch = absent;
        unsentScratch = unsent;
        return sent;
    }

    /**
     * Waits for the replies of a multicast whose copies {@link #sendCopies} just sent (or completes it when no worker
     * got one): the queue goes into the pending table and, untimed, among the deadlines to arm.
     */
    private void track(final McQueue q, final int sent)
    {
        q.absentMask = absentScratch;
        q.unsentMask = unsentScratch;
        q.mask &= ~(absentScratch | unsentScratch);
        // a copy whose per-use fields straddle two lines goes back to the shared queue when its reply arrives, not to
        // the master's stack, so that the next copies move one line each way, not two (as a synchronous sender's
        // message, MsgCore.sendSync). Looked at while the workers work; before any reply can recycle a copy, as the
        // master handles replies only after this call.
        final int masterId = master.id;
        for (int i = 0; i < sent; i++)
        {
            final MsgImpl copy = sentCopies[i];
            sentCopies[i] = null;
            // its worker may be handling it already: it writes no field read here (MsgImpl.KIND_MC_COPY)
            if (pool.straddles(copy, masterId))
            {
                q.offStackMask |= 1L << copy.dest;
            }
        }
        if (0 == q.mask)
        {
            complete(q, q.outcome(), false);
            return;
        }
        pending[q.seq & (pending.length - 1)] = q;
        pendingCount++;
        if (MsgImpl.NO_CLOCK == q.deadlineNs)
        {
            // an untimed sender read no clock: the master's next clock read arms the deadline (expire), or, for
            // its own multicast, the master's wait does (armOwn), with no list to keep
            if (!q.own())
            {
                q.unarmedAt = unarmedCount;
                unarmed[unarmedCount++] = q;
            }
        }
        else if (q.deadlineNs < nextDeadlineNs)
        {
            nextDeadlineNs = q.deadlineNs;
        }
    }

    /** A worker's reply: recorded in its multicast, or counted as late (that multicast ended) or duplicate. */
    void onReply(final MsgImpl r)
    {
        final McQueue q = lookup(r.type, r.seq);
        final long bit = 1L << r.dest; // the copy comes back as it went: its destination is the worker
        boolean offStack = false;
        if (null == q)
        {
            lateReplies.incrementAndGet();
            final TypeEntry e = master.lookup(r.type);
            if (null != e)
            {
                e.lateReplies++;
            }
            LOG.debug("late multicast reply (timed out or dropped before): {}", r);
        }
        else if (0 == (q.mask & bit))
        {
            duplicateReplies.incrementAndGet();
            LOG.debug("duplicate multicast reply: {}", r);
        }
        else
        {
            // read before complete: from its terminal CAS a synchronous sender may recycle the queue
            offStack = 0 != (q.offStackMask & bit);
            q.mask &= ~bit;
            q.add(r.dest, r.reply, 0 != (r.lvFlags() & MsgFlags.CALLBACK_FAIL));
            if (0 == q.mask)
            {
                complete(q, q.outcome(), false);
            }
        }
        // the worker's copy, sent back as its reply: the master took it from its own stack and puts it back there,
        // unless it straddles two lines (start looked; a late or duplicate reply goes to the stack, and is looked at
        // again at its next use)
        pool.recycle(r, master.id, offStack);
    }

    /**
     * Ends a multicast. With all replies in, runs the multicast callback; the original ends once
     * ({@link #terminate}), so its completion runs exactly once.
     */
    private void complete(final McQueue q, final int outcome, final boolean timedOut)
    {
        final MsgImpl orig = q.original;
        // read before the terminal CAS: a synchronous sender may recycle the original, and its queue, right after
        final TypeEntry entry = q.entry;
        remove(q);
        int rc = outcome;
        final int bits;
        if (Edpvs.OK == outcome)
        {
            int cb = Edpvs.OK;
            if (!entry.closed)
            {
                try
                {
                    cb = entry.multicast.onReplies(q);
                }
                catch (final Throwable th)
                {
                    cb = Edpvs.CALLBACKFAIL;
                    core.logCallbackFailure(entry, th);
                }
            }
            if (Edpvs.OK != cb || q.anyFailed)
            {
                rc = Edpvs.MSG_FAIL;
                entry.callbackFailures++;
                bits = MsgFlags.STATE_FIN | MsgFlags.CALLBACK_FAIL;
            }
            else
            {
                bits = MsgFlags.STATE_FIN;
            }
        }
        else
        {
            bits = MsgFlags.STATE_DROP | (timedOut ? MsgFlags.TIMEOUT : 0);
            if (timedOut)
            {
                entry.timedOut.incrementAndGet();
            }
            else
            {
                entry.dropped++;
            }
        }
        if (null == orig)
        {
            // the master's own synchronous multicast: it waits in this thread's drain, and reads the result next
            q.result = rc;
            q.done = true;
            if (0 != (bits & MsgFlags.STATE_FIN))
            {
                entry.finished++;
            }
            return;
        }
        orig.result = rc;
        if (null != orig.completion && MsgImpl.NO_CLOCK != orig.sentNs)
        {
            // a timed asynchronous multicast (a synchronous one's sender records its own)
            entry.recordLatency(System.nanoTime() - orig.sentNs);
        }
        if (terminate(orig, bits, rc, q, orig.cid == master.id))
        {
            if (0 != (bits & MsgFlags.STATE_FIN))
            {
                entry.finished++;
            }
        }
        else
        {
            lateReplies.incrementAndGet();
        }
    }

    /**
     * Ends the original with {@code bits} unless it already ended, and lets go of it: an asynchronous multicast
     * (the master its only holder) gets its completion called, then the original is recycled (its queue with it);
     * a synchronous one is ended by the terminal CAS, which wakes its sender and hands the original (and its queue)
     * over to it, or, when the sender gave up first, released (the sender released the other reference).
     *
     * @param bySender true when the original's sender is the calling thread (the master's own multicast): the end
     *                 is a check and a store, as nobody can race it.
     * @return true when this call ended it.
     */
    static boolean terminate(final MsgImpl orig, final int bits, final int rc, final MulticastReplies replies,
        final boolean bySender)
    {
        if (!orig.isAsync())
        {
            if (SyncWaiter.finish(orig, bits, bySender))
            {
                return true; // the sender's now (original and queue): not one more access
            }
            orig.release();
            return false;
        }
        orig.addAlone(bits);
        final MulticastCompletion c = orig.completion;
        if (null != c)
        {
            try
            {
                c.onComplete(rc, replies);
            }
            catch (final Throwable th)
            {
                LOG.warn("multicast completion of msg type {} threw", orig.type, th);
            }
        }
        orig.recycle();
        return true;
    }

    /** A multicast original that will not start: its type is gone or the manager is stopping. */
    static void dropUnstarted(final MsgImpl orig)
    {
        orig.result = Edpvs.MSG_DROP;
        terminate(orig, MsgFlags.STATE_DROP, Edpvs.MSG_DROP, EMPTY_REPLIES, false);
    }

    /** @return how many pending multicasts wait for the master to arm their deadline (master only: tests). */
    int unarmedCount()
    {
        return unarmedCount;
    }

    /** @return true while a multicast waits for replies (master only). */
    boolean hasPending()
    {
        return pendingCount > 0;
    }

    /**
     * Arms the deadlines still unarmed, then expires the multicasts whose deadline passed, when the earliest one did.
     */
    void expire(final long now)
    {
        if (unarmedCount > 0)
        {
            arm(now);
        }
        if (now - nextDeadlineNs < 0)
        {
            return;
        }
        long next = Long.MAX_VALUE;
        List<McQueue> expired = null; // allocated only when something timed out, never in the steady state
        if (pendingCount > 0)
        {
            final McQueue[] slots = pending;
            for (int i = 0; i < slots.length; i++)
            {
                final McQueue q = slots[i];
                if (null == q)
                {
                    continue;
                }
                if (MsgImpl.NO_CLOCK == q.deadlineNs)
                {
                    continue; // the master's own, its wait not yet armed (armOwn)
                }
                if (q.deadlineNs - now <= 0)
                {
                    if (null == expired)
                    {
                        expired = new ArrayList<>();
                    }
                    expired.add(q);
                }
                else if (q.deadlineNs < next)
                {
                    next = q.deadlineNs;
                }
            }
        }
        nextDeadlineNs = next;
        if (null != expired)
        {
            for (int i = 0; i < expired.size(); i++)
            {
                final McQueue q = expired.get(i);
                // a callback of an earlier one may have let the master drain (a nested synchronous send): complete
                // only what is still pending and expired
                if (lookup(q.type, q.seq) == q && q.deadlineNs - now <= 0)
                {
                    if (LOG.isDebugEnabled())
                    {
                        LOG.debug("multicast type {} seq {} timed out; missing lcores mask 0x{}", q.type, q.seq,
                            Long.toHexString(q.mask));
                    }
                    complete(q, Edpvs.MSG_DROP, true);
                }
            }
        }
    }

    /**
     * Arms the deadlines of the pending multicasts whose sender read no clock: {@code now} plus their timeout. So an
     * untimed multicast times out at least its timeout after its start, within the master's next iteration later.
     */
    private void arm(final long now)
    {
        for (int i = 0; i < unarmedCount; i++)
        {
            final McQueue q = unarmed[i];
            unarmed[i] = null;
            q.unarmedAt = -1;
            q.deadlineNs = now + q.timeoutNs;
            if (q.deadlineNs < nextDeadlineNs)
            {
                nextDeadlineNs = q.deadlineNs;
            }
        }
        unarmedCount = 0;
    }

    /**
     * Arms the deadline of the master's own untimed multicast at its wait's first clock read: {@code now} plus its
     * timeout, so it times out at least its timeout after its start (master only).
     */
    void armOwn(final McQueue q, final long now)
    {
        q.deadlineNs = now + q.timeoutNs;
        if (q.deadlineNs < nextDeadlineNs)
        {
            nextDeadlineNs = q.deadlineNs;
        }
    }

    /** The master's entry of a multicast type was removed: its pending multicasts end with MSG_DROP. */
    void dropAllOf(final TypeEntry e)
    {
        for (final McQueue q : pendingOf(e))
        {
            if (lookup(q.type, q.seq) == q && q.entry == e)
            {
                complete(q, Edpvs.MSG_DROP, false);
            }
        }
    }

    /** The manager stopped (the lcores no longer drain): every pending multicast ends with MSG_DROP. */
    void dropAll()
    {
        for (final McQueue q : pendingOf(null))
        {
            if (lookup(q.type, q.seq) == q)
            {
                complete(q, Edpvs.MSG_DROP, false);
            }
        }
    }

    /** @return a copy of the pending multicasts (of one type entry, or all): unregistering and stopping only. */
    private List<McQueue> pendingOf(final TypeEntry e)
    {
        final List<McQueue> out = new ArrayList<>();
        for (final McQueue q : pending)
        {
            if (null != q && (null == e || q.entry == e))
            {
                out.add(q);
            }
        }
        return out;
    }

    /** @return the pending multicast (type, seq), or null when it ended (or never was). */
    private McQueue lookup(final int type, final int seq)
    {
        final McQueue q = pending[seq & (pending.length - 1)];
        return null != q && q.seq == seq && q.type == type ? q : null;
    }

    private void remove(final McQueue q)
    {
        final int i = q.seq & (pending.length - 1);
        if (pending[i] == q)
        {
            pending[i] = null;
            pendingCount--;
            final int at = q.unarmedAt;
            if (at >= 0)
            {
                // it ended before the master armed it: out of the unarmed ones, whose last takes its place
                final McQueue last = unarmed[--unarmedCount];
                unarmed[at] = last;
                last.unarmedAt = at;
                unarmed[unarmedCount] = null;
                q.unarmedAt = -1;
            }
        }
    }

    /**
     * @return the master's next multicast number whose slot is free: a number is skipped while an older multicast
     * (a slow worker, a long timeout) still holds its slot; numbers stay unique and increasing.
     */
    private int nextFreeSeq()
    {
        int tries = 0;
        while (true)
        {
            final int seq = master.nextSeq();
            if (null == pending[seq & (pending.length - 1)])
            {
                return seq;
            }
            if (++tries >= pending.length)
            {
                grow();
                tries = 0;
            }
        }
    }

    /**
     * Every slot is taken: double the table. Two pending seqs that differ modulo n also differ modulo 2n, so
     * rehashing cannot collide.
     */
    private void grow()
    {
        final McQueue[] old = pending;
        final McQueue[] slots = new McQueue[old.length << 1];
        for (final McQueue q : old)
        {
            if (null != q)
            {
                slots[q.seq & (slots.length - 1)] = q;
            }
        }
        pending = slots;
        unarmed = java.util.Arrays.copyOf(unarmed, slots.length);
        LOG.info("{} multicasts pending at once: their table grows to {} slots", old.length, slots.length);
    }

    /** @return a cleared queue from the pool, or a new one (counted) while the pool warms up (on the master). */
    private McQueue takeQueue()
    {
        final McQueue q = freeQueues.pollOnMaster();
        if (null != q)
        {
            return q;
        }
        queuesAllocated.incrementAndGet();
        return new McQueue(freeQueues, workers.length);
    }

    /**
     * The pool of multicast queues: a stack the master alone uses (a multicast the master sent, or an asynchronous
     * one, comes back to the master: no atomic operation per multicast), in front of a shared MPMC queue for the
     * queues that other threads' synchronous multicasts return.
     */
    static final class QueuePool
    {
        private static final int STACK = 64;
        private final MpmcArrayQueue<McQueue> shared = new MpmcArrayQueue<>(INITIAL_SLOTS);
        private final McQueue[] stack = new McQueue[STACK];
        private int stacked;
        private final int masterId;

        QueuePool(final int masterId)
        {
            this.masterId = masterId;
        }

        /** On the master lcore only (a multicast starts there). */
        McQueue pollOnMaster()
        {
            if (stacked > 0)
            {
                final McQueue q = stack[--stacked];
                stack[stacked] = null;
                return q;
            }
            return shared.poll();
        }

        /** @param selfId the calling thread's lcore id, -1 on other threads. */
        void offer(final McQueue q, final int selfId)
        {
            if (selfId == masterId && stacked < STACK)
            {
                stack[stacked++] = q;
                return;
            }
            shared.relaxedOffer(q);
        }
    }
}
