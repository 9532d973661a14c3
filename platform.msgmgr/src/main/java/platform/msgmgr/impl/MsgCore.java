package platform.msgmgr.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.common.LogLimiter;
import platform.lcore.api.Edpvs;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.MsgFlags;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.api.MsgLatencyInfo;
import platform.msgmgr.api.MsgMode;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgReply;
import platform.msgmgr.api.MsgRingInfo;
import platform.msgmgr.api.MsgTypeInfo;
import platform.msgmgr.api.MsgTypeSpec;
import platform.msgmgr.api.MulticastCompletion;
import platform.msgmgr.api.MulticastResult;

/**
 * The message manager: DPVS's {@code src/ctrl.c} message part on per-lcore JCTools rings. This class wires the
 * roles and keeps the senders' entry points; each role is its own class:
 * <ul>
 * <li>{@link Registrar}: REG/UNREG, all-or-nothing registration, batch unregistration.</li>
 * <li>{@link MulticastCoordinator}: the master's side of multicast (start, replies, completion, expiry, drop).</li>
 * <li>{@link Dispatcher}: draining by priority, handling by kind, callbacks, replies to the master, drops.</li>
 * <li>{@link SyncWaiter}: the synchronous sender's wait and the finish/unpark handshake.</li>
 * </ul>
 * Threads: any thread sends; each lcore drains its own rings in a LOOP job ({@code msg_master_job} on the
 * master, {@code msg_slave_job} on the forwarding workers) and is the only writer of its type table; multicast
 * queues live on the master and are touched by the master only. A message ends exactly once: a waited one by the
 * CAS that adds FIN or DROP (the receiver finishing it, the sender timing out, or a drop), which also hands it to
 * whoever did not end it; an ASYNC one by its only holder. Who holds and who recycles each kind of message is
 * tabled in {@code package-info.java}.
 */
final class MsgCore
{
    private static final Logger LOG = LoggerFactory.getLogger(MsgCore.class);
    private static final long LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /** How much longer than the multicast's own timeout a synchronous sender waits: the master times it out. */
    private static final long MC_WAIT_GRACE_NS = TimeUnit.MILLISECONDS.toNanos(50);

    final LcoreScheduler scheduler;
    final MsgConfig config;
    /**
     * latency_sample - 1: a send is timed when its number (per type and sender) has these bits clear. Recording is
     * two clock reads and two atomic increments of the histogram's phaser plus the count, together half of a lean
     * round trip here.
     */
    private final long latencyMask;
    final MsgPool pool;
    /** The priority of each ring index ({@link TypeEntry#ringOf}). */
    private static final MsgPriority[] RING_PRIORITIES = {MsgPriority.HIGH, MsgPriority.NORM, MsgPriority.LOW};

    private final LcoreMsg[] byId = new LcoreMsg[LcoreScheduler.MAX_LCORES];
    final LcoreMsg master;
    final int[] workers;
    final long workerMask;
    private final AtomicInteger foreignSeq = new AtomicInteger();
    private volatile boolean started;
    private JobHandle masterJob;
    private JobHandle slaveJob;
    private final List<TypeEntry> builtIns = new ArrayList<>();

    // global counters
    final AtomicLong notExist = new AtomicLong();
    final AtomicLong lateReplies = new AtomicLong();
    final AtomicLong duplicateReplies = new AtomicLong();
    final AtomicLong replyLost = new AtomicLong();
    /** Messages that were queued when their type was unregistered (its bundle stopped), dropped on arrival. */
    final AtomicLong droppedUnregistered = new AtomicLong();
    private final LogLimiter callbackFailureLog = new LogLimiter(LOG_INTERVAL_NS);
    private final LogLimiter unregisteredDropLog = new LogLimiter(LOG_INTERVAL_NS);

    // the roles
    final Registrar registrar;
    final MulticastCoordinator multicasts;
    final Dispatcher dispatcher;
    final SyncWaiter waiter;

