package platform.lcore.impl;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.LcoreTimers;

/**
 * Real, running lcores for the message manager's unit tests (the scheduler classes are package-private in
 * platform.lcore; on the test class path this package is shared). Lcores run unpinned with the backoff idle
 * strategy, so tests need no more than the machine's 2 CPUs.
 */
public final class TestLcores
{
    private static final Map<LcoreScheduler, Scheduler> RUNNING = new ConcurrentHashMap<>();
    private static final Map<Scheduler, Timers> TIMERS = new ConcurrentHashMap<>();

    private TestLcores()
    {
    }

    /**
     * @param layout lcore lines as in lcores.conf.
     * @return a started scheduler, as the service a bundle would get.
     */
    public static LcoreScheduler start(final String layout)
    {
        final SchedulerConfig config;
        try
        {
            config = SchedulerConfig.parse("test", new StringReader(layout), 2);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final Scheduler s = new Scheduler(config, cpu -> CpuPinner.UNPINNED);
        s.start();
        final LcoreScheduler service = new BundleLcoreScheduler(s, "platform.msgmgr/test");
        RUNNING.put(service, s);
        return service;
    }

    /** Master 0, workers 1 and 2. */
    public static LcoreScheduler masterAndTwoWorkers()
    {
        return start("lcore 0 role MASTER cpu none\nlcore 1 role FWD_WORKER cpu none\n"
            + "lcore 2 role FWD_WORKER cpu none\n");
    }

    /**
     * The per-lcore timers of running lcores, as a bundle would get the service (one timer service per scheduler;
     * each call is a bundle of its own, released with {@link #release}).
     *
     * @param service lcores started here.
     * @param owner   the owner the timers are listed under.
     * @return the timers service.
     */
    public static LcoreTimers timers(final LcoreScheduler service, final String owner)
    {
        final Scheduler s = RUNNING.get(service);
        if (null == s)
        {
            throw new IllegalArgumentException("lcores not started by TestLcores");
        }
        return new BundleLcoreTimers(TIMERS.computeIfAbsent(s, Timers::new), owner);
    }

    /**
     * As a bundle releasing the timers service: its timers are cancelled, none of its callbacks runs once this returns.
     *
     * @param timers what {@link #timers} returned.
     */
    public static void release(final LcoreTimers timers)
    {
        ((BundleLcoreTimers)timers).release();
    }

    public static void stop(final LcoreScheduler service)
    {
        final Scheduler s = RUNNING.remove(service);
        if (null != s)
        {
            TIMERS.remove(s);
            ((BundleLcoreScheduler)service).release();
            if (!s.stop(5_000))
            {
                throw new AssertionError("lcores did not stop");
            }
        }
    }
}
