package platform.msgmgr.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.jctools.queues.MessagePassingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.Edpvs;
import platform.msgmgr.api.MsgFlags;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgMode;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgReply;
import platform.msgmgr.api.MsgTypeSpec;
import platform.msgmgr.api.MulticastCompletion;
import platform.msgmgr.api.MulticastResult;

/**
 * The message manager: DPVS's {@code src/ctrl.c} message part on per-lcore JCTools rings.
 * <p>
 * Threads: any thread sends; each lcore drains its own rings in a LOOP job ({@code msg_master_job} on the
 * master, {@code msg_slave_job} on the forwarding workers) and is the only writer of its type table; multicast
 * queues live on the master and are touched by the master only. A message ends exactly once, by the CAS that
 * adds FIN or DROP: the receiver finishing it, the sender timing out, or a drop.
 */
final class MsgCore
{
    private static final Logger LOG = LoggerFactory.getLogger(MsgCore.class);
    private static final int CONTROL_RING = 0;
    private static final long LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    final LcoreScheduler scheduler;
    final MsgConfig config;
    final MsgPool pool;
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
    private final AtomicLong lastCallbackLogNs = new AtomicLong(Long.MIN_VALUE / 2);

    MsgCore(final LcoreScheduler scheduler, final MsgConfig config)
    {
        this.scheduler = scheduler;
        this.config = config;
        this.pool = new MsgPool(config.poolSize(), scheduler::currentLcoreId);
        final int masterId = scheduler.masterLcoreId();
        this.master = new LcoreMsg(masterId, true, config.ringSize());
        byId[masterId] = master;
        this.workers = scheduler.lcoreIds(LcoreRole.FWD_WORKER);
        long mask = 0;
        for (final int w : workers)
        {
            byId[w] = new LcoreMsg(w, false, config.ringSize());
            mask |= 1L << w;
        }
        this.workerMask = mask;
        for (final LcoreMsg l : byId)
        {
            if (null != l)
            {
                l.consumer = new Drainer(l);
            }
        }
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
        for (final TypeEntry e : entriesFor(slaveIds, "platform.msgmgr"))
        {
            byId[e.lcore].store(e.id, e);
            builtIns.add(e);
        }
        started = true;
        masterJob = scheduler.register(JobSpec.loop("msg_master_job", LcoreRole.MASTER, id -> drain(byId[id])));
        slaveJob = scheduler.register(JobSpec.loop("msg_slave_job", LcoreRole.FWD_WORKER, id -> drain(byId[id])));
        LOG.info("message manager on lcores {}: master {}, workers {}, ring size {}, timeout {} us", lcoreIds(),
            master.id, java.util.Arrays.toString(workers), config.ringSize(), config.timeoutUs());
    }