    MsgCore(final LcoreScheduler scheduler, final MsgConfig config)
    {
        this.scheduler = scheduler;
        this.config = config;
        this.latencyMask = config.latencySample() - 1;
        this.pool = new MsgPool(config.poolSize(), scheduler::currentLcoreId);
        final int masterId = scheduler.masterLcoreId();
        this.master = new LcoreMsg(masterId, true, config.ringSize(), scheduler);
        byId[masterId] = master;
        this.workers = scheduler.lcoreIds(LcoreRole.FWD_WORKER);
        final LcoreMsg[] workerMsgs = new LcoreMsg[workers.length];
        long mask = 0;
        for (int i = 0; i < workers.length; i++)
        {
            final int w = workers[i];
            workerMsgs[i] = new LcoreMsg(w, false, config.ringSize(), scheduler);
            byId[w] = workerMsgs[i];
            mask |= 1L << w;
        }
        this.workerMask = mask;
        this.registrar = new Registrar(this);
        this.multicasts = new MulticastCoordinator(this, master, workerMsgs, mask);
        this.dispatcher = new Dispatcher(this, registrar, multicasts);
        this.waiter = new SyncWaiter(dispatcher, multicasts);
    }

    /**
     * Registers the built-in types and the drain jobs.
     */
    void start()
    {
        for (final LcoreMsg l : lcores())
        {
            final TypeEntry hello = new TypeEntry(MsgTypeSpec.unicast(MsgIds.HELLO, "HELLO", MsgPriority.HIGH,
                this::replyLcoreId), l.id, false, "platform.msgmgr");
            l.store(MsgIds.HELLO, hello);
            builtIns.add(hello);
        }
        final MsgTypeSpec slaveIds = MsgTypeSpec.multicast(MsgIds.GET_ALL_SLAVE_ID, "GET_ALL_SLAVE_ID",
            MsgPriority.LOW, this::replyLcoreId, null);
        for (final TypeEntry e : registrar.entriesFor(slaveIds, "platform.msgmgr"))
        {
            byId[e.lcore].store(e.id, e);
            builtIns.add(e);
        }
        started = true;
        masterJob = scheduler.register(JobSpec.loop("msg_master_job", LcoreRole.MASTER,
            id -> dispatcher.drain(byId[id])));
        slaveJob = scheduler.register(JobSpec.loop("msg_slave_job", LcoreRole.FWD_WORKER,
            id -> dispatcher.drain(byId[id])));
        LOG.info("message manager on lcores {}: master {}, workers {}, ring size {}, timeout {} us", lcoreIds(),
            master.id, java.util.Arrays.toString(workers), config.ringSize(), config.timeoutUs());
    }

    private int replyLcoreId(final platform.msgmgr.api.Msg msg)
    {
        // lcore ids are below 64: Integer.valueOf returns its cached instances, nothing is allocated
        msg.reply(Integer.valueOf(scheduler.currentLcoreId()));
        return Edpvs.OK;
    }

    /**
     * Stops draining, then drops whatever is still queued: synchronous senders are released with MSG_DROP and
     * asynchronous multicasts complete with MSG_DROP.
     */
    void stop()
    {
        if (null != masterJob)
        {
            masterJob.close();
        }
        if (null != slaveJob)
        {
            slaveJob.close();
        }
        started = false;
        int dropped = 0;
        for (final LcoreMsg l : lcores())
        {
            for (int r = 0; r < LcoreMsg.RINGS; r++)
            {
                MsgImpl m;
                while (null != (m = l.rings[r].poll()))
                {
                    dropped++;
                    dispatcher.dropQueued(l, m);
                }
            }
        }
        multicasts.dropAll();
        if (dropped > 0)
        {
            LOG.warn("message manager stopped with {} messages queued; dropped them", dropped);
        }
    }

    boolean started()
    {
        return started;
    }

    int currentLcoreId()
    {
        return scheduler.currentLcoreId();
    }

    List<LcoreMsg> lcores()
    {
        final List<LcoreMsg> out = new ArrayList<>();
        for (final LcoreMsg l : byId)
        {
            if (null != l)
            {
                out.add(l);
            }
        }
        return out;
    }

    private List<Integer> lcoreIds()
    {
        final List<Integer> ids = new ArrayList<>();
        for (final LcoreMsg l : lcores())
        {
            ids.add(l.id);
        }
        return ids;
    }

    LcoreMsg lcore(final int id)
    {
        return id >= 0 && id < byId.length ? byId[id] : null;
    }

    // ------------------------------------------------------------------ registration (see Registrar)

