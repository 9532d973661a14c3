package platform.lcore.impl;

import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;

/**
 * Running lcores handed out as the {@link LcoreScheduler} service a bundle would get, for the message manager
 * benchmarks. Split package on the plain benchmark class path on purpose; it does not exist in the bundle.
 */
public final class BenchLcores implements AutoCloseable
{
    private final Scheduler scheduler;
    private final BundleLcoreScheduler service;

    private BenchLcores(final Scheduler scheduler)
    {
        this.scheduler = scheduler;
        this.service = new BundleLcoreScheduler(scheduler, "bench");
    }

    /**
     * @param masterIdle idle strategy of lcore 0 (MASTER), unpinned: it shares CPU 0 with the benchmark thread.
     * @param workerIdle idle strategy of lcore 1 (FWD_WORKER), pinned to CPU 1 when {@code pinWorker}.
     * @param pinWorker  pin the worker with its cross-process CPU lock (else unpinned).
     * @return started lcores.
     */
    public static BenchLcores start(final String masterIdle, final String workerIdle, final boolean pinWorker)
    {
        return start(masterIdle, false, workerIdle, pinWorker);
    }

    /**
     * @param pinMaster pin lcore 0 (MASTER) to CPU 0.
     * @return started lcores.
     * @see #start(String, String, boolean)
     */
    public static BenchLcores start(final String masterIdle, final boolean pinMaster, final String workerIdle,
        final boolean pinWorker)
    {
        final SchedulerConfig config = SchedulerConfig.of(bench.util.ThreadBinding.onlineCpuCount(),
            // not availableProcessors(): the caller may be bound to one CPU
           
            new LcoreConfig(0, LcoreRole.MASTER, pinMaster ? 0 : -1, masterIdle, 0),
            new LcoreConfig(1, LcoreRole.FWD_WORKER, pinWorker ? 1 : -1, workerIdle, 0));
        final Scheduler s = new Scheduler(config, new AffinityPinner());
        s.start();
        return new BenchLcores(s);
    }

    public LcoreScheduler service()
    {
        return service;
    }

    /**
     * @param owner the owner the timers are listed under.
     * @return the per-lcore timers a bundle would get (one wheel per lcore, driven by the lcores' timer job).
     */
    public platform.lcore.api.LcoreTimers timers(final String owner)
    {
        if (null == timers)
        {
            timers = new Timers(scheduler);
        }
        return new BundleLcoreTimers(timers, owner);
    }

    private Timers timers;

    /**
     * @return "lcore 1 pinned" or "lcore 1 unpinned", for the results.
     */
    public String describe()
    {
        return "master lcore 0 " + (scheduler.lcores().get(0).pinned() ? "pinned to CPU 0" : "unpinned")
            + ", worker lcore 1 " + (scheduler.lcores().get(1).pinned() ? "pinned to CPU 1" : "unpinned");
    }

    @Override
    public void close()
    {
        service.release();
        scheduler.stop(5_000);
    }
}
