package bench.msgmgr;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import bench.baseline.PingPongProbe;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreJob;
import platform.lcore.api.LcoreRole;
import platform.lcore.impl.BenchLcores;
import platform.lcore.api.Edpvs;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgReply;
import platform.msgmgr.api.MsgTypeSpec;
import platform.msgmgr.api.MulticastResult;
import platform.msgmgr.impl.BenchMsg;

/**
 * Round trips started on the master lcore, as DPVS starts them (a sockopt handler or a master job): the shape of
 * {@code ../shared/anchors/dpdk.md}. The master lcore (CPU 0) and the worker lcore (CPU 1) are both pinned; the
 * worker busy-spins; the master backs off between batches, so that the benchmark thread, which only hands out
 * batches and parks, finds CPU 0 free.
 * <p>
 * Each JMH invocation asks a job on the master lcore for {@value #OPS} round trips and waits for them; the job
 * times every round trip with {@code nanoTime} into a histogram. JMH reports round trips per second; p50 / p99 /
 * p99.9 of the measurement iterations are printed at the end of the trial ("percentiles:" line).
 * <ul>
 * <li>{@code msgmgr-sync}: {@link MsgManager#sendSync} to the worker of a type whose callback sets a reply (the
 *     master keeps draining its own rings while it waits, as every sync send on an lcore does).</li>
 * <li>{@code msgmgr-multicast}: {@link MsgManager#multicastSync} to every worker (one here) with reply
 *     collection: the worker's callback, its reply back to the master's multicast queue, the multicast callback.</li>
 * <li>{@code jctools-pingpong} (the floor): the same object to a job on the worker over a raw
 *     {@code SpscArrayQueue} and back over another.</li>
 * <li>{@code lean-sync} (the baseline for {@code msgmgr-sync}): the same shape with nothing else, the least a
 *     message manager does: a message from a preallocated stack, a JCTools MPSC ring to the worker, whose job
 *     polls it, calls a handler through an interface, sets the reply and a volatile done flag; the master spins on
 *     the flag while it polls its own MPSC ring, then puts the message back. No type table, flags, sequence
 *     numbers, timeouts, statistics or wake-ups.</li>
 * <li>{@code lean-multicast} (the baseline for {@code msgmgr-multicast}): a copy from the stack to each worker's
 *     MPSC ring; the worker calls the handler and sends the same object back as its reply on the master's MPSC
 *     ring; the master collects replies by clearing bits of a mask, then calls a multicast handler.</li>
 * <li>{@code paired-self}: a synchronous send from the master to itself, against the lean path's send to a ring of
 *     the master's own: one CPU, no line crosses to another, so the ratio is the instruction cost of the path
 *     whatever the host does with the vCPUs (the waiting master drains its own ring and runs the handler).</li>
 * <li>{@code paired-sync} and {@code paired-multicast}: ours and its lean baseline in the same fork, alternating
 *     round trip by round trip (both worker jobs on the worker lcore), each timed into its own histogram, so that
 *     the ratio ours / lean is taken under one vCPU placement, whatever the host does between forks; the
 *     "percentiles:" lines name both and the ratio of their p50s.</li>
 * </ul>
 * {@code gap=random} (the default) idles a pseudo-random 0-15 spin-wait hints (0 to about 450 ns here, more than
 * one iteration of the worker lcore's loop) before each timed round trip, outside the timed span. Without it each
 * round trip starts a fixed time after the previous one ended, so its message reaches the worker at a fixed phase
 * of the worker's loop: just before the poll that takes it, or just after it (then it waits a whole iteration,
 * 130-150 ns here), and which one depends on the path's own instructions, so a path could win or lose a whole
 * iteration against its baseline by the alignment alone. With the gap every phase comes up, as for messages in a
 * running system. {@code gap=none} gives the fixed-phase figures of RESULTS.md up to its section 21.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MsgFromMasterBenchmark
{
    static final int OPS = 10_000;
    static final int TYPE = 220;
    static final int MC_TYPE = 221;
    static final int SELF_TYPE = 222;
    static final long TIMEOUT_US = 1_000_000;

    @Param({"msgmgr-sync", "lean-sync", "msgmgr-multicast", "lean-multicast", "jctools-pingpong", "paired-sync",
        "paired-multicast", "paired-self"})
    public String path;

    @Param({"random", "none"})
    public String gap;

    /**
     * {@code on} (a diagnosis, {@code paired-sync} and {@code paired-multicast}): both paths' worker handlers read the
     * clock, and the round trip is split at that read into "out" (send, ring, pick-up) and "back" (the rest of the
     * callback, the end, the sender seeing it, its recycle). The clocks of the two CPUs agree here (invariant TSC, kvm-clock); each half includes one
     * clock read.
     */
    @Param({"off"})
    public String split;

    /** The worker's clock in ours's handler ({@code split=on}): written before the reply, read after it. */
    long oursHandledNs;
    /**
     * The message behind the view ours's handler got at the 1000th round trip of the last batch (the master reuses
     * it: its pool stack is LIFO), for the layout line at the end of the fork.
     */
    volatile Object oursMsg;
    /** Where {@link #oursMsg} sat on its line when the handler took it (a GC may move it after). */
    volatile int oursMsgAt = -1;
    /** Where the lean path's sync message sat on its line at the same round trip. */
    volatile int leanMsgAt = -1;

    private BenchLcores lcores;
    private BenchMsg msg;
    private JobHandle echoJob;
    private JobHandle driverJob;
    private int warmups;
    private final List<Histogram> iterations = new ArrayList<>();
    private final List<Histogram> leanIterations = new ArrayList<>();
    /** split=on: per half (ours out, ours back, lean out, lean back), its histogram of each iteration. */
    private final List<List<Histogram>> halfIterations =
        List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());

    /** A lean message: what any message manager carries. */
    static final class LeanMsg
    {
        static final int SYNC = 0;
        static final int MULTICAST = 1;
        int kind;
        int cid;
        Object payload;
        Object reply;
        volatile boolean done;
    }

    /** A handler, called through an interface as a message manager calls its types' callbacks. */
    interface LeanHandler
    {
        void onMsg(LeanMsg m);
    }

    /** The lean path's rings, stack and worker side. */
    static final class Lean implements LcoreJob
    {
        final MpscArrayQueue<LeanMsg> toWorker = new MpscArrayQueue<>(4096);
        final MpscArrayQueue<LeanMsg> toMaster = new MpscArrayQueue<>(4096);
        /** The master's own ring, for the send to itself. */
        final MpscArrayQueue<LeanMsg> toSelf = new MpscArrayQueue<>(4096);
        final LeanMsg[] stack = new LeanMsg[64];
        final Object[] replies = new Object[64];
        final LeanHandler handler = m -> m.reply = m.payload;
        /** split=on: the worker reads the clock before the handler; written before {@code done}, read after it. */
        boolean split;
        long handledNs;
        /**
         * What the master writes per round trip, on a cache line of its own: the worker reads this object's ring
         * fields on every poll, and the master's stack top among them made that line travel between the CPUs on
         * each round trip (the lean path measured up to 15x slower sending to itself).
         */
        final MasterCursor cursor = new MasterCursor();

        Lean()
        {
            for (int i = 0; i < stack.length; i++)
            {
                stack[i] = new LeanMsg();
            }
            cursor.top = stack.length;
        }

        /** On the worker lcore. */
        @Override
        public int doWork(final int lcoreId)
        {
            final LeanMsg m = toWorker.relaxedPoll();
            if (null == m)
            {
                return 0;
            }
            if (split)
            {
                handledNs = System.nanoTime();
            }
            handler.onMsg(m);
            if (LeanMsg.SYNC == m.kind)
            {
                m.done = true;
            }
            else
            {
                m.cid = lcoreId;
                toMaster.offer(m);
            }
            return 1;
        }

        /**
         * Puts a message whose fields sit on one cache line on top of the stack (the sync path reuses the top one):
         * a lean message's fields (offsets 12-28) straddle two lines at addresses 40 and 48 modulo 64, and then a
         * round trip moves two lines, which flattered ours / lean. Between iterations, on the driver's thread while
         * the master is idle (a GC may have moved the messages).
         */
        void oneLineMessageOnTop()
        {
            for (int i = stack.length - 1; i >= 0; i--)
            {
                final int at = ObjectLayout.offsetInLine(stack[i]);
                if (40 != at && 48 != at)
                {
                    final LeanMsg top = stack[stack.length - 1];
                    stack[stack.length - 1] = stack[i];
                    stack[i] = top;
                    return;
                }
            }
        }

        /** A message from the stack, set up for a synchronous send. */
        private LeanMsg takeSync(final MasterCursor c, final Object payload)
        {
            final LeanMsg m = stack[--c.top];
            m.kind = LeanMsg.SYNC;
            m.payload = payload;
            m.reply = null;
            m.done = false;
            return m;
        }

        /** On the master lcore. */
        void sync(final Object payload)
        {
            final MasterCursor c = cursor;
            final LeanMsg m = takeSync(c, payload);
            toWorker.offer(m);
            while (!m.done)
            {
                if (null == toMaster.relaxedPoll())
                {
                    Thread.onSpinWait();
                }
            }
            stack[c.top++] = m;
        }

        /** On the master lcore, to itself: it drains its own ring while it waits, as a message manager does. */
        void self(final Object payload)
        {
            final MasterCursor c = cursor;
            final LeanMsg m = takeSync(c, payload);
            toSelf.offer(m);
            while (!m.done)
            {
                final LeanMsg r = toSelf.relaxedPoll();
                if (null == r)
                {
                    Thread.onSpinWait();
                    continue;
                }
                handler.onMsg(r);
                r.done = true;
            }
            stack[c.top++] = m;
        }

        /** On the master lcore: one worker here, lcore 1. */
        void multicast(final Object payload)
        {
            long mask = 1L << 1;
            final MasterCursor c = cursor;
            final LeanMsg copy = stack[--c.top];
            copy.kind = LeanMsg.MULTICAST;
            copy.payload = payload;
            copy.reply = null;
            toWorker.offer(copy);
            c.replyCount = 0;
            while (0 != mask)
            {
                final LeanMsg r = toMaster.relaxedPoll();
                if (null == r)
                {
                    Thread.onSpinWait();
                    continue;
                }
                replies[c.replyCount++] = r.reply;
                mask &= ~(1L << r.cid);
                stack[c.top++] = r;
            }
            handler.onMsg(copy); // the multicast callback, over the collected replies
        }
    }

    /** Bytes before the master's cursor (JCTools' padding). */
    abstract static class CursorPadBefore
    {
        long p00, p01, p02, p03, p04, p05, p06, p07;
        long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
    }

    /** The lean master's stack top and reply count. */
    abstract static class CursorValue extends CursorPadBefore
    {
        int top;
        int replyCount;
    }

    /** Bytes after it. */
    static final class MasterCursor extends CursorValue
    {
        long p10, p11, p12, p13, p14, p15, p16, p17;
        long p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
    }

    /** Runs the batches on the master lcore. */
    static final class Driver implements LcoreJob
    {
        final String path;
        final MsgManager mm;
        final SpscArrayQueue<Object> request = new SpscArrayQueue<>(1024);
        final SpscArrayQueue<Object> response = new SpscArrayQueue<>(1024);
        final MsgReply reply = new MsgReply();
        final MulticastResult mcResult = new MulticastResult();
        final Object payload = new Object();
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        /** The lean half of a paired path. */
        final Histogram leanHistogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final Lean lean = new Lean();
        volatile long requested;
        volatile long done;
        volatile Thread waiter;
        volatile String failure;
        /** split=on: out and back of ours, then of lean. */
        final Histogram[] halves = new Histogram[4];
        MsgFromMasterBenchmark bench;
        /** Idle before each timed round trip (see the class comment). */
        final boolean jitter;
        private int rnd = 0x9e3779b9;

        Driver(final String path, final MsgManager mm, final boolean jitter)
        {
            this.path = path;
            this.mm = mm;
            this.jitter = jitter;
            for (int i = 0; i < halves.length; i++)
            {
                halves[i] = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            }
        }

        /** Idles 0-15 spin-wait hints, pseudo-random (xorshift): the next send meets the worker's loop at any phase. */
        private void gap()
        {
            if (!jitter)
            {
                return;
            }
            int x = rnd;
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            rnd = x;
            for (int n = x & 15; n > 0; n--)
            {
                Thread.onSpinWait();
            }
        }

        @Override
        public int doWork(final int lcoreId)
        {
            if (requested == done)
            {
                return 0;
            }
            if (path.startsWith("paired-"))
            {
                pairedBatch();
            }
            else
            {
                for (int i = 0; i < OPS; i++)
                {
                    gap();
                    final long t0 = System.nanoTime();
                    roundTrip();
                    histogram.recordValue(System.nanoTime() - t0);
                }
            }
            done = done + 1;
            LockSupport.unpark(waiter);
            return 1;
        }

        /** Ours then lean, round trip by round trip (half the batch each). */
        private void pairedBatch()
        {
            final boolean sync = "paired-sync".equals(path);
            final boolean self = "paired-self".equals(path);
            for (int i = 0; i < OPS / 2; i++)
            {
                if (1000 == i)
                {
                    // the handler takes the message it gets next: one in use for a while (not the first of the
                    // batch, which a GC between iterations may have moved, and the pool then replaced)
                    bench.oursMsg = null;
                    bench.leanMsgAt = ObjectLayout.offsetInLine(lean.stack[lean.stack.length - 1]);
                }
                gap();
                final long t0 = System.nanoTime();
                if (self)
                {
                    if (Edpvs.OK != mm.sendSync(SELF_TYPE, 0, payload, TIMEOUT_US, reply))
                    {
                        failure = "self send failed: " + reply;
                    }
                }
                else if (sync)
                {
                    if (Edpvs.OK != mm.sendSync(TYPE, 1, payload, TIMEOUT_US, reply))
                    {
                        failure = "sync send failed: " + reply;
                    }
                }
                else if (Edpvs.OK != mm.multicastSync(MC_TYPE, payload, TIMEOUT_US, mcResult))
                {
                    failure = "multicast failed: " + mcResult;
                }
                final long t1 = System.nanoTime();
                gap();
                final long t1Lean = System.nanoTime();
                if (self)
                {
                    lean.self(payload);
                }
                else if (sync)
                {
                    lean.sync(payload);
                }
                else
                {
                    lean.multicast(payload);
                }
                final long t2 = System.nanoTime();
                histogram.recordValue(t1 - t0);
                leanHistogram.recordValue(t2 - t1Lean);
                if (lean.split)
                {
                    final long h = bench.oursHandledNs;
                    halves[0].recordValue(Math.max(0, h - t0));
                    halves[1].recordValue(Math.max(0, t1 - h));
                    halves[2].recordValue(Math.max(0, lean.handledNs - t1Lean));
                    halves[3].recordValue(Math.max(0, t2 - lean.handledNs));
                }
            }
        }

        private void roundTrip()
        {
            switch (path)
            {
                case "msgmgr-sync":
                    if (Edpvs.OK != mm.sendSync(TYPE, 1, payload, TIMEOUT_US, reply))
                    {
                        failure = "sync send failed: " + reply;
                    }
                    return;
                case "msgmgr-multicast":
                    if (Edpvs.OK != mm.multicastSync(MC_TYPE, payload, TIMEOUT_US, mcResult))
                    {
                        failure = "multicast failed: " + mcResult;
                    }
                    return;
                case "lean-sync":
                    lean.sync(payload);
                    return;
                case "lean-multicast":
                    lean.multicast(payload);
                    return;
                default:
                    request.offer(payload);
                    while (null == response.relaxedPoll())
                    {
                        Thread.onSpinWait();
                    }
            }
        }
    }

    private Driver driver;

    @Setup(Level.Trial)
    public void setUp(final BenchmarkParams params)
    {
        warmups = params.getWarmup().getCount();
        System.out.println("# fork probe before: " + PingPongProbe.quickProbe());
        lcores = BenchLcores.start("backoff", true, "busy-spin", true);
        System.out.println(lcores.describe());
        MsgManager mm = null;
        if (path.startsWith("lean-"))
        {
            driver = new Driver(path, null, "random".equals(gap));
            echoJob = lcores.service().register(JobSpec.loop("lean_worker", LcoreRole.FWD_WORKER, driver.lean));
        }
        else if ("jctools-pingpong".equals(path))
        {
            driver = new Driver(path, null, "random".equals(gap));
            final Driver d = driver;
            echoJob = lcores.service().register(JobSpec.loop("echo", LcoreRole.FWD_WORKER, id ->
            {
                final Object o = d.request.relaxedPoll();
                if (null == o)
                {
                    return 0;
                }
                d.response.offer(o);
                return 1;
            }));
        }
        else
        {
            msg = new BenchMsg(lcores.service());
            mm = msg.service();
            final boolean splitOn = "on".equals(split);
            mm.register(MsgTypeSpec.unicast(TYPE, "echo", MsgPriority.HIGH, m ->
            {
                if (splitOn)
                {
                    oursHandledNs = System.nanoTime();
                }
                if (null == oursMsg)
                {
                    final Object taken = ObjectLayout.field(m, "msg");
                    oursMsgAt = ObjectLayout.offsetInLine(taken);
                    oursMsg = taken;
                }
                m.reply(m.payload());
                return Edpvs.OK;
            }), 1);
            mm.register(MsgTypeSpec.unicast(SELF_TYPE, "self_echo", MsgPriority.HIGH, m ->
            {
                m.reply(m.payload());
                return Edpvs.OK;
            }), 0);
            mm.registerMulticast(MsgTypeSpec.multicast(MC_TYPE, "mc_echo", MsgPriority.HIGH, m ->
            {
                if (splitOn)
                {
                    oursHandledNs = System.nanoTime(); // the worker's callback (the master's runs after the reply)
                }
                if (null == oursMsg)
                {
                    // the worker's copy: the message that travels (the original stays on the master)
                    final Object taken = ObjectLayout.field(m, "msg");
                    oursMsgAt = ObjectLayout.offsetInLine(taken);
                    oursMsg = taken;
                }
                m.reply(m.payload());
                return Edpvs.OK;
            }, null));
            driver = new Driver(path, mm, "random".equals(gap));
            driver.bench = this;
            driver.lean.split = splitOn && ("paired-sync".equals(path) || "paired-multicast".equals(path));
            if (path.startsWith("paired-"))
            {
                echoJob = lcores.service().register(JobSpec.loop("lean_worker", LcoreRole.FWD_WORKER, driver.lean));
            }
        }
        driverJob = lcores.service().register(JobSpec.loop("driver", LcoreRole.MASTER, driver));
    }

    @Setup(Level.Iteration)
    public void resetHistogram()
    {
        driver.waiter = Thread.currentThread();
        driver.lean.oneLineMessageOnTop();
        // between batches the driver job is idle, so the histogram is not being written
        driver.histogram.reset();
        driver.leanHistogram.reset();
        for (final Histogram h : driver.halves)
        {
            h.reset();
        }
    }

    @TearDown(Level.Iteration)
    public void keepHistogram()
    {
        iterations.add(driver.histogram.copy());
        leanIterations.add(driver.leanHistogram.copy());
        for (int i = 0; i < driver.halves.length; i++)
        {
            halfIterations.get(i).add(driver.halves[i].copy());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        final Histogram all = measured(iterations);
        if (path.startsWith("paired-"))
        {
            final Histogram lean = measured(leanIterations);
            printPercentiles(path + " ours", all);
            printPercentiles(path + " lean", lean);
            System.out.printf("percentiles: %s ours / lean p50 %.2f, p99 %.2f (same fork, alternating)%n", path,
                (double)all.getValueAtPercentile(50) / lean.getValueAtPercentile(50),
                (double)all.getValueAtPercentile(99) / lean.getValueAtPercentile(99));
            // where the two messages sit on their cache lines: a message's fields may straddle two lines, or share
            // one with a neighbour, depending on the address it got in this fork (a diagnosis of fork-to-fork spread)
            System.out.printf("# layout: ours msg at address mod 64 = %d, lean msg at address mod 64 = %d (at the "
                + "1000th round trip of the last batch)%n", oursMsgAt, leanMsgAt);
            if (driver.lean.split)
            {
                final long[] p50 = new long[4];
                for (int k = 0; k < p50.length; k++)
                {
                    p50[k] = measured(halfIterations.get(k)).getValueAtPercentile(50);
                }
                System.out.printf("percentiles: %s split p50: ours out %d ns, back %d ns; lean out %d ns, back %d ns%n",
                    path, p50[0], p50[1], p50[2], p50[3]);
            }
        }
        else
        {
            printPercentiles(path, all);
        }
        driverJob.close();
        if (null != echoJob)
        {
            echoJob.close();
        }
        if (null != msg)
        {
            msg.close();
        }
        lcores.close();
        System.out.println("# fork probe after: " + PingPongProbe.quickProbe());
    }

    private Histogram measured(final List<Histogram> perIteration)
    {
        final Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (int i = warmups; i < perIteration.size(); i++)
        {
            all.add(perIteration.get(i));
        }
        return all;
    }

    private static void printPercentiles(final String what, final Histogram h)
    {
        System.out.printf("percentiles: %s round trips %d: p50 %d ns, p90 %d ns, p99 %d ns, p99.9 %d ns, "
                + "p99.99 %d ns, max %d ns%n", what, h.getTotalCount(), h.getValueAtPercentile(50),
            h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
            h.getValueAtPercentile(99.99), h.getMaxValue());
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long batch()
    {
        final Driver d = driver;
        final long target = d.requested + 1;
        d.requested = target;
        lcores.service().wake(0);
        while (d.done != target)
        {
            // no timed wake-ups: they would take CPU 0 from the master lcore in the middle of a batch
            LockSupport.park(this);
        }
        if (null != d.failure)
        {
            throw new IllegalStateException(d.failure);
        }
        return target;
    }
}