    TypeEntry entryFor(final MsgTypeSpec spec, final int lcoreId, final String owner)
    {
        return registrar.entryFor(spec, lcoreId, owner);
    }

    List<TypeEntry> entriesFor(final MsgTypeSpec spec, final String owner)
    {
        return registrar.entriesFor(spec, owner);
    }

    void registerAll(final List<TypeEntry> entries)
    {
        registrar.registerAll(entries);
    }

    void unregisterAll(final List<TypeEntry> entries)
    {
        registrar.unregisterAll(entries);
    }

    // ------------------------------------------------------------------ sending

    int nextSeq()
    {
        return nextSeq(scheduler.currentLcoreId());
    }

    /** @param selfId the calling lcore's id, -1 on other threads. */
    private int nextSeq(final int selfId)
    {
        return nextSeq(lcore(selfId));
    }

    /** @param self the calling lcore's state, null on other threads. */
    private int nextSeq(final LcoreMsg self)
    {
        if (null != self)
        {
            return self.nextSeq();
        }
        return foreignSeq.incrementAndGet() & 0x7fffffff;
    }

    int sendAsync(final int type, final int lcoreId, final Object payload)
    {
        final LcoreMsg l = lcore(lcoreId);
        if (null == l || type < 1 || type > MsgIds.MAX_TYPE_ID)
        {
            return Edpvs.INVAL;
        }
        final TypeEntry e = l.lookup(type);
        if (null == e)
        {
            notExist.incrementAndGet();
            return Edpvs.NOTEXIST;
        }
        // the scheduler is asked once per send: the pool and the sequence take the id from here
        final int self = scheduler.currentLcoreId();
        final MsgImpl m = pool.acquire(self).init(MsgImpl.KIND_USER, type, nextSeq(self), MsgMode.UNICAST, self,
            lcoreId, payload, 0, 1, MsgFlags.ASYNC | MsgFlags.STATE_SEND);
        final int ring = e.ring;
        if (!l.offer(ring, m))
        {
            e.ringFull.incrementAndGet();
            m.recycle(self); // the ring never got it: still only ours
            return Edpvs.NOROOM;
        }
        e.sent.increment(self);
        if (!l.warned[ring] && l.rings[ring].size() > l.warnFill)
        {
            warnFill(l, ring);
        }
        return Edpvs.OK;
    }

    private static void warnFill(final LcoreMsg l, final int ring)
    {
        l.warned[ring] = true;
        LOG.warn("msg ring {} of lcore {} is over 80% full ({} of {}); senders will get NOROOM when it is full",
            ring, l.id, l.rings[ring].size(), l.ringCapacity);
    }

    int sendSync(final int type, final int lcoreId, final Object payload, final long timeoutUs, final MsgReply out)
    {
        return sendSync(type, lcoreId, payload, timeoutUs, out, false);
    }

