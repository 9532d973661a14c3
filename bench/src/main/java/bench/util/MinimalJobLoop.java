package bench.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import platform.lcore.api.LcoreJob;
import platform.lcore.impl.IdleStrategy;
import platform.lcore.impl.SchedulerFixture;

/**
 * The baseline for register and close latency: the least a correct lcore loop with run-time registration must do,
 * on a plain thread with the scheduler's own idle strategy ({@link IdleStrategy#parse(String)}).
 * <p>
 * Per iteration: a volatile store making {@code iteration} odd, one volatile load of the job array, the calls, a
 * release store making it even, then {@code idle.idle(work)}. Register publishes a copied array (volatile store)
 * and unparks the thread; close publishes the array without the job and waits for the grace period: if
 * {@code iteration} was odd it waits until it changes, with the scheduler's spin / yield / 20 us park policy. No
 * per-job state, statistics, timing, names, owners or logging: what remains is the wake-up and the publication
 * that any design pays. The job array and the iteration counter each have cache lines of their own (inheritance
 * padding, as in JCTools), so that neither the closer's polling nor its store slows the loop more than it must.
 * <p>
 * Thread contract: register and close from one thread at a time (they take a lock); the loop is its own thread.
 */
public final class MinimalJobLoop extends MinimalJobLoopPad2 implements AutoCloseable
{
    private static final long STOP_TIMEOUT_MS = 5_000;
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int GRACE_SPINS = 100;
    private static final int GRACE_YIELDS = 10;
    private static final long GRACE_PARK_NS = 20_000;
    private static final VarHandle ITERATION;

    static
    {
        try
        {
            ITERATION = MethodHandles.lookup().findVarHandle(MinimalJobLoopIterationField.class, "iteration",
                long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final int lcoreId;
    private final int cpu;
    private final IdleStrategy idle;
    private final Object lock = new Object();
    private final Thread thread;

    private volatile boolean running = true;
    private volatile boolean started;
    private volatile boolean pinned;
    /**
     * Starts the loop thread and waits until it is looping.
     *
     * @param lcoreId passed to the jobs.
     * @param cpu     CPU to pin the thread to, -1 for unpinned.
     * @param idle    idle strategy as configured for an lcore (e.g. {@code backoff}).
     */
    public MinimalJobLoop(final int lcoreId, final int cpu, final String idle)
    {
        this.lcoreId = lcoreId;
        this.cpu = cpu;
        this.idle = IdleStrategy.parse(idle);
        this.thread = new Thread(this::run, "minimal-loop-" + lcoreId);
        thread.setDaemon(true);
        thread.start();
        final long deadline = System.nanoTime() + START_TIMEOUT_NS;
        while (!started)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("minimal loop thread not running after 10 s");
            }
            Thread.onSpinWait();
        }
    }

    private void run()
    {
        final SchedulerFixture.CpuPin pin = cpu >= 0 ? SchedulerFixture.pinCurrentThread(cpu) : null;
        pinned = null != pin && pin.pinned();
        started = true;
        try
        {
            final IdleStrategy idle = this.idle;
            final int lcoreId = this.lcoreId;
            long iter = 0;
            while (running)
            {
                ITERATION.setVolatile(this, ++iter);
                final LcoreJob[] js = jobs;
                int work = 0;
                for (int i = 0; i < js.length; i++)
                {
                    work += js[i].doWork(lcoreId);
                }
                ITERATION.setRelease(this, ++iter);
                idle.idle(work);
            }
        }
        finally
        {
            if (null != pin)
            {
                pin.close();
            }
        }
    }

    /**
     * @return true when the loop thread is bound to its CPU.
     */
    public boolean pinned()
    {
        return pinned;
    }

    /**
     * Adds a job; it runs from the loop's next iteration.
     *
     * @param job the job.
     * @return the handle whose {@code close()} removes it and waits for the grace period.
     */
    public AutoCloseable register(final LcoreJob job)
    {
        synchronized (lock)
        {
            final LcoreJob[] before = jobs;
            final LcoreJob[] after = Arrays.copyOf(before, before.length + 1);
            after[before.length] = job;
            jobs = after;
        }
        LockSupport.unpark(thread);
        return () -> unregister(job);
    }

    private void unregister(final LcoreJob job)
    {
        synchronized (lock)
        {
            final LcoreJob[] before = jobs;
            final LcoreJob[] after = new LcoreJob[before.length];
            int n = 0;
            for (final LcoreJob j : before)
            {
                if (j != job)
                {
                    after[n++] = j;
                }
            }
            if (n == before.length)
            {
                return;
            }
            jobs = Arrays.copyOf(after, n);
        }
        awaitGracePeriod();
    }

    private void awaitGracePeriod()
    {
        final long snapshot = (long)ITERATION.getVolatile(this);
        if (0 == (snapshot & 1))
        {
            return;
        }
        int spins = 0;
        while ((long)ITERATION.getVolatile(this) == snapshot)
        {
            if (spins < GRACE_SPINS)
            {
                spins++;
                Thread.onSpinWait();
            }
            else if (spins < GRACE_SPINS + GRACE_YIELDS)
            {
                spins++;
                Thread.yield();
            }
            else
            {
                LockSupport.parkNanos(GRACE_PARK_NS);
            }
        }
    }

    /**
     * Stops the loop thread and joins it.
     *
     * @throws IllegalStateException when it does not end within 5 s.
     */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(STOP_TIMEOUT_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            throw new IllegalStateException(thread.getName() + " did not stop");
        }
    }
}

/** Keeps the job array off the object header's line and the fields before it. */
abstract class MinimalJobLoopPad0
{
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The published job array: written by register and close, read by the loop once per iteration. */
abstract class MinimalJobLoopJobsField extends MinimalJobLoopPad0
{
    static final LcoreJob[] NONE = new LcoreJob[0];

    volatile LcoreJob[] jobs = NONE;
}

/** Separates the job array from the iteration counter. */
abstract class MinimalJobLoopPad1 extends MinimalJobLoopJobsField
{
    @SuppressWarnings("unused")
    private long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** Odd inside an iteration, even between: written by the loop twice per iteration, read by closers. */
abstract class MinimalJobLoopIterationField extends MinimalJobLoopPad1
{
    @SuppressWarnings("unused")
    volatile long iteration;
}

/** Keeps the iteration counter off the line of the fields that follow (and of objects allocated after this one). */
abstract class MinimalJobLoopPad2 extends MinimalJobLoopIterationField
{
    @SuppressWarnings("unused")
    private long p20, p21, p22, p23, p24, p25, p26, p27;
}
