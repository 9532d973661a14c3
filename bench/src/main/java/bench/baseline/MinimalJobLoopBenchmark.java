package bench.baseline;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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

import bench.util.BusyJob;
import bench.util.FirstRunJob;
import bench.util.IdleGap;
import bench.util.JobCycle;
import bench.util.MinimalJobLoop;
import bench.util.ThreadBinding;
import bench.util.WorkerLoad;

/**
 * Baseline for {@code bench.latency.JobRegisterCloseBenchmark}, same parameters, timing, pre-warming and thread
 * placement: the same job on a {@link MinimalJobLoop} (a plain thread pinned to CPU 1 with the same backoff idle
 * strategy), beside a jobless one on CPU 0 standing in for the MASTER lcore; benchmark thread bound to CPU 0.
 * <ul>
 * <li>{@link #registerToFirstRun}: a volatile array store plus {@code LockSupport.unpark}, until the loop thread
 * has called the job. With {@code workerLoad=idle} this is the wake-up any design pays: a parked thread woken by
 * unpark, seeing a volatile store.</li>
 * <li>{@link #close}: a volatile array store plus waiting for the loop's current iteration (if any) to end, with
 * the scheduler's wait policy: the least an RCU-style close with a grace period costs. The difference to the
 * scheduler's close is its bookkeeping (lock, name lookup, copy-on-write job set, job state, logging).</li>
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class MinimalJobLoopBenchmark
{
    /**
     * The loop threads, for the whole trial.
     */
    @State(Scope.Benchmark)
    public static class Loop
    {
        /** {@code idle} or {@code busy}: the loop's state when a timed operation starts. */
        @Param({WorkerLoad.IDLE, WorkerLoad.BUSY})
        String workerLoad;

        /** Pin the loop threads to CPUs 0 and 1, where the scheduler benchmark's lcores run. */
        @Param({"true"})
        boolean pin;

        /** Idle strategy of the loop thread. */
        @Param({"backoff"})
        String idle;

        /** CPU the benchmark thread is bound to (-1: any), as in the scheduler benchmark. */
        @Param({"0"})
        int benchCpu;

        final FirstRunJob job = new FirstRunJob();
        MinimalJobLoop loop;
        long gapUs;
        /** Stands in for the scheduler benchmark's MASTER lcore: a jobless backoff loop on CPU 0. */
        private MinimalJobLoop master;
        private AutoCloseable busy;
        private String binding;

        @Setup(Level.Trial)
        public void start() throws Exception
        {
            // the vCPU placement this fork runs at (shared/anchors/dpdk.md), before any loop thread exists
            System.out.println("# fork probe before: " + PingPongProbe.quickProbe());
            gapUs = WorkerLoad.gapUs(workerLoad);
            // bind after the loop threads exist: threads inherit their creator's affinity
            master = new MinimalJobLoop(0, pin ? 0 : -1, "backoff");
            loop = new MinimalJobLoop(1, pin ? 1 : -1, idle);
            binding = ThreadBinding.bindCurrentThread(benchCpu);
            if (WorkerLoad.isBusy(workerLoad))
            {
                busy = loop.register(new BusyJob());
            }
            JobCycle.prewarm(() -> loop.register(job), job);
            System.out.println("# benchmark thread " + binding);
            System.out.println("# minimal loop 0 (jobless) cpu " + (pin ? "0" : "none")
                + (master.pinned() ? " pinned" : " unpinned") + " idle backoff");
            System.out.println("# minimal loop 1 cpu " + (pin ? "1" : "none") + (loop.pinned() ? " pinned" : " unpinned")
                + " idle " + idle);
        }

        /** JMH may run an iteration on another worker thread than the trial set-up: bind it too. */
        @Setup(Level.Iteration)
        public void bind()
        {
            final String now = ThreadBinding.bindCurrentThread(benchCpu);
            if (!now.equals(binding))
            {
                System.out.println("# benchmark thread " + now);
                binding = now;
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception
        {
            if (null != busy)
            {
                busy.close();
            }
            loop.close();
            master.close();
            // unbind first: the probe's second thread inherits this thread's affinity, and two spinning threads
            // on one CPU would take minutes
            ThreadBinding.bindCurrentThread(-1);
            System.out.println("# fork probe after: " + PingPongProbe.quickProbe());
        }
    }

    /**
     * For {@link #registerToFirstRun}: after each invocation, close the job and leave the loop alone for the gap.
     */
    @State(Scope.Thread)
    public static class ToRegister
    {
        AutoCloseable handle;

        @TearDown(Level.Invocation)
        public void closeAndIdle(final Loop loop) throws Exception
        {
            handle.close();
            handle = null;
            loop.job.reset();
            IdleGap.spinFor(loop.gapUs);
        }
    }

    /**
     * For {@link #close}: before each invocation, register the job, wait for its first run and leave the loop
     * alone for the gap.
     */
    @State(Scope.Thread)
    public static class ToClose
    {
        AutoCloseable handle;

        @Setup(Level.Invocation)
        public void registerAndIdle(final Loop loop)
        {
            loop.job.reset();
            handle = loop.loop.register(loop.job);
            loop.job.awaitFirstRun();
            IdleGap.spinFor(loop.gapUs);
        }
    }

    /**
     * @return the new registration.
     */
    @Benchmark
    public AutoCloseable registerToFirstRun(final Loop loop, final ToRegister state)
    {
        final AutoCloseable handle = loop.loop.register(loop.job);
        loop.job.awaitFirstRun();
        state.handle = handle;
        return handle;
    }

    /**
     * @return the closed handle.
     */
    @Benchmark
    public AutoCloseable close(final ToClose state) throws Exception
    {
        final AutoCloseable handle = state.handle;
        handle.close();
        return handle;
    }

    public static void main(final String[] args) throws RunnerException
    {
        new Runner(new OptionsBuilder().include(MinimalJobLoopBenchmark.class.getSimpleName()).build()).run();
    }
}
