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
import platform.lcore.api.Edpvs;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgReply;

/**
 * Stopping platform.lcore ends its lcore threads (and takes platform.msgmgr's service down with it); starting it
 * again brings up running lcores that take new jobs, and the message manager back on them. A class of its own, so that no other test shares a framework whose platform bundle was restarted.
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
        // platform.msgmgr's component needs the scheduler: it went down with it
        assertNull("MsgManager still registered", context.getServiceReference(MsgManager.class));
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

        // the message manager came back on the new lcores
        final MsgReply hello = new MsgReply();
        assertEquals("HELLO to lcore 1 after the restart: " + hello, Edpvs.OK,
            awaitService(MsgManager.class).sendSync(MsgIds.HELLO, 1, null, 1_000_000, hello));
        assertEquals(1, hello.reply());
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
