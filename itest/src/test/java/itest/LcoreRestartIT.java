package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;

/**
 * Stopping platform.lcore ends its lcore threads; starting it again brings up running lcores that take new jobs.
 * A class of its own, so that no other test shares a framework whose platform bundle was restarted.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LcoreRestartIT extends BaseTest
{
    @Configuration
    public Option[] configuration()
    {
        return options(baseConfiguration());
    }

    @Test
    public void platformBundleRestartsItsLcores() throws Exception
    {
        final Bundle lcore = installedBundle(PLATFORM_LCORE);
        awaitLcoresRunning(awaitService(LcoreScheduler.class));
        assertEquals(List.of("lcore-0", "lcore-1"), lcoreThreads());

        lcore.stop();
        assertNull("LcoreScheduler still registered", context.getServiceReference(LcoreScheduler.class));
        await(() -> "lcore threads end; still alive: " + lcoreThreads(), () -> lcoreThreads().isEmpty());

        lcore.start();
        final LcoreScheduler scheduler = awaitService(LcoreScheduler.class);
        awaitLcoresRunning(scheduler);
        assertEquals("one thread per lcore", List.of("lcore-0", "lcore-1"), lcoreThreads());

        final AtomicLong calls = new AtomicLong();
        final JobHandle handle = scheduler.register(JobSpec.loop("itest-restart", LcoreRole.FWD_WORKER, lcoreId ->
        {
            calls.incrementAndGet();
            return 0;
        }));
        try
        {
            await(() -> "the job registered after the restart is called; calls " + calls, () -> calls.get() >= 100);
        }
        finally
        {
            handle.close();
        }
    }

    /**
     * @return names of the live threads called {@code lcore-<n>}, sorted.
     */
    private static List<String> lcoreThreads()
    {
        final List<String> names = new ArrayList<>();
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (t.isAlive() && t.getName().matches("lcore-\\d+"))
            {
                names.add(t.getName());
            }
        }
        names.sort(null);
        return names;
    }
}
