package bench.baseline;

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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import bench.util.NoOpJobs;
import platform.lcore.api.LcoreJob;

/**
 * Baselines for {@code bench.throughput.LcoreIterateBenchmark}, same parameters, same job objects called through
 * the same {@link LcoreJob} interface:
 * <ul>
 * <li>{@link #plainLoop()}: an indexed loop over the job array summing {@code doWork}: the floor.</li>
 * <li>{@link #clockedLoop()}: the plain loop plus two clock reads per iteration (its start and end), what an
 * iteration that times itself but not its jobs cannot avoid: the yardstick of the lcore's loop since jobs are
 * timed by sampling (issue 11: {@code iterate()} with 8 no-op jobs within 2x of it).</li>
 * <li>{@link #timedLoop()}: the same plus what the lcore did per job for its statistics before sampling: chained
 * {@code System.nanoTime()} (one read before the first job and one after each) and call/total/max/last counters.
 * The difference to {@code iterate()} is then the grace-period counter, job-set load, state checks and loop
 * statistics.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class JobArrayLoopBenchmark
{
    /** Jobs in the array. */
    @Param({"1", "8", "32"})
    int jobs;

    /** {@code same-class} or {@code distinct-classes}; see {@link NoOpJobs}. */
    @Param({NoOpJobs.SAME_CLASS, NoOpJobs.DISTINCT_CLASSES})
    String jobClasses;

    private LcoreJob[] work;
    private long[] calls;
    private long[] totalNs;
    private long[] maxNs;
    private long[] lastNs;

    @Setup
    public void setUp()
    {
        work = NoOpJobs.create(jobClasses, jobs);
        calls = new long[jobs];
        totalNs = new long[jobs];
        maxNs = new long[jobs];
        lastNs = new long[jobs];
    }

    /**
     * @return the summed work count (0).
     */
    @Benchmark
    public int plainLoop()
    {
        final LcoreJob[] work = this.work;
        int sum = 0;
        for (int i = 0; i < work.length; i++)
        {
            sum += work[i].doWork(0);
        }
        return sum;
    }

    /**
     * @return the summed work count (0) plus the iteration's time, so that the clock reads are used.
     */
    @Benchmark
    public long clockedLoop()
    {
        final LcoreJob[] work = this.work;
        final long start = System.nanoTime();
        int sum = 0;
        for (int i = 0; i < work.length; i++)
        {
            sum += work[i].doWork(0);
        }
        return sum + System.nanoTime() - start;
    }

    /**
     * @return the summed work count (0).
     */
    @Benchmark
    public int timedLoop()
    {
        final LcoreJob[] work = this.work;
        final long[] calls = this.calls;
        final long[] totalNs = this.totalNs;
        final long[] maxNs = this.maxNs;
        final long[] lastNs = this.lastNs;
        long t = System.nanoTime();
        int sum = 0;
        for (int i = 0; i < work.length; i++)
        {
            sum += work[i].doWork(0);
            final long now = System.nanoTime();
            final long d = now - t;
            t = now;
            calls[i]++;
            totalNs[i] += d;
            lastNs[i] = d;
            if (d > maxNs[i])
            {
                maxNs[i] = d;
            }
        }
        return sum;
    }

    public static void main(final String[] args) throws RunnerException
    {
        new Runner(new OptionsBuilder().include(JobArrayLoopBenchmark.class.getSimpleName()).build()).run();
    }
}
