package platform.lcore.impl;

import java.util.concurrent.TimeUnit;

import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreState;

/**
 * Opens the package-private {@link Scheduler} to the benchmarks. The bench module runs on a plain classpath, so this
 * class joins {@code platform.lcore.impl} as a split package on purpose; it does not exist in the bundle.
 * <p>
 * Thread contract: build, start and close from one thread; {@link LoopDriver#iterate()} only on one thread and only
 * on an lcore that was never started (it is the lcore's own loop body).
 */
public final class SchedulerFixture implements AutoCloseable
{
    /** The owner recorded for every job a benchmark registers. */
    public static final String OWNER = "bench";

    private static final long STOP_TIMEOUT_MS = 5_000;
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final CpuPinner NO_PINNING = cpu -> CpuPinner.UNPINNED;

    private final Scheduler scheduler;
    private boolean started;

    private SchedulerFixture(final Scheduler scheduler)
    {
        this.scheduler = scheduler;
    }

    /**
     * @return lcore 0 MASTER, unpinned, backoff, not started: the caller drives it with {@link LoopDriver#iterate()}.
     */
    public static SchedulerFixture unstartedMaster()
    {
        final SchedulerConfig config = SchedulerConfig.of(cpus(),
            new LcoreConfig(0, LcoreRole.MASTER, -1, "backoff", 0));
        return new SchedulerFixture(new Scheduler(config, NO_PINNING));
    }

    /**
     * @param pin        pin lcore 0 to CPU 0 and lcore 1 to CPU 1 with {@link AffinityPinner}; else both unpinned.
     * @param workerIdle idle strategy of lcore 1, e.g. {@code backoff} or {@code busy-spin}; lcore 0 uses backoff.
     * @return lcore 0 MASTER and lcore 1 FWD_WORKER, not yet started.
     */
    public static SchedulerFixture masterAndWorker(final boolean pin, final String workerIdle)
    {
        final SchedulerConfig config = SchedulerConfig.of(cpus(),
            new LcoreConfig(0, LcoreRole.MASTER, pin ? 0 : -1, "backoff", 0),
            new LcoreConfig(1, LcoreRole.FWD_WORKER, pin ? 1 : -1, workerIdle, 0));
        return new SchedulerFixture(new Scheduler(config, pin ? new AffinityPinner() : NO_PINNING));
    }

    /**
     * Starts the lcore threads and waits until each has pinned itself (or given up) and entered its loop.
     *
     * @return this.
     * @throws IllegalStateException when an lcore is not running within 10 s.
     */
    public SchedulerFixture start()
    {
        scheduler.start();
        started = true;
        final long deadline = System.nanoTime() + START_TIMEOUT_NS;
        for (final int id : lcoreIds())
        {
            final Lcore l = scheduler.lcore(id);
            while (LcoreState.RUNNING != l.state)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException("lcore " + id + " not running after 10 s: " + l.state);
                }
                Thread.onSpinWait();
            }
        }
        return this;
    }

    /**
     * @param spec the job.
     * @return its handle, as {@code LcoreScheduler.register} would return it.
     */
    public JobHandle register(final JobSpec spec)
    {
        return scheduler.register(spec, OWNER);
    }

    /**
     * @param lcoreId an lcore of an unstarted scheduler.
     * @return the lcore's loop body, to be called on the benchmark thread.
     */
    public LoopDriver driver(final int lcoreId)
    {
        if (started)
        {
            throw new IllegalStateException("lcore " + lcoreId + " runs on its own thread; iterate() is not for it");
        }
        return new LoopDriver(scheduler.lcore(lcoreId));
    }

    /**
     * @return the scheduler as the service a bundle gets (for code that takes an {@code LcoreScheduler}).
     */
    public platform.lcore.api.LcoreScheduler service()
    {
        return new BundleLcoreScheduler(scheduler, OWNER);
    }

    /**
     * @return one line per lcore: id, role, configured CPU, whether pinned, idle strategy.
     */
    public String describe()
    {
        final StringBuilder sb = new StringBuilder();
        for (final int id : lcoreIds())
        {
            final Lcore l = scheduler.lcore(id);
            sb.append("lcore ").append(id).append(' ').append(l.role).append(" cpu ")
                .append(l.config.cpu() < 0 ? "none" : Integer.toString(l.config.cpu()))
                .append(l.pinned ? " pinned" : " unpinned").append(" idle ").append(l.idleDescription())
                .append(" state ").append(l.state).append('\n');
        }
        return sb.toString();
    }

    /**
     * Stops the lcores if they were started.
     *
     * @throws IllegalStateException when an lcore thread did not end.
     */
    @Override
    public void close()
    {
        if (started && !scheduler.stop(STOP_TIMEOUT_MS))
        {
            throw new IllegalStateException("lcores did not stop:\n" + describe());
        }
    }

    /**
     * Pins the calling thread the way an lcore pins itself, for baselines that must run where an lcore would.
     *
     * @param cpu a CPU id.
     * @return the pin; {@link CpuPin#pinned()} is false when pinning was impossible (the pinner logs why).
     */
    public static CpuPin pinCurrentThread(final int cpu)
    {
        return new CpuPin(new AffinityPinner().pinCurrentThread(cpu));
    }

    private int[] lcoreIds()
    {
        final int[] ids = new int[scheduler.config.lcores.size()];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = scheduler.config.lcores.get(i).id();
        }
        return ids;
    }

    private static int cpus()
    {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * One lcore's loop body, callable from the benchmark thread.
     */
    public static final class LoopDriver
    {
        private final Lcore lcore;

        LoopDriver(final Lcore lcore)
        {
            this.lcore = lcore;
        }

        /**
         * @return what {@code Lcore.iterate()} returns: the iteration's work count.
         */
        public int iterate()
        {
            return lcore.iterate();
        }

        /**
         * @return iterations done so far (the lcore's {@code loops} statistic).
         */
        public long loops()
        {
            return lcore.loops;
        }

        /**
         * What {@code Scheduler.awaitGracePeriod} reads per spin while it waits for this lcore, in its order and
         * with its short-circuit: the iteration counter (volatile), {@code inGraceWait} (volatile), and only when
         * that is true {@code currentEntry} (plain). For benchmarks of the lcore while a closer polls it; safe
         * from any thread.
         *
         * @return a value depending on the reads.
         */
        public long graceWaitReads()
        {
            final long it = lcore.lvIteration();
            return lcore.inGraceWait && null != lcore.currentEntry ? it + 1 : it;
        }
    }

    /**
     * A thread's CPU pin.
     */
    public static final class CpuPin implements AutoCloseable
    {
        private final CpuPinner.Pin pin;

        CpuPin(final CpuPinner.Pin pin)
        {
            this.pin = pin;
        }

        /**
         * @return true when the thread is bound to the CPU.
         */
        public boolean pinned()
        {
            return pin.pinned();
        }

        /** Releases the CPU; call on the pinned thread. */
        @Override
        public void close()
        {
            pin.release();
        }
    }
}