    private int replyLcoreId(final platform.msgmgr.api.Msg msg)
    {
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
                    dropQueued(m);
                }
            }
        }
        for (final McQueue q : new ArrayList<>(master.multicasts.values()))
        {
            completeMulticast(q, Edpvs.MSG_DROP, false);
        }
        if (dropped > 0)
        {
            LOG.warn("message manager stopped with {} messages queued; dropped them", dropped);
        }
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

    // ------------------------------------------------------------------ registration

    /**
     * @return the entries a spec makes: one on {@code lcoreId} for a unicast registration.
     */
    TypeEntry entryFor(final MsgTypeSpec spec, final int lcoreId, final String owner)
    {
        if (null == spec)
        {
            throw new IllegalArgumentException("msg type spec is null");
        }
        final LcoreMsg l = lcore(lcoreId);
        if (null == l)
        {
            throw new IllegalArgumentException("lcore " + lcoreId + " processes no messages (only the master "
                + master.id + " and the forwarding workers " + java.util.Arrays.toString(workers) + " do)");
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
        for (final int w : workers)
        {
            out.add(new TypeEntry(spec, w, false, owner));
        }
        out.add(new TypeEntry(spec, master.id, true, owner));
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
        final LcoreMsg l = byId[e.lcore];
        final TypeEntry holder = l.lookup(e.id);
        if (null != holder)
        {
            throw alreadyRegistered(e, holder);
        }
        if (!started || scheduler.currentLcoreId() == l.id)
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
        final Object reply = m.reply;
        m.release();
        if (0 != (f & MsgFlags.STATE_DROP))
        {
            throw new IllegalStateException("lcore " + l.id + " did not enter " + e + " within "
                + config.controlTimeoutMs() + " ms (is its loop stalled?)");
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
     * awaited (and retried while its lcore is stalled).
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
        final int self = scheduler.currentLcoreId();
        final List<MsgImpl> sent = new ArrayList<>();
        final List<TypeEntry> sentFor = new ArrayList<>();
        final List<TypeEntry> retry = new ArrayList<>();
        for (final TypeEntry e : entries)
        {
            final LcoreMsg l = byId[e.lcore];
            if (!started || self == l.id)
            {
                applyUnreg(l, e);
                continue;
            }
            final MsgImpl m = control(MsgImpl.KIND_UNREG, e);
            if (offer(l, CONTROL_RING, m))
            {
                sent.add(m);
                sentFor.add(e);
            }
            else
            {
                m.initRefs(1);
                m.release();
                retry.add(e);
            }
        }
        final LcoreMsg selfMsg = lcore(self);
        for (int i = 0; i < sent.size(); i++)
        {
            final MsgImpl m = sent.get(i);
            final int f = await(m, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.controlTimeoutMs()),
                selfMsg);
            m.release();
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
        final LcoreMsg l = byId[e.lcore];
        final long start = System.nanoTime();
        while (true)
        {
            if (!started || scheduler.currentLcoreId() == l.id)
            {
                applyUnreg(l, e);
                return;
            }
            final MsgImpl m = control(MsgImpl.KIND_UNREG, e);
            final int f = awaitControl(m, l);
            m.release();
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

    private void applyUnreg(final LcoreMsg l, final TypeEntry e)
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
            dropMulticastsOf(e);
        }
    }

    private MsgImpl control(final int kind, final TypeEntry e)
    {
        final MsgImpl m = pool.acquire();
        m.kind = kind;
        m.type = kind == MsgImpl.KIND_REG ? MsgIds.REG : MsgIds.UNREG;
        m.mode = MsgMode.UNICAST;
        m.cid = scheduler.currentLcoreId();
        m.dest = e.lcore;
        m.payload = e;
        m.sentNs = System.nanoTime();
        m.initRefs(2);
        m.svFlags(MsgFlags.STATE_SEND);
        return m;
    }

    /**
     * Sends a REG/UNREG and waits up to the control timeout (the ring being full counts as waiting: control
     * messages are retried until they fit).
     */
    private int awaitControl(final MsgImpl m, final LcoreMsg l)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.controlTimeoutMs());
        final LcoreMsg self = lcore(scheduler.currentLcoreId());
        while (!offer(l, CONTROL_RING, m))
        {
            if (System.nanoTime() - deadline >= 0)
            {
                m.tryTerminate(MsgFlags.STATE_DROP | MsgFlags.TIMEOUT);
                m.release(); // the ring never got its reference
                return m.lvFlags();
            }
            idleWhileWaiting(self, deadline);
        }
        return await(m, deadline, self);
    }

    // ------------------------------------------------------------------ sending

    /**
     * Enqueues on an lcore's ring and wakes the lcore if its idle strategy parked it.
     *
     * @return false when the ring is full.
     */
    private boolean offer(final LcoreMsg l, final int ring, final MsgImpl m)
    {
        if (!l.rings[ring].offer(m))
        {
            return false;
        }
        scheduler.wake(l.id);
        return true;
    }

    int nextSeq()
    {
        final LcoreMsg self = lcore(scheduler.currentLcoreId());
        if (null != self)
        {
            return ++self.seq & 0x7fffffff;
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
        final MsgImpl m = pool.acquire();
        m.kind = MsgImpl.KIND_USER;
        m.type = type;
        m.seq = nextSeq();
        m.mode = MsgMode.UNICAST;
        m.cid = scheduler.currentLcoreId();
        m.dest = lcoreId;
        m.payload = payload;
        m.initRefs(1);
        m.svFlags(MsgFlags.ASYNC | MsgFlags.STATE_SEND);
        return enqueue(l, e, m);
    }

    private int enqueue(final LcoreMsg l, final TypeEntry e, final MsgImpl m)
    {
        final int ring = e.ring;
        if (!offer(l, ring, m))
        {
            e.ringFull.incrementAndGet();
            m.tryTerminate(MsgFlags.STATE_DROP);
            m.initRefs(1);
            m.release();
            return Edpvs.NOROOM;
        }
        e.sent.incrementAndGet();
        if (!l.warned[ring] && l.rings[ring].size() > l.warnFill)
        {
            l.warned[ring] = true;
            LOG.warn("msg ring {} of lcore {} is over 80% full ({} of {}); senders will get NOROOM when it is full",
                ring, l.id, l.rings[ring].size(), l.ringCapacity);
        }
        return Edpvs.OK;
    }

    int sendSync(final int type, final int lcoreId, final Object payload, final long timeoutUs, final MsgReply out)
    {
        final long start = System.nanoTime();
        final LcoreMsg l = lcore(lcoreId);
        if (null == l || type < 1 || type > MsgIds.MAX_TYPE_ID || null == out)
        {
            return result(out, Edpvs.INVAL, 0, start);
        }
        final TypeEntry e = l.lookup(type);
        if (null == e)
        {
            notExist.incrementAndGet();
            return result(out, Edpvs.NOTEXIST, 0, start);
        }
        final MsgImpl m = pool.acquire();
        m.kind = MsgImpl.KIND_USER;
        m.type = type;
        m.seq = nextSeq();
        m.mode = MsgMode.UNICAST;
        m.cid = scheduler.currentLcoreId();
        m.dest = lcoreId;
        m.payload = payload;
        m.sentNs = start;
        m.initRefs(2);
        m.svFlags(MsgFlags.STATE_SEND);
        if (!offer(l, e.ring, m))
        {
            e.ringFull.incrementAndGet();
            m.initRefs(1);
            m.release();
            return result(out, Edpvs.NOROOM, MsgFlags.STATE_DROP, start);
        }
        e.sent.incrementAndGet();
        final long deadline = start + TimeUnit.MICROSECONDS.toNanos(timeoutUs(timeoutUs));
        final int f = await(m, deadline, lcore(scheduler.currentLcoreId()));
        final int rc;
        if (0 != (f & MsgFlags.STATE_DROP))
        {
            if (0 != (f & MsgFlags.TIMEOUT))
            {
                e.timedOut.incrementAndGet();
            }
            rc = Edpvs.MSG_DROP;
        }
        else
        {
            rc = 0 != (f & MsgFlags.CALLBACK_FAIL) ? Edpvs.MSG_FAIL : Edpvs.OK;
        }
        final long latencyNs = System.nanoTime() - start;
        e.latency.recordValue(latencyNs);
        out.set(rc, f & MsgImpl.PUBLIC_FLAGS, m.reply, latencyNs);
        m.release();
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
            out.set(rc, flags, null, System.nanoTime() - start);
        }
        return rc;
    }

    /**
     * Waits until {@code m} ends or {@code deadlineNs} passes (then ends it with TIMEOUT|DROP). An lcore drains its
     * own rings meanwhile; another thread spins briefly, then parks until the receiver unparks it.
     *
     * @return the final flags.
     */
    private int await(final MsgImpl m, final long deadlineNs, final LcoreMsg self)
    {
        int spins = 0;
        while (true)
        {
            final int f = m.lvFlags();
            if (0 != (f & MsgImpl.TERMINAL))
            {
                return f;
            }
            final long now = System.nanoTime();
            if (now - deadlineNs >= 0)
            {
                if (m.tryTerminate(MsgFlags.STATE_DROP | MsgFlags.TIMEOUT | MsgImpl.SENDER_GAVE_UP))
                {
                    return m.lvFlags();
                }
                continue;
            }
            if (null != self)
            {
                if (0 == drain(self))
                {
                    Thread.onSpinWait();
                }
            }
            else if (spins < 200)
            {
                spins++;
                Thread.onSpinWait();
            }
            else
            {
                m.waiter = Thread.currentThread();
                if (0 == (m.lvFlags() & MsgImpl.TERMINAL))
                {
                    LockSupport.parkNanos(this, deadlineNs - now);
                }
            }
        }
    }

    private void idleWhileWaiting(final LcoreMsg self, final long deadlineNs)
    {
        if (null != self)
        {
            if (0 == drain(self))
            {
                Thread.onSpinWait();
            }
        }
        else
        {
            LockSupport.parkNanos(Math.min(50_000, Math.max(1, deadlineNs - System.nanoTime())));
        }
    }

    // ------------------------------------------------------------------ multicast

    int multicastSync(final int type, final Object payload, final long timeoutUs, final MulticastResult out)
    {
        final long start = System.nanoTime();
        if (null == out)
        {
            return Edpvs.INVAL;
        }
        if (type < 1 || type > MsgIds.MAX_TYPE_ID)
        {
            out.set(Edpvs.INVAL, null, System.nanoTime() - start);
            return Edpvs.INVAL;
        }
        // one look at the master's table: the type may be closed concurrently, the entry found stays valid
        final TypeEntry e = multicastEntry(type);
        if (null == e)
        {
            out.set(Edpvs.NOTEXIST, null, System.nanoTime() - start);
            return Edpvs.NOTEXIST;
        }
        final long timeoutNs = TimeUnit.MICROSECONDS.toNanos(timeoutUs(timeoutUs));
        final MsgImpl orig = multicastOriginal(type, payload, start + timeoutNs, null, 2);
        final LcoreMsg self = lcore(scheduler.currentLcoreId());
        if (self == master)
        {
            startMulticast(orig);
        }
        else if (!offer(master, e.ring, orig))
        {
            e.ringFull.incrementAndGet();
            orig.initRefs(1);
            orig.release();
            out.set(Edpvs.NOROOM, null, System.nanoTime() - start);
            return Edpvs.NOROOM;
        }
        // the master times the multicast out; waiting a little longer lets its partial replies through
        final long waitDeadline = start + timeoutNs + Math.max(TimeUnit.MILLISECONDS.toNanos(50), timeoutNs / 2);
        final int f = await(orig, waitDeadline, self);
        final int rc;
        if (0 != (f & MsgImpl.SENDER_GAVE_UP))
        {
            // the master never ended it (stalled?): its queue may still change, so report no replies
            rc = Edpvs.MSG_DROP;
            out.set(rc, null, System.nanoTime() - start);
        }
        else
        {
            // ended by the master, which wrote the result and the queue before its terminal CAS
            rc = orig.result;
            final long latencyNs = System.nanoTime() - start;
            if (null != orig.mcq)
            {
                orig.mcq.entry.latency.recordValue(latencyNs);
            }
            out.set(rc, null == orig.mcq ? EMPTY_REPLIES : orig.mcq, latencyNs);
        }
        orig.release();
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
        final long start = System.nanoTime();
        final MsgImpl orig = multicastOriginal(type, payload,
            start + TimeUnit.MICROSECONDS.toNanos(timeoutUs(timeoutUs)), completion, 1);
        orig.orFlags(MsgFlags.ASYNC);
        if (lcore(scheduler.currentLcoreId()) == master)
        {
            startMulticast(orig);
            return Edpvs.OK;
        }
        if (!offer(master, e.ring, orig))
        {
            e.ringFull.incrementAndGet();
            orig.release();
            return Edpvs.NOROOM;
        }
        return Edpvs.OK;
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

    private MsgImpl multicastOriginal(final int type, final Object payload, final long deadlineNs,
        final MulticastCompletion completion, final int refs)
    {
        final MsgImpl orig = pool.acquire();
        orig.kind = MsgImpl.KIND_MC_START;
        orig.type = type;
        orig.mode = MsgMode.MULTICAST;
        orig.cid = scheduler.currentLcoreId();
        orig.dest = master.id;
        orig.payload = payload;
        orig.sentNs = System.nanoTime();
        orig.deadlineNs = deadlineNs;
        orig.completion = completion;
        orig.initRefs(refs);
        orig.svFlags(MsgFlags.STATE_SEND);
        return orig;
    }

    /** On the master: fan a multicast out to every worker. */
    private void startMulticast(final MsgImpl orig)
    {
        final TypeEntry e = master.lookup(orig.type);
        if (null == e || e.closed || MsgMode.MULTICAST != e.mode)
        {
            orig.result = Edpvs.MSG_DROP;
            terminateMulticast(orig, MsgFlags.STATE_DROP, Edpvs.MSG_DROP, EMPTY_REPLIES);
            orig.release();
            return;
        }
        if (0 != (orig.lvFlags() & MsgImpl.TERMINAL))
        {
            lateReplies.incrementAndGet(); // its synchronous sender gave up before the master got to it
            orig.release();
            return;
        }
        orig.seq = ++master.seq & 0x7fffffff;
        orig.orFlags(MsgFlags.STATE_RECV);
        final McQueue q = new McQueue(orig, e, workerMask, orig.deadlineNs);
        orig.mcq = q;
        e.received++;
        for (final int w : workers)
        {
            final LcoreMsg wl = byId[w];
            final TypeEntry we = wl.lookup(orig.type);
            final MsgImpl copy = pool.acquire();
            copy.kind = MsgImpl.KIND_USER;
            copy.type = orig.type;
            copy.seq = orig.seq;
            copy.mode = MsgMode.MULTICAST;
            copy.cid = master.id;
            copy.dest = w;
            copy.payload = orig.payload;
            copy.initRefs(1);
            copy.svFlags(MsgFlags.ASYNC | MsgFlags.STATE_SEND);
            if (null == we)
            {
                // the type is being registered or closed: that worker has no callback for it
                copy.release();
                q.absentMask |= 1L << w;
                q.mask &= ~(1L << w);
            }
            else if (!offer(wl, e.ring, copy))
            {
                copy.release();
                q.unsentMask |= 1L << w;
                q.mask &= ~(1L << w);
                we.ringFull.incrementAndGet();
            }
            else
            {
                we.sent.incrementAndGet();
            }
        }
        if (0 == q.mask)
        {
            completeMulticast(q, q.outcome(), false);
            return;
        }
        master.multicasts.put(McQueue.key(orig.type, orig.seq), q);
        if (q.deadlineNs < master.nextMcDeadlineNs)
        {
            master.nextMcDeadlineNs = q.deadlineNs;
        }
    }

    /** On the master: a worker's reply. */
    private void onMulticastReply(final MsgImpl r)
    {
        final McQueue q = master.multicasts.get(McQueue.key(r.type, r.seq));
        final long bit = 1L << r.cid;
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
            q.mask &= ~bit;
            q.add(r.cid, r.reply, 0 != (r.lvFlags() & MsgFlags.CALLBACK_FAIL));
            if (0 == q.mask)
            {
                completeMulticast(q, q.outcome(), false);
            }
        }
        r.release();
    }

    /**
     * On the master (or the stopping thread): ends a multicast. With all replies in, runs the multicast callback;
     * the original ends once, by CAS, so its completion runs exactly once.
     */
    private void completeMulticast(final McQueue q, final int outcome, final boolean timedOut)
    {
        final MsgImpl orig = q.original;
        master.multicasts.remove(McQueue.key(orig.type, orig.seq));
        int rc = outcome;
        int bits;
        if (Edpvs.OK == outcome)
        {
            int cb = Edpvs.OK;
            if (!q.entry.closed)
            {
                try
                {
                    cb = q.entry.multicast.onReplies(q);
                }
                catch (final Throwable th)
                {
                    cb = Edpvs.CALLBACKFAIL;
                    logCallbackFailure(q.entry, th);
                }
            }
            if (Edpvs.OK != cb || q.anyFailed)
            {
                rc = Edpvs.MSG_FAIL;
                q.entry.callbackFailures++;
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
                q.entry.timedOut.incrementAndGet();
            }
            else
            {
                q.entry.dropped++;
            }
        }
        orig.result = rc;
        if (null != orig.completion)
        {
            q.entry.latency.recordValue(Math.max(0, System.nanoTime() - orig.sentNs));
        }
        if (terminateMulticast(orig, bits, rc, q))
        {
            if (0 != (bits & MsgFlags.STATE_FIN))
            {
                q.entry.finished++;
            }
        }
        else
        {
            lateReplies.incrementAndGet();
        }
        orig.release();
    }

    private boolean terminateMulticast(final MsgImpl orig, final int bits, final int rc,
        final platform.msgmgr.api.MulticastReplies replies)
    {
        if (!orig.tryTerminate(bits))
        {
            return false;
        }
        final Thread w = orig.waiter;
        if (null != w)
        {
            LockSupport.unpark(w);
        }
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
        return true;
    }

    private void expireMulticasts(final long now)
    {
        final Map<Long, McQueue> mcs = master.multicasts;
        long next = Long.MAX_VALUE;
        List<McQueue> expired = null;
        for (final McQueue q : mcs.values())
        {
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
        master.nextMcDeadlineNs = next;
        if (null != expired)
        {
            for (final McQueue q : expired)
            {
                LOG.debug("multicast type {} seq {} timed out; missing lcores mask 0x{}", q.type(), q.seq(),
                    Long.toHexString(q.mask));
                completeMulticast(q, Edpvs.MSG_DROP, true);
            }
        }
    }

    private void dropMulticastsOf(final TypeEntry e)
    {
        final List<McQueue> doomed = new ArrayList<>();
        for (final McQueue q : master.multicasts.values())
        {
            if (q.entry == e)
            {
                doomed.add(q);
            }
        }
        for (final McQueue q : doomed)
        {
            completeMulticast(q, Edpvs.MSG_DROP, false);
        }
    }

    // ------------------------------------------------------------------ draining

    /**
     * Drains an lcore's rings: HIGH, then NORM, then LOW, within the per-iteration budget; each lower ring keeps a
     * reserved share, so a flood of HIGH messages cannot starve LOW ones. On the master, expires multicasts.
     *
     * @return messages handled.
     */
    int drain(final LcoreMsg l)
    {
        final int budget = config.drainBudget();
        final int reserve = config.lowReserve();
        final MessagePassingQueue.Consumer<MsgImpl> c = l.consumer;
        int done = l.rings[0].drain(c, budget - 2 * reserve);
        done += l.rings[1].drain(c, budget - reserve - done);
        done += l.rings[2].drain(c, budget - done);
        if (l.master && System.nanoTime() - l.nextMcDeadlineNs >= 0)
        {
            expireMulticasts(System.nanoTime());
        }
        return done;
    }

    /** Handles one message on its lcore. */
    private void handle(final LcoreMsg l, final MsgImpl m)
    {
        switch (m.kind)
        {
            case MsgImpl.KIND_USER:
                handleUser(l, m);
                break;
            case MsgImpl.KIND_MC_REPLY:
                onMulticastReply(m);
                break;
            case MsgImpl.KIND_MC_START:
                startMulticast(m);
                break;
            case MsgImpl.KIND_REG:
                handleReg(l, m);
                break;
            case MsgImpl.KIND_UNREG:
                applyUnreg(l, (TypeEntry)m.payload);
                finish(m, MsgFlags.STATE_FIN);
                m.release();
                break;
            default:
                LOG.error("unknown message kind on lcore {}: {}", l.id, m);
                m.release();
        }
    }

    private void handleReg(final LcoreMsg l, final MsgImpl m)
    {
        final TypeEntry e = (TypeEntry)m.payload;
        final TypeEntry holder = l.lookup(e.id);
        if (null != holder)
        {
            m.reply = holder;
            finish(m, MsgFlags.STATE_FIN | MsgFlags.CALLBACK_FAIL);
        }
        else
        {
            l.store(e.id, e);
            if (!finish(m, MsgFlags.STATE_FIN))
            {
                l.store(e.id, null); // the registrant gave up waiting: it will report failure, so undo
            }
        }
        m.release();
    }

    private void handleUser(final LcoreMsg l, final MsgImpl m)
    {
        final TypeEntry e = l.lookup(m.type);
        if (null == e || e.closed)
        {
            dropQueued(m);
            return;
        }
        e.received++;
        m.orFlags(MsgFlags.STATE_RECV);
        if (0 != (m.lvFlags() & MsgImpl.TERMINAL))
        {
            // its synchronous sender timed out before we got to it: nobody will see the result, so do not apply
            e.lateReplies++;
            m.release();
            return;
        }
        final int rc = invoke(l, e, m);
        if (MsgMode.MULTICAST == m.mode)
        {
            replyToMaster(l, m, Edpvs.OK != rc);
            if (Edpvs.OK != rc)
            {
                e.callbackFailures++;
            }
            e.finished++;
        }
        else
        {
            if (Edpvs.OK != rc)
            {
                e.callbackFailures++;
            }
            if (finish(m, Edpvs.OK == rc ? MsgFlags.STATE_FIN : MsgFlags.STATE_FIN | MsgFlags.CALLBACK_FAIL))
            {
                e.finished++;
            }
            else
            {
                e.lateReplies++;
            }
        }
        m.release();
    }

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
            logCallbackFailure(e, th);
            return Edpvs.CALLBACKFAIL;
        }
        finally
        {
            view.msg = outer;
        }
    }

    private void replyToMaster(final LcoreMsg l, final MsgImpl m, final boolean failed)
    {
        final MsgImpl r = pool.acquire();
        r.kind = MsgImpl.KIND_MC_REPLY;
        r.type = m.type;
        r.seq = m.seq;
        r.mode = MsgMode.MULTICAST;
        r.cid = l.id;
        r.dest = master.id;
        r.reply = m.reply;
        r.initRefs(1);
        r.svFlags(MsgFlags.ASYNC | MsgFlags.STATE_SEND | (failed ? MsgFlags.CALLBACK_FAIL : 0));
        if (!offer(master, 0, r))
        {
            replyLost.incrementAndGet();
            LOG.warn("lcore {}: master's ring full, multicast reply lost (the multicast will time out): {}", l.id, m);
            r.release();
        }
    }

    private boolean finish(final MsgImpl m, final int bits)
    {
        if (!m.tryTerminate(bits))
        {
            return false;
        }
        final Thread w = m.waiter;
        if (null != w)
        {
            LockSupport.unpark(w);
        }
        return true;
    }

    /** A queued message that will not be handled: type gone, or the manager stopping. */
    private void dropQueued(final MsgImpl m)
    {
        if (MsgImpl.KIND_MC_START == m.kind)
        {
            m.result = Edpvs.MSG_DROP;
            terminateMulticast(m, MsgFlags.STATE_DROP, Edpvs.MSG_DROP, EMPTY_REPLIES);
            m.release();
            return;
        }
        final LcoreMsg l = lcore(m.dest);
        final TypeEntry e = null == l ? null : l.lookup(m.type);
        if (null != e)
        {
            e.dropped++;
        }
        finish(m, MsgFlags.STATE_DROP);
        m.release();
    }

    private void logCallbackFailure(final TypeEntry e, final Throwable th)
    {
        final long now = System.nanoTime();
        final long last = lastCallbackLogNs.get();
        if (now - last >= LOG_INTERVAL_NS && lastCallbackLogNs.compareAndSet(last, now))
        {
            LOG.warn("callback of {} threw (logged at most once a second)", e, th);
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
    List<platform.msgmgr.api.MsgTypeInfo> typeInfos()
    {
        final List<platform.msgmgr.api.MsgTypeInfo> out = new ArrayList<>();
        for (final TypeEntry e : entries())
        {
            out.add(new platform.msgmgr.api.MsgTypeInfo(e.id, e.spec.name(), e.lcore, e.mode, e.priority, e.owner,
                e.sent.get(), e.received, e.finished, e.dropped, e.timedOut.get(), e.callbackFailures,
                e.ringFull.get(), e.lateReplies));
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

    private static final platform.msgmgr.api.MulticastReplies EMPTY_REPLIES = new EmptyReplies();

    /**
     * The replies of a multicast that never started.
     */
    private static final class EmptyReplies implements platform.msgmgr.api.MulticastReplies
    {
        @Override
        public int type()
        {
            return 0;
        }

        @Override
        public int seq()
        {
            return 0;
        }

        @Override
        public Object payload()
        {
            return null;
        }

        @Override
        public int count()
        {
            return 0;
        }

        @Override
        public int lcore(final int i)
        {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        public Object reply(final int i)
        {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        public boolean failed(final int i)
        {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        public long askedMask()
        {
            return 0;
        }

        @Override
        public long missingMask()
        {
            return 0;
        }
    }

    /** The per-lcore drain callback. */
    private final class Drainer implements MessagePassingQueue.Consumer<MsgImpl>
    {
        private final LcoreMsg l;

        Drainer(final LcoreMsg l)
        {
            this.l = l;
        }

        @Override
        public void accept(final MsgImpl m)
        {
            handle(l, m);
        }
    }
}
