package platform.lcore.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
final class Lcore implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(Lcore.class);

    /** Loops per second and idle share are sampled over windows of this length. */
    static final long WINDOW_NS = 1_000_000_000L;
    private static final long BIG_LOOP_LOG_INTERVAL_NS = 1_000_000_000L;

    private static final VarHandle ITERATION;

    static
    {
        try
        {
            ITERATION = MethodHandles.lookup().findVarHandle(Lcore.class, "iteration", long.class);
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

    volatile LcoreState state = LcoreState.NEW;
    volatile boolean running;
    volatile boolean pinned;
    volatile Thread thread;

    @SuppressWarnings("unused")
    private volatile long iteration;

    /** The job being called; published to closers by the volatile store of {@link #inGraceWait}. */
    JobEntry currentEntry;
    /** True while a job on this lcore waits in {@code close()} for other lcores. */
    volatile boolean inGraceWait;

    /** Observers bump this to ask the lcore to zero its statistics at its next iteration boundary. */
    volatile int resetRequests;
    private int resetsSeen;

    // statistics, written by this lcore only
    long loops;
    long longestLoopNs;
    long bigLoops;
    volatile long loopsPerSec;
    volatile double idlePercent;
    private long lastBigLoopLogNs = Long.MIN_VALUE / 2;

    // loop state, kept in fields so that one iteration is a method of its own
    private long iter;
    private JobSet seen;
    private long windowStartNs;
    private long windowLoops;
    private long idleNs;
    private long prevEndNs;

    Lcore(final Scheduler scheduler, final LcoreConfig config, final RoleJobs roleJobs, final long bigLoopNs,
        final int quarantineFailures)
    {
        this.scheduler = scheduler;
        this.config = config;
        this.id = config.id();
        this.role = config.role();
        this.roleJobs = roleJobs;
        this.idle = IdleStrategy.parse(config.idle());
        this.bigLoopNs = bigLoopNs;
        this.quarantineFailures = quarantineFailures;
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
     *
     * @return the sum of the jobs' work counts, 0 when none did anything.
     */
    int iterate()
    {
        final int id = this.id;
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
        long t = startNs;
        int work = 0;
        final long loop = loops;
        final JobEntry[] jobs = set.loopJobs;
        for (int i = 0; i < jobs.length; i++)
        {
            final JobEntry e = jobs[i];
            if (JobEntry.ACTIVE != e.lvState() || (0 != e.skipLoops && 0 != loop % e.skipLoops))
            {
                continue;
            }
            final JobCounters c = e.counters[id];
            currentEntry = e;
            try
            {
                work += e.job.doWork(id);
                if (0 != c.consecutiveFailures)
                {
                    c.consecutiveFailures = 0;
                }
            }
            catch (final Throwable th)
            {
                onJobFailure(e, c, th);
            }
            final long now = System.nanoTime();
            final long d = now - t;
            t = now;
            c.calls++;
            c.totalNs += d;
            c.lastNs = d;
            c.lastLoop = loop;
            if (d > c.maxNs)
            {
                c.maxNs = d;
            }
        }
        currentEntry = null;
        final long iterNs = t - startNs;
        loops = loop + 1;
        if (iterNs > longestLoopNs)
        {
            longestLoopNs = iterNs;
        }
        if (iterNs > bigLoopNs)
        {
            onBigLoop(jobs, loop, iterNs, t);
        }
        ITERATION.setRelease(this, ++iter);
        this.iter = iter;

        idleNs += startNs - prevEndNs;
        if (0 == work)
        {
            idleNs += iterNs;
        }
        prevEndNs = t;
        if (resetRequests != resetsSeen)
        {
            resetsSeen = resetRequests;
            resetStats(set);
        }
        if (t - windowStartNs >= WINDOW_NS)
        {
            sampleWindow(t);
        }
        return work;
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

    private void onBigLoop(final JobEntry[] jobs, final long loop, final long iterNs, final long nowNs)
    {
        bigLoops++;
        if (nowNs - lastBigLoopLogNs < BIG_LOOP_LOG_INTERVAL_NS)
        {
            return;
        }
        lastBigLoopLogNs = nowNs;
        final StringBuilder sb = new StringBuilder();
        for (final JobEntry e : jobs)
        {
            final JobCounters c = e.counters[id];
            if (c.lastLoop == loop)
            {
                sb.append(' ').append(e.spec.name()).append('=').append(c.lastNs / 1000).append("us");
            }
        }
        LOG.warn("lcore {} ({}): big loop of {} us > {} us (count {}); job times:{}", id, role, iterNs / 1000,
            bigLoopNs / 1000, bigLoops, sb);
    }

    private void resetStats(final JobSet set)
    {
        loops = 0;
        longestLoopNs = 0;
        bigLoops = 0;
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
