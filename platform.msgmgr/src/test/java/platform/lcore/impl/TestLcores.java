package platform.lcore.impl;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import platform.lcore.api.LcoreScheduler;

/**
 * Real, running lcores for the message manager's unit tests (the scheduler classes are package-private in
 * platform.lcore; on the test class path this package is shared). Lcores run unpinned with the backoff idle
 * strategy, so tests need no more than the machine's 2 CPUs.
 */
public final class TestLcores
{
    private static final Map<LcoreScheduler, Scheduler> RUNNING = new ConcurrentHashMap<>();

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

    public static void stop(final LcoreScheduler service)
    {
        final Scheduler s = RUNNING.remove(service);
        if (null != s)
        {
            ((BundleLcoreScheduler)service).release();
            if (!s.stop(5_000))
            {
                throw new AssertionError("lcores did not stop");
            }
        }
    }
}