    /** @param alwaysTimed time this send whatever the sampling ({@code msg:hello} reports its round trip). */
    int sendSync(final int type, final int lcoreId, final Object payload, final long timeoutUs, final MsgReply out,
        final boolean alwaysTimed)
    {
        final LcoreMsg l = lcore(lcoreId);
        if (null == l || type < 1 || type > MsgIds.MAX_TYPE_ID || null == out)
        {
            return result(out, Edpvs.INVAL, 0, MsgImpl.NO_CLOCK);
        }
        final TypeEntry e = l.lookup(type);
        if (null == e)
        {
            notExist.incrementAndGet();
            return result(out, Edpvs.NOTEXIST, 0, MsgImpl.NO_CLOCK);
        }
        // the scheduler is asked once per send: the pool, the sequence and the waiter take the id from here
        final int self = scheduler.currentLcoreId();
        final LcoreMsg selfLcore = lcore(self);
        final long start = alwaysTimed || sampled(e.sent, self) ? System.nanoTime() : MsgImpl.NO_CLOCK;
        final MsgImpl m = pool.acquire(self).init(MsgImpl.KIND_USER, type, nextSeq(selfLcore), MsgMode.UNICAST, self,
            lcoreId, payload, start, 2, MsgFlags.STATE_SEND);
        if (!l.offer(e.ring, m))
        {
            e.ringFull.incrementAndGet();
            m.recycle(self); // the ring never got it: still only ours
            return result(out, Edpvs.NOROOM, MsgFlags.STATE_DROP, start);
        }
        e.sent.increment(self);
        // while the receiver works (off the round trip's path): a message whose per-use fields straddle two lines
        // goes back to the shared queue, not to this lcore's stack, so its next sends move one line, not two (a
        // send to itself moves none, and its wait is no idle time: it handles the message)
        final boolean offStack = lcoreId != self && pool.straddles(m, self);
        final int f = waiter.await(m, start, TimeUnit.MICROSECONDS.toNanos(timeoutUs(timeoutUs)), selfLcore);
        final int rc;
        final Object reply;
        if (0 != (f & MsgFlags.STATE_DROP))
        {
            if (0 != (f & MsgFlags.TIMEOUT))
            {
                e.timedOut.incrementAndGet();
            }
            rc = Edpvs.MSG_DROP;
            // after a give-up the receiver may still be writing its late reply into the message: never read it
            reply = null;
        }
        else
        {
            rc = 0 != (f & MsgFlags.CALLBACK_FAIL) ? Edpvs.MSG_FAIL : Edpvs.OK;
            reply = m.reply; // written by the receiver before the terminal CAS that made the message ours
        }
        SyncWaiter.senderDone(m, f, self, offStack); // recycles it (the receiver ended it) or releases it (we gave up)
        long latencyNs = MsgReply.UNTIMED;
        if (MsgImpl.NO_CLOCK != start)
        {
            // read after the wait: taking the wait's last clock read instead (one read less) hid a preemption of
            // this thread between that read and the look that saw the end, as long as it lasted (CI: 4.8 of 7.9 ms)
            latencyNs = System.nanoTime() - start;
            e.recordLatency(latencyNs);
        }
        out.set(rc, f & MsgImpl.PUBLIC_FLAGS, reply, latencyNs);
        return rc;
    }

    private long timeoutUs(final long timeoutUs)
    {
        return timeoutUs <= 0 ? config.timeoutUs() : timeoutUs;
    }

    private static int result(final MsgReply out, final int rc, final int flags, final long start)
    {
        if (null != out)
        {
            out.set(rc, flags, null, latencySince(start));
        }
        return rc;
    }

    /** @return the time since a timed send's start, or UNTIMED for an untimed one. */
    private static long latencySince(final long start)
    {
        return MsgImpl.NO_CLOCK == start ? MsgReply.UNTIMED : System.nanoTime() - start;
    }

    // ------------------------------------------------------------------ multicast (the master's side: MulticastCoordinator)

    int multicastSync(final int type, final Object payload, final long timeoutUs, final MulticastResult out)
    {
        if (null == out)
        {
            return Edpvs.INVAL;
        }
        if (type < 1 || type > MsgIds.MAX_TYPE_ID)
        {
            out.set(Edpvs.INVAL, null, MulticastResult.UNTIMED);
            return Edpvs.INVAL;
        }
        // one look at the master's table: the type may be closed concurrently, the entry found stays valid
        final TypeEntry e = multicastEntry(type);
        if (null == e)
        {
            out.set(Edpvs.NOTEXIST, null, MulticastResult.UNTIMED);
            return Edpvs.NOTEXIST;
        }
        final int selfId = scheduler.currentLcoreId();
        final long start = sampled(e.multicastsSent, selfId) ? System.nanoTime() : MsgImpl.NO_CLOCK;
        final long timeoutNs = TimeUnit.MICROSECONDS.toNanos(timeoutUs(timeoutUs));
        final LcoreMsg self = lcore(selfId);
        if (self == master)
        {
            return multicastFromMaster(e, payload, selfId, start, timeoutNs, out);
        }
        final MsgImpl orig = multicastOriginal(type, payload, selfId, start, timeoutNs, null, 2,
            MsgFlags.STATE_SEND);
        if (!master.offer(e.ring, orig))
        {
            e.ringFull.incrementAndGet();
            orig.recycle(); // the master never got it: still only ours
            out.set(Edpvs.NOROOM, null, latencySince(start));
            return Edpvs.NOROOM;
        }
        e.multicastsSent.increment(selfId);
        // the master times the multicast out; waiting a little longer lets its partial replies through
        final int f = waiter.await(orig, start, timeoutNs + Math.max(MC_WAIT_GRACE_NS, timeoutNs / 2), self);
        final int rc;
        if (0 != (f & MsgImpl.SENDER_GAVE_UP))
        {
            // the master never ended it (stalled?): its queue may still change, so report no replies
            rc = Edpvs.MSG_DROP;
            out.set(rc, null, latencySince(start));
        }
        else
        {
            // ended by the master, which wrote the result and the queue before its terminal CAS; from that CAS the
            // original and its queue are ours, until we recycle the original (see package-info)
            rc = orig.result;
            final McQueue q = orig.mcq;
            long latencyNs = MulticastResult.UNTIMED;
            if (MsgImpl.NO_CLOCK != start)
            {
                latencyNs = System.nanoTime() - start;
                if (null != q)
                {
                    q.entry.recordLatency(latencyNs);
                }
            }
            out.set(rc, null == q ? MulticastCoordinator.EMPTY_REPLIES : q, latencyNs);
        }
        // recycles it (and its queue) or, when we gave up, releases our reference
        SyncWaiter.senderDone(orig, f, selfId, false);
        return rc;
    }

