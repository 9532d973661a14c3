package bench.throughput;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import bench.util.NoOpJobs;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreJob;
import platform.lcore.api.LcoreRole;
import platform.lcore.impl.SchedulerFixture;

/**
 * Cost of one lcore loop iteration ({@code Lcore.iterate()}) with N registered no-op LOOP jobs: what the
 * scheduler adds around the jobs (grace-period counter, job-set load, per-job state check, chained
 * {@code System.nanoTime()} timing, per-job statistics, loop statistics).
 * <p>
 * The lcore (MASTER, unpinned, never started) is driven on the JMH thread, so nothing else runs. Baseline:
 * {@code bench.baseline.JobArrayLoopBenchmark} with the same parameters.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class LcoreIterateBenchmark
{
    /** Registered LOOP jobs. */
    @Param({"1", "8", "32"})
    int jobs;

    /** {@code same-class} (monomorphic job call) or {@code distinct-classes} (megamorphic); see {@link NoOpJobs}. */
    @Param({NoOpJobs.SAME_CLASS, NoOpJobs.DISTINCT_CLASSES})
    String jobClasses;

    private SchedulerFixture scheduler;
    private SchedulerFixture.LoopDriver master;

    @Setup
    public void setUp()
    {
        scheduler = SchedulerFixture.unstartedMaster();
        final LcoreJob[] work = NoOpJobs.create(jobClasses, jobs);
        for (int i = 0; i < work.length; i++)
        {
            scheduler.register(JobSpec.loop("noop-" + i, LcoreRole.MASTER, work[i]));
        }
        master = scheduler.driver(0);
    }

    @TearDown
    public void tearDown()
    {
        scheduler.close();
    }

    /**
     * @return the iteration's work count (0).
     */
    @Benchmark
    public int iterate()
    {
        return master.iterate();
    }

    public static void main(final String[] args) throws RunnerException
    {
        new Runner(new OptionsBuilder().include(LcoreIterateBenchmark.class.getSimpleName()).build()).run();
    }
}
