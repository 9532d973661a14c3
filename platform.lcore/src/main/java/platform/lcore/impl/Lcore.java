package platform.lcore.impl;

import java.lang.invoke.MethodHandles;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.invoke.VarHandle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.common.LogLimiter;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreState;

/**
 * One logical core: a thread named {@code lcore-<id>}, pinned to its CPU, that runs its role's jobs in a loop
 * driven by an idle strategy (DPVS's {@code dpvs_job_loop}).
 * <p>
 * Per iteration the loop does one volatile load of its role's {@link JobSet} and one volatile load of each job's
 * state; it takes no lock and allocates nothing. Statistics are plain fields written only by this thread.
 * <p>
 * <b>Grace periods.</b> {@code iteration} is odd while the lcore is inside an iteration and even between
 * iterations (idling, stopped, not started). It is set odd with a volatile store before the job array is read and
 * set even with a release store after the last job returned. A closer marks the job CLOSED (volatile store) and
 * then reads {@code iteration} (volatile load): by the total order of volatile accesses, either this lcore's next
 * odd store comes later, so its loads of the job state see CLOSED, or the closer sees an odd value and waits until
 * it changes, i.e. until the iteration that may still call the job has ended.
 */
final class Lcore extends LcorePad3 implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(Lcore.class);

    /** Loops per second and idle share are sampled over windows of this length. */
    static final long WINDOW_NS = 1_000_000_000L;
    /** Big loops are logged at most this often per lcore; the others are counted. */
    static final long BIG_LOOP_LOG_INTERVAL_NS = 60_000_000_000L;
    /** After a big loop whose jobs were not timed, every iteration is timed this long, so a repeat names its job. */
    private static final long TIME_ALL_AFTER_BIG_LOOP_NS = 1_000_000_000L;
    /**
     * The thread's CPU clock is read at most this often: it is a system call that takes the run queue's lock, 1.45 us
     * on this machine kind (against 27 ns for nanoTime), so about 0.15 % of a busy lcore.
     */
    static final long CPU_SAMPLE_INTERVAL_NS = 1_000_000L;

    private static final VarHandle ITERATION;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    static
    {
        try
        {
            ITERATION = MethodHandles.lookup().findVarHandle(LcoreIterationField.class, "iteration", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final Scheduler scheduler;
    final LcoreConfig config;
    final int id;
    final LcoreRole role;
    private final RoleJobs roleJobs;
    private final IdleStrategy idle;
    private final long bigLoopNs;
    private final int quarantineFailures;
    /** Jobs are timed in iterations whose loop count has these bits clear; -1 when they are never sampled. */
    private final long timingMask;
    private final boolean cpuClock;
    private final LogLimiter bigLoopLog = new LogLimiter(BIG_LOOP_LOG_INTERVAL_NS);
    /** Timing every iteration after an untimed big loop costs a clock read per job: at most once a minute. */
    private final LogLimiter timeAllGate = new LogLimiter(BIG_LOOP_LOG_INTERVAL_NS);
    private final LogLimiter offCpuLog = new LogLimiter(BIG_LOOP_LOG_INTERVAL_NS);

    volatile LcoreState state = LcoreState.NEW;
    volatile boolean running;
    volatile boolean pinned;
    volatile Thread thread;

    Lcore(final Scheduler scheduler, final LcoreConfig config, final RoleJobs roleJobs, final long bigLoopNs,
        final int quarantineFailures, final int jobTimingSample)
    {
        this.scheduler = scheduler;
        this.config = config;
        this.id = config.id();
        this.role = config.role();
        this.roleJobs = roleJobs;
        this.idle = IdleStrategy.parse(config.idle());
        this.bigLoopNs = bigLoopNs;
        this.quarantineFailures = quarantineFailures;
        this.timingMask = 0 == jobTimingSample ? -1 : jobTimingSample - 1L;
        this.cpuClock = THREADS.isCurrentThreadCpuTimeSupported();
    }

    long lvIteration()
    {
        return (long)ITERATION.getVolatile(this);
    }

    /**
     * Unparks this lcore if its idle strategy parked it.
     */
    void wake()
    {
        final Thread t = thread;
        if (null != t)
        {
            idle.wake(t);
        }
    }

    IdleStrategy idle()
    {
        return idle;
    }

    String idleDescription()
    {
        return idle.describe();
    }

    @Override
    public void run()
    {
        final CpuPinner.Pin pin = config.cpu() >= 0 ? scheduler.pinner.pinCurrentThread(config.cpu())
            : CpuPinner.UNPINNED;
        pinned = pin.pinned();
        LOG.info("lcore {} ({}) started on {}", id, role,
            pin.pinned() ? "CPU " + config.cpu() : "any CPU (unpinned)");
        try
        {
            loop();
        }
        finally
        {
            final long it = (long)ITERATION.getVolatile(this);
            ITERATION.setVolatile(this, 0 == (it & 1) ? it : it + 1);
            pinned = false;
            try
            {
                pin.release();
            }
            finally
            {
                state = LcoreState.STOPPED;
                LOG.info("lcore {} ({}) stopped after {} loops", id, role, loops);
            }
        }
    }

    private void loop()
    {
        final IdleStrategy idle = this.idle;
        windowStartNs = System.nanoTime();
        prevEndNs = windowStartNs;
        state = LcoreState.INIT;
        while (running)
        {
            idle.idle(iterate());
        }
        state = LcoreState.STOPPING;
    }

    /**
     * One loop iteration: pending INIT jobs if the job set changed, then every due LOOP and SLOW job, then the
     * statistics. Called by the lcore's own thread (benchmarks call it directly on theirs).
     * <p>
     * The clock is read twice per iteration; jobs are timed one by one only in sampled iterations (every
     * {@code job_timing_sample}-th), because a clock read costs more than a typical job call.
     *
     * @return the sum of the jobs' work counts, 0 when none did anything.
     */
    int iterate()
    {
        long iter = this.iter + 1;
        ITERATION.setVolatile(this, iter);
        final JobSet set = roleJobs.set;
        if (set != seen)
        {
            runInitJobs(set);
            if (null == seen)
            {
                state = LcoreState.RUNNING;
            }
            seen = set;
        }
        final long startNs = System.nanoTime();
        if (startNs - cpuSampleWallNs >= CPU_SAMPLE_INTERVAL_NS)
        {
            sampleCpu(startNs);
        }
        final long loop = loops;
        final JobEntry[] jobs = set.loopJobs;
        final boolean timed = (0 == (loop & timingMask)) || startNs - timeAllUntilNs < 0;
        final int work = timed ? runTimed(jobs, loop, startNs) : runUntimed(jobs, loop);
        currentEntry = null;
        final long endNs = System.nanoTime();
        final long iterNs = endNs - startNs;
        loops = loop + 1;
        if (iterNs > longestLoopNs)
        {
            longestLoopNs = iterNs;
        }
        if (iterNs > bigLoopNs)
        {
            onBigLoop(jobs, loop, startNs, endNs, timed);
        }
        ITERATION.setRelease(this, ++iter);
        this.iter = iter;

        idleNs += startNs - prevEndNs;
        if (0 == work)
        {
            idleNs += iterNs;
        }
        prevEndNs = endNs;
        if (resetRequests != resetsSeen)
        {
            resetsSeen = resetRequests;
            resetStats(set);
        }
        if (endNs - windowStartNs >= WINDOW_NS)
        {
            sampleWindow(endNs);
        }
        return work;
    }

    private int runUntimed(final JobEntry[] jobs, final long loop)
    {
        final int id = this.id;
        int work = 0;
        for (int i = 0; i < jobs.length; i++)
        {
            final JobEntry e = jobs[i];
            if (!due(e, loop))
            {
                continue;
            }
            final JobCounters c = e.counters[id];
            work += call(e, c, id);
            c.calls++;
        }
        return work;
    }

    private int runTimed(final JobEntry[] jobs, final long loop, final long startNs)
    {
        final int id = this.id;
        long t = startNs;
        int work = 0;
        for (int i = 0; i < jobs.length; i++)
        {
            final JobEntry e = jobs[i];
            if (!due(e, loop))
            {
                continue;
            }
            final JobCounters c = e.counters[id];
            work += call(e, c, id);
            final long now = System.nanoTime();
            final long d = now - t;
            t = now;
            c.calls++;
            c.timedCalls++;
            c.totalNs += d;
            c.lastNs = d;
            c.lastLoop = loop;
            if (d > c.maxNs)
            {
                c.maxNs = d;
            }
        }
        return work;
    }

    /** @return true when the job is active and, if SLOW, its turn has come in this loop. */
    private static boolean due(final JobEntry e, final long loop)
    {
        return JobEntry.ACTIVE == e.lvState() && (0 == e.skipLoops || 0 == loop % e.skipLoops);
    }

    /** One job call: what both loops do around it, apart from timing. */
    private int call(final JobEntry e, final JobCounters c, final int id)
    {
        currentEntry = e;
        try
        {
            final int work = e.job.doWork(id);
            if (0 != c.consecutiveFailures)
            {
                c.consecutiveFailures = 0;
            }
            return work;
        }
        catch (final Throwable th)
        {
            onJobFailure(e, c, th);
            return 0;
        }
    }

    /** Remembers the thread's CPU time at a wall time, so that a big loop can tell how long it was off the CPU. */
    private void sampleCpu(final long wallNs)
    {
        if (cpuClock)
        {
            cpuSampleCpuNs = THREADS.getCurrentThreadCpuTime();
        }
        cpuSampleWallNs = wallNs;
    }

    private void sampleWindow(final long nowNs)
    {
        final long windowNs = nowNs - windowStartNs;
        loopsPerSec = Math.max(0, loops - windowLoops) * 1_000_000_000L / windowNs;
        idlePercent = Math.min(100.0, 100.0 * idleNs / windowNs);
        windowStartNs = nowNs;
        windowLoops = loops;
        idleNs = 0;
    }

    private void runInitJobs(final JobSet set)
    {
        final JobEntry[] inits = set.initJobs;
        for (int i = 0; i < inits.length; i++)
        {
            final JobEntry e = inits[i];
            final JobCounters c = e.counters[id];
            if (null == c || c.initDone || JobEntry.ACTIVE != e.lvState())
            {
                continue;
            }
            c.initDone = true;
            currentEntry = e;
            final long start = System.nanoTime();
            try
            {
                e.job.doWork(id);
            }
            catch (final Throwable th)
            {
                onJobFailure(e, c, th);
            }
            final long d = System.nanoTime() - start;
            c.calls++;
            c.timedCalls++;
            c.totalNs += d;
            c.lastNs = d;
            if (d > c.maxNs)
            {
                c.maxNs = d;
            }
        }
        currentEntry = null;
    }

    private void onJobFailure(final JobEntry e, final JobCounters c, final Throwable th)
    {
        c.failures++;
        if (++c.consecutiveFailures >= quarantineFailures)
        {
            // The counter is this lcore's own: zero it so that a resumed job gets a full budget again.
            c.consecutiveFailures = 0;
            if (e.casState(JobEntry.ACTIVE, JobEntry.QUARANTINED))
            {
                LOG.error("lcore {}: {} quarantined after {} consecutive failures; last failure: {}"
                    + " (resume it with 'lcore:resume {} {}')", id, e, quarantineFailures, th.toString(), e.spec.role(),
                    e.spec.name(), th);
                return;
            }
        }
        scheduler.logJobFailure(this, e, th);
    }

    /**
     * An iteration over the role's threshold. It counts against the jobs only if its time on the CPU was over the
     * threshold too. The CPU clock was last read at an iteration start at most a millisecond before this one started
     * (or at this one's start, when the lcore had been parked); the CPU time since then, less the wall time from that
     * read to this iteration's start, is this iteration's CPU time, exactly when the lcore was on the CPU in between
     * (a busy lcore) and when the read was at this start (a parked one). The rest of its wall time it was off the CPU:
     * preempted by the host or the kernel, stopped at a safepoint, or blocked.
     */
    private void onBigLoop(final JobEntry[] jobs, final long loop, final long startNs, final long endNs,
        final boolean timed)
    {
        final long iterNs = endNs - startNs;
        long offCpuNs = 0;
        if (cpuClock)
        {
            final long cpuNs = THREADS.getCurrentThreadCpuTime();
            final long iterCpuNs = Math.max(0, (cpuNs - cpuSampleCpuNs) - (startNs - cpuSampleWallNs));
            offCpuNs = Math.max(0, iterNs - iterCpuNs);
            cpuSampleCpuNs = cpuNs;
            cpuSampleWallNs = endNs;
        }
        if (iterNs - offCpuNs <= bigLoopNs)
        {
            offCpuLoops++;
            if (offCpuLog.admit(endNs) >= 0)
            {
                LOG.info("lcore {} ({}): iteration of {} us, at least {} us of it off the CPU (preempted, paused at a"
                    + " safepoint or blocked), not counted as a big loop ({} such iterations; logged at most once a"
                    + " minute)", id, role, iterNs / 1000, offCpuNs / 1000, offCpuLoops);
            }
            return;
        }
        bigLoops++;
        if (!timed && timeAllGate.admit(endNs) >= 0)
        {
            timeAllUntilNs = endNs + TIME_ALL_AFTER_BIG_LOOP_NS;
        }
        if (bigLoopLog.admit(endNs) < 0)
        {
            return;
        }
        final StringBuilder sb = new StringBuilder();
        if (timed)
        {
            sb.append(" job times:");
            for (final JobEntry e : jobs)
            {
                final JobCounters c = e.counters[id];
                if (c.lastLoop == loop)
                {
                    sb.append(' ').append(e.spec.name()).append('=').append(c.lastNs / 1000).append("us");
                }
            }
        }
        else
        {
            sb.append(" its jobs were not timed (sampled iterations only); every iteration is timed for the next"
                + " second, so lcore:jobs shows a slow job's max");
        }
        LOG.warn("lcore {} ({}): big loop of {} us on the CPU > {} us (count {}; logged at most once a minute);{}", id,
            role, (iterNs - offCpuNs) / 1000, bigLoopNs / 1000, bigLoops, sb);
    }

    private void resetStats(final JobSet set)
    {
        loops = 0;
        longestLoopNs = 0;
        bigLoops = 0;
        offCpuLoops = 0;
        windowLoops = 0;
        resetJobCounters(set);
    }

    void resetJobCounters(final JobSet set)
    {
        for (final JobEntry e : set.loopJobs)
        {
            e.counters[id].reset();
        }
        for (final JobEntry e : set.initJobs)
        {
            e.counters[id].reset();
        }
    }

    /**
     * A thread that knows its lcore, so that "which lcore am I" is a type check, not a thread-local lookup.
     */
    static final class LcoreThread extends Thread
    {
        final Lcore lcore;

        LcoreThread(final Lcore lcore)
        {
            super(lcore, "lcore-" + lcore.id);
            this.lcore = lcore;
        }
    }
}

/**
 * 128 bytes that nothing writes: keeps the field groups around it on cache lines (and adjacent-line prefetch pairs)
 * of their own. Byte fields, as JCTools pads, so that no field of a subclass can be placed in a gap among them.
 */
abstract class LcorePad0
{
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;
}

/** The grace-period counter, polled by closers: alone on its line, so their reads do not bounce the lcore's writes. */
abstract class LcoreIterationField extends LcorePad0
{
    /** Odd while the lcore is inside an iteration, even between them (see {@link Lcore}). */
    volatile long iteration;
}

abstract class LcorePad1 extends LcoreIterationField
{
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;
}

/** Flags other threads read or write and the lcore only reads per iteration: a line the lcore never dirties. */
abstract class LcoreColdFlags extends LcorePad1
{
    /** True while a job on this lcore waits in {@code close()} for other lcores. */
    volatile boolean inGraceWait;
    /** Observers bump this to ask the lcore to zero its statistics at its next iteration boundary. */
    volatile int resetRequests;
}

abstract class LcorePad2 extends LcoreColdFlags
{
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;
}

/** What the lcore writes every iteration, written by it alone (plain stores), read racily by observers. */
abstract class LcoreHotFields extends LcorePad2
{
    /** The job being called; published to closers by the volatile store of {@link #inGraceWait}. */
    JobEntry currentEntry;
    long loops;
    long longestLoopNs;
    /** Iterations over the threshold on the CPU: the jobs' doing. */
    long bigLoops;
    /** Iterations over the threshold that were not on the CPU that long: preemption, safepoint, blocking. */
    long offCpuLoops;
    volatile long loopsPerSec;
    volatile double idlePercent;
    int resetsSeen;
    /** Until this time every iteration times its jobs (set by a big loop whose jobs were not timed). */
    long timeAllUntilNs = Long.MIN_VALUE / 2;
    long cpuSampleWallNs = Long.MIN_VALUE / 2;
    long cpuSampleCpuNs;

    // loop state, kept in fields so that one iteration is a method of its own
    long iter;
    JobSet seen;
    long windowStartNs;
    long windowLoops;
    long idleNs;
    long prevEndNs;
}

/**
 * After the hot fields, in a class of its own: the JVM lays a class's references out after its bytes, so padding
 * declared in {@link LcoreHotFields} itself left {@code currentEntry}, written per job call, next to the fields of
 * {@link Lcore} that a producer reads on every send to this lcore ({@code thread}, {@code idle}: the wake), and on
 * one line with them for 3 in 8 placements of the object, a miss per message that a later fence of this lcore
 * then waited for. Also keeps the idle strategy allocated next to this object off the hot line.
 */
abstract class LcorePad3 extends LcoreHotFields
{
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
}
