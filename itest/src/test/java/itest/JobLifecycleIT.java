package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

import itest.bundles.ClosingJobActivator;
import itest.bundles.CountingJob;
import itest.bundles.LeakingJobActivator;
import platform.lcore.api.JobInfo;
import platform.lcore.api.JobType;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;

/**
 * Jobs of feature bundles: a job registered by a bundle's activator runs on the worker lcore, is listed with the
 * bundle as owner, and is gone when the bundle stops, whether the bundle closes its handle or not.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JobLifecycleIT extends BaseTest
{
    @Inject
    private LcoreScheduler scheduler;

    @Configuration
    public Option[] configuration()
    {
        return options(baseConfiguration(),
            jobBundle(ClosingJobActivator.SYMBOLIC_NAME, ClosingJobActivator.class),
            jobBundle(LeakingJobActivator.SYMBOLIC_NAME, LeakingJobActivator.class));
    }

    private Bundle jobBundle;

    @After
    public void uninstallJobBundle() throws BundleException
    {
        if (null != jobBundle)
        {
            jobBundle.uninstall();
        }
    }

    @Test
    public void jobRunsOnTheWorkerLcoreAndStopsWhenItsBundleClosesIt() throws BundleException
    {
        final Bundle bundle = jobBundle = installJobBundle(ClosingJobActivator.SYMBOLIC_NAME);
        bundle.start();
        final Supplier<Map<String, Object>> job = awaitJobObserver(ClosingJobActivator.JOB_NAME);

        await(() -> "the job is called; it saw " + job.get(), () -> calls(job) >= 100);
        final int worker = theWorkerLcore();
        assertEquals("lcores that called the job", Set.of(worker), job.get().get(CountingJob.LCORE_IDS));
        assertEquals("threads that called the job", Set.of("lcore-" + worker), job.get().get(CountingJob.THREADS));
        assertListedOnce(ClosingJobActivator.JOB_NAME, worker, bundle);

        bundle.stop();
        // its activator's close() returned: the job is unregistered and out of every lcore's loop
        assertEquals("jobs(-1) after stop", List.of(), jobRows(scheduler, ClosingJobActivator.JOB_NAME));
        assertNeverCalledAgain(scheduler, job);
    }

    @Test
    public void jobLeftRegisteredIsClosedWhenItsBundleStops() throws BundleException
    {
        final Bundle bundle = jobBundle = installJobBundle(LeakingJobActivator.SYMBOLIC_NAME);
        bundle.start();
        final Supplier<Map<String, Object>> job = awaitJobObserver(LeakingJobActivator.JOB_NAME);

        await(() -> "the job is called; it saw " + job.get(), () -> calls(job) >= 100);
        final int worker = theWorkerLcore();
        assertEquals("threads that called the job", Set.of("lcore-" + worker), job.get().get(CountingJob.THREADS));
        assertListedOnce(LeakingJobActivator.JOB_NAME, worker, bundle);

        bundle.stop();
        // the framework released the bundle's scheduler service while stopping it, which closed the job
        assertEquals("jobs(-1) after stop", List.of(), jobRows(scheduler, LeakingJobActivator.JOB_NAME));
        assertNeverCalledAgain(scheduler, job);
    }

    private int theWorkerLcore()
    {
        final int[] workers = scheduler.lcoreIds(LcoreRole.FWD_WORKER);
        assertEquals("FWD_WORKER lcores", 1, workers.length);
        return workers[0];
    }

    private void assertListedOnce(final String jobName, final int lcoreId, final Bundle owner)
    {
        final List<JobInfo> rows = jobRows(scheduler, jobName);
        assertEquals("rows of " + jobName + " in jobs(-1): " + rows, 1, rows.size());
        final JobInfo row = rows.get(0);
        assertEquals(lcoreId, row.lcoreId());
        assertEquals(LcoreRole.FWD_WORKER, row.role());
        assertEquals(JobType.LOOP, row.type());
        assertTrue("owner " + row.owner() + " names the bundle " + owner.getSymbolicName(),
            row.owner().startsWith(owner.getSymbolicName()));
        assertTrue("calls " + row.calls(), row.calls() > 0);
        assertEquals("jobs(" + lcoreId + ") lists it too", 1,
            scheduler.jobs(lcoreId).stream().filter(j -> j.name().equals(jobName)).count());
    }
}