    /**
     * A synchronous multicast the master sends itself: no original message and no handshake (nobody else can end
     * it), so what the master does per multicast is the queue, the copies and their replies. The master's drain,
     * which it runs while it waits, completes the queue or times it out at its deadline.
     */
    private int multicastFromMaster(final TypeEntry e, final Object payload, final int selfId, final long start,
        final long timeoutNs, final MulticastResult out)
    {
        final McQueue q = multicasts.startOwn(e, payload, MsgImpl.NO_CLOCK == start ? MsgImpl.NO_CLOCK
            : start + timeoutNs, timeoutNs);
        e.multicastsSent.increment(selfId);
        waiter.awaitOwn(q, master);
        final int rc = q.result;
        long latencyNs = MulticastResult.UNTIMED;
        if (MsgImpl.NO_CLOCK != start)
        {
            latencyNs = System.nanoTime() - start;
            e.recordLatency(latencyNs);
        }
        out.set(rc, q, latencyNs);
        q.recycle(selfId); // copied: back to the master's stack
        return rc;
    }

    int multicastAsync(final int type, final Object payload, final long timeoutUs,
        final MulticastCompletion completion)
    {
        if (null == completion)
        {
            return Edpvs.INVAL;
        }
        if (type < 1 || type > MsgIds.MAX_TYPE_ID)
        {
            return Edpvs.INVAL;
        }
        final TypeEntry e = multicastEntry(type);
        if (null == e)
        {
            return Edpvs.NOTEXIST;
        }
        final int selfId = scheduler.currentLcoreId();
        final long start = sampled(e.multicastsSent, selfId) ? System.nanoTime() : MsgImpl.NO_CLOCK;
        final MsgImpl orig = multicastOriginal(type, payload, selfId, start,
            TimeUnit.MICROSECONDS.toNanos(timeoutUs(timeoutUs)), completion, 1, MsgFlags.ASYNC | MsgFlags.STATE_SEND);
        if (lcore(selfId) == master)
        {
            multicasts.start(orig);
        }
        else if (!master.offer(e.ring, orig))
        {
            e.ringFull.incrementAndGet();
            orig.recycle(); // the master never got it: still only ours
            return Edpvs.NOROOM;
        }
        e.multicastsSent.increment(selfId);
        return Edpvs.OK;
    }

    /**
     * @param sends the sends of one type so far, per sender (sync unicasts, or multicasts on the master's entry).
     * @return true for the 1 in latency_sample sends from this sender that are timed: they read the clock at their
     * start and end and arm their own deadline (an untimed one's deadline is armed by its first clock read, in
     * SyncWaiter, or, a multicast's, by the master in MulticastCoordinator). Threads that are not lcores share one
     * count.
     */
    private boolean sampled(final LcoreCounter sends, final int selfId)
    {
        return 0 == ((sends.own(selfId) + 1) & latencyMask);
    }

    /**
     * @return the master's entry of a multicast type, or null (counted) when there is none.
     */
    private TypeEntry multicastEntry(final int type)
    {
        final TypeEntry e = master.lookup(type);
        if (null == e || MsgMode.MULTICAST != e.mode)
        {
            notExist.incrementAndGet();
            return null;
        }
        return e;
    }

