package bench.util;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;

import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreJob;
import platform.lcore.api.LcoreRole;
import platform.lcore.impl.SchedulerFixture;

/**
 * The benchmarks' fixtures do what the benchmarks assume. No timing is asserted; lcores run unpinned so that the
 * test leaves the CPUs' affinity locks to others.
 */
public class BenchFixturesTest
{
    @Test
    public void shouldGiveDistinctClassesOrOneClass()
    {
        assertEquals(NoOpJobs.MAX_DISTINCT, classesOf(NoOpJobs.create(NoOpJobs.DISTINCT_CLASSES, 32)).size());
        assertEquals(1, classesOf(NoOpJobs.create(NoOpJobs.SAME_CLASS, 32)).size());
        assertEquals(32, new HashSet<>(java.util.Arrays.asList(NoOpJobs.create(NoOpJobs.SAME_CLASS, 32))).size());
    }

    @Test
    public void shouldCallEveryRegisteredJobOncePerDrivenIteration()
    {
        final AtomicInteger calls = new AtomicInteger();
        try (SchedulerFixture s = SchedulerFixture.unstartedMaster())
        {
            for (int i = 0; i < 8; i++)
            {
                s.register(JobSpec.loop("count-" + i, LcoreRole.MASTER, id ->
                {
                    calls.incrementAndGet();
                    return 1;
                }));
            }
            final SchedulerFixture.LoopDriver master = s.driver(0);
            assertEquals(8, master.iterate());
            assertEquals(8, master.iterate());
            assertEquals(16, calls.get());
            assertEquals(2, master.loops());
        }
    }

    @Test(timeout = 30_000)
    public void shouldRunAndStopTheJobOnTheWorkerLcore()
    {
        try (SchedulerFixture s = SchedulerFixture.masterAndWorker(false, "backoff").start())
        {
            final FirstRunJob job = new FirstRunJob();
            final JobSpec spec = JobSpec.loop("first-run", LcoreRole.FWD_WORKER, job);
            for (int round = 0; round < 100; round++)
            {
                job.reset();
                final JobHandle handle = s.register(spec);
                job.awaitFirstRun();
                handle.close();
                job.reset();
                assertFalse("called after close() returned", job.ran());
            }
        }
    }

    @Test(timeout = 30_000)
    public void shouldRunAndStopTheJobOnTheMinimalLoop() throws Exception
    {
        try (MinimalJobLoop loop = new MinimalJobLoop(1, -1, "backoff"))
        {
            final FirstRunJob job = new FirstRunJob();
            for (int round = 0; round < 100; round++)
            {
                job.reset();
                final AutoCloseable handle = loop.register(job);
                job.awaitFirstRun();
                handle.close();
                job.reset();
                assertFalse("called after close() returned", job.ran());
            }
        }
    }

    @Test
    public void shouldSpinForTheGap()
    {
        assertEquals(0, IdleGap.spinFor(0));
        assertTrue(IdleGap.spinFor(10) >= 10_000);
    }

    private static Set<Class<?>> classesOf(final LcoreJob[] jobs)
    {
        final Set<Class<?>> classes = new HashSet<>();
        for (final LcoreJob j : jobs)
        {
            classes.add(j.getClass());
        }
        return classes;
    }
}
