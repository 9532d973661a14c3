package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.LcoreTimers;

/**
 * The {@code lcore} Gogo commands, run through the framework's {@link CommandProcessor} as the shell would.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LcoreCommandsIT extends BaseTest
{
    private static final String JOB_NAME = "itest-gogo";

    @Inject
    private CommandProcessor processor;

    @Inject
    private LcoreScheduler scheduler;

    @Inject
    private LcoreTimers timers;

    @Configuration
    public Option[] configuration()
    {
        return options(baseConfiguration());
    }

    @Test
    public void listShowsTheMasterAndWorkerRows() throws Exception
    {
        awaitLcoresRunning(scheduler);
        final String out = execute("lcore:list");
        assertTrue("header:\n" + out, out.startsWith("LCORE "));
        assertRow(out, "0\\s+MASTER\\s+.*\\bRUNNING\\b.*");
        assertRow(out, "1\\s+FWD_WORKER\\s+.*\\bRUNNING\\b.*");
        assertEquals("header and two rows:\n" + out, 3, out.strip().split("\n").length);
    }

    @Test
    public void jobsOfAnLcoreListsAJobRegisteredForItsRole() throws Exception
    {
        final String owner = context.getBundle().getSymbolicName();
        final JobHandle handle = scheduler.register(JobSpec.loop(JOB_NAME, LcoreRole.FWD_WORKER, lcoreId -> 0));
        try
        {
            final String worker = execute("lcore:jobs 1");
            assertRow(worker, "1\\s+" + JOB_NAME + "\\s+FWD_WORKER\\s+LOOP\\s+.*\\bACTIVE\\s+" + Pattern.quote(owner)
                + ".*");
            final String master = execute("lcore:jobs 0");
            assertFalse("lcore 0 is the MASTER, it does not run FWD_WORKER jobs:\n" + master,
                master.contains(JOB_NAME));
        }
        finally
        {
            handle.close();
        }
        assertFalse("closed job still listed", execute("lcore:jobs 1").contains(JOB_NAME));
        assertEquals("no lcore 7\n", execute("lcore:jobs 7"));
    }

    @Test
    public void timersListsATimerFiredOnItsLcore() throws Exception
    {
        awaitLcoresRunning(scheduler);
        final CountDownLatch fired = new CountDownLatch(1);
        final AtomicInteger firedOn = new AtomicInteger(-1);
        timers.schedule(1, 1_000_000, (lcoreId, nowNs) ->
        {
            firedOn.set(scheduler.currentLcoreId());
            fired.countDown();
        });
        assertTrue("the timer fires", fired.await(10, TimeUnit.SECONDS));
        assertEquals(1, firedOn.get());
        final String out = execute("lcore:timers");
        assertTrue("header:\n" + out, out.startsWith("LCORE "));
        assertRow(out, "1\\s+0\\s+[1-9][0-9]*\\s+[0-9]+\\s+0");
        assertRow(out, "0\\s+0\\s+[0-9]+\\s+[0-9]+\\s+[0-9]+");
    }

    private String execute(final String command) throws Exception
    {
        return execute(processor, command);
    }
}