    /**
     * The original of a multicast, for the master; its seq is the master's to assign. Its deadline counts from
     * {@code sentNs}, or, untimed ({@code sentNs} NO_CLOCK), from the master's first clock read after it starts.
     */
    private MsgImpl multicastOriginal(final int type, final Object payload, final int selfId, final long sentNs,
        final long timeoutNs, final MulticastCompletion completion, final int refs, final int flags)
    {
        final MsgImpl orig = pool.acquire(selfId);
        orig.deadlineNs = MsgImpl.NO_CLOCK == sentNs ? MsgImpl.NO_CLOCK : sentNs + timeoutNs;
        orig.timeoutNs = timeoutNs;
        orig.completion = completion;
        return orig.init(MsgImpl.KIND_MC_START, type, 0, MsgMode.MULTICAST, selfId, master.id, payload, sentNs,
            refs, flags);
    }

    // ------------------------------------------------------------------ shared by the roles

    /** Logs a callback's exception at most once a second (a failing callback may run per message). */
    void logCallbackFailure(final TypeEntry e, final Throwable th)
    {
        final long left = callbackFailureLog.admit(System.nanoTime());
        if (left >= 0)
        {
            LOG.warn("callback of {} threw (logged at most once a second){}", e, LogLimiter.suppressedNote(left), th);
        }
    }

    /**
     * Counts a queued message whose type was unregistered before it arrived (its sender is released with MSG_DROP),
     * and logs it at most once a second: a bundle stopping mid-traffic drops what was in flight for it.
     */
    void countUnregisteredDrop(final int lcoreId, final int type)
    {
        droppedUnregistered.incrementAndGet();
        final long left = unregisteredDropLog.admit(System.nanoTime());
        if (left >= 0)
        {
            LOG.info("lcore {}: dropped a message of msg type {}, unregistered while it was queued (logged at most "
                + "once a second){}", lcoreId, type, LogLimiter.suppressedNote(left));
        }
    }

    int ringCapacity()
    {
        return master.ringCapacity;
    }

    int[] workerIds()
    {
        return workers.clone();
    }

    /** @return {@link #entries()} as the API's snapshots. */
    List<MsgTypeInfo> typeInfos()
    {
        final List<MsgTypeInfo> out = new ArrayList<>();
        for (final TypeEntry e : entries())
        {
            out.add(new MsgTypeInfo(e.id, e.spec.name(), e.lcore, e.mode, e.priority, e.owner,
                e.sent.get(), e.received, e.finished, e.dropped, e.timedOut.get(), e.callbackFailures,
                e.ringFull.get(), e.lateReplies));
        }
        return out;
    }

    /** @return the latency histograms of {@link #entries()} that recorded something, as the API's snapshots. */
    List<MsgLatencyInfo> latencyInfos()
    {
        final List<MsgLatencyInfo> out = new ArrayList<>();
        for (final TypeEntry e : entries())
        {
            final org.HdrHistogram.Histogram h = e.latencySnapshot();
            if (0 != h.getTotalCount())
            {
                out.add(new MsgLatencyInfo(e.id, e.spec.name(), e.lcore, h.getTotalCount(),
                    h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                    h.getValueAtPercentile(99.9), h.getMaxValue()));
            }
        }
        return out;
    }

    /** @return every lcore's ring fill levels, HIGH, NORM then LOW. */
    List<MsgRingInfo> ringInfos()
    {
        final List<MsgRingInfo> out = new ArrayList<>();
        for (final LcoreMsg l : lcores())
        {
            for (int r = 0; r < LcoreMsg.RINGS; r++)
            {
                out.add(new MsgRingInfo(l.id, RING_PRIORITIES[r], l.fill(r), l.ringCapacity));
            }
        }
        return out;
    }

    List<TypeEntry> entries()
    {
        final List<TypeEntry> out = new ArrayList<>();
        for (final LcoreMsg l : lcores())
        {
            for (int id = 1; id <= MsgIds.MAX_TYPE_ID; id++)
            {
                final TypeEntry e = l.lookup(id);
                if (null != e)
                {
                    out.add(e);
                }
            }
        }
        return Collections.unmodifiableList(out);
    }
}
