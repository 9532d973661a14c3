package bench.throughput;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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

import bench.baseline.PingPongProbe;
import bench.util.NoOpJobs;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreJob;
import platform.lcore.api.LcoreRole;
import platform.lcore.impl.SchedulerFixture;

/**
 * {@code Lcore.iterate()} while another CPU polls the lcore the way {@code close()} does during a grace period
 * (the iteration counter, {@code inGraceWait}, {@code currentEntry}), against the same iteration while the other
 * CPU polls a field on a cache line of its own. The difference is the cost of those fields sharing cache lines
 * with what the lcore writes every iteration ({@code loops}, {@code iter}, {@code idleNs}, {@code prevEndNs},
 * {@code currentEntry}): it is what slows the lcore, and the close waiting for it, during a grace period.
 * The poller spins like the grace-period wait: the reads, then {@code Thread.onSpinWait()}. Compare the
 * {@code iterate} rows; {@code watch} is the poller's time per spin.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Group)
public class LcoreIterateObservedBenchmark
{
    /** What the second thread polls. */
    public static final String GRACE_WAIT_FIELDS = "grace-wait-fields";
    /** A padded volatile of the benchmark's own: the control. */
    public static final String OWN_LINE = "own-line";

    /** Registered LOOP jobs (one class). */
    @Param({"1", "8"})
    int jobs;

    /** {@code grace-wait-fields} or {@code own-line}. */
    @Param({GRACE_WAIT_FIELDS, OWN_LINE})
    String poll;

    private SchedulerFixture scheduler;
    private SchedulerFixture.LoopDriver master;
    private boolean pollLcore;
    private final PaddedLong control = new PaddedLong();

    @Setup
    public void setUp()
    {
        if (!GRACE_WAIT_FIELDS.equals(poll) && !OWN_LINE.equals(poll))
        {
            throw new IllegalArgumentException("poll must be " + GRACE_WAIT_FIELDS + " or " + OWN_LINE);
        }
        pollLcore = GRACE_WAIT_FIELDS.equals(poll);
        // two threads on two CPUs: the figures follow the vCPU placement (shared/anchors/dpdk.md)
        System.out.println("# fork probe before: " + PingPongProbe.quickProbe());
        scheduler = SchedulerFixture.unstartedMaster();
        final LcoreJob[] work = NoOpJobs.create(NoOpJobs.SAME_CLASS, jobs);
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
        System.out.println("# fork probe after: " + PingPongProbe.quickProbe());
    }

    /**
     * @return the iteration's work count (0).
     */
    @Benchmark
    @Group("observed")
    @GroupThreads(1)
    public int iterate()
    {
        return master.iterate();
    }

    /**
     * @return what was read.
     */
    @Benchmark
    @Group("observed")
    @GroupThreads(1)
    public long watch()
    {
        // one spin of the grace-period wait: reads, then a pause
        final long seen = pollLcore ? master.graceWaitReads() : control.value;
        Thread.onSpinWait();
        return seen;
    }

    /**
     * A volatile long alone on its cache lines.
     */
    static final class PaddedLong extends PaddedLongValue
    {
        @SuppressWarnings("unused")
        private long p10, p11, p12, p13, p14, p15, p16, p17;
    }

    abstract static class PaddedLongPad
    {
        @SuppressWarnings("unused")
        private long p00, p01, p02, p03, p04, p05, p06, p07;
    }

    abstract static class PaddedLongValue extends PaddedLongPad
    {
        volatile long value;
    }

    public static void main(final String[] args) throws RunnerException
    {
        new Runner(new OptionsBuilder().include(LcoreIterateObservedBenchmark.class.getSimpleName()).build()).run();
    }
}
