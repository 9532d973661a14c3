package bench.latency;

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

import bench.baseline.PingPongProbe;
import bench.util.BusyJob;
import bench.util.FirstRunJob;
import bench.util.IdleGap;
import bench.util.JobCycle;
import bench.util.ThreadBinding;
import bench.util.WorkerLoad;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.impl.SchedulerFixture;

/**
 * Latency of run-time registration on a looping lcore: (a) {@link #registerToFirstRun}, from {@code register()}
 * until the job's first call has raised its flag, and (b) {@link #close} of a running job, grace period included.
 * Each is its own benchmark method timed per invocation (SampleTime, so JMH reports p50/p99); the other half of
 * the cycle runs in a {@link Level#Invocation} helper, outside the timing.
 * <p>
 * Lcores: 0 MASTER and 1 FWD_WORKER, started, pinned to CPUs 0 and 1 ({@code pin=true}), backoff idle strategy.
 * The job is a FWD_WORKER LOOP job that reports no work. {@code workerLoad} (see {@link WorkerLoad}) is the
 * worker's state when each timed operation starts: {@code idle} = parked after 1 ms without work, {@code busy} =
 * iterating back to back because a second job always reports work.
 * <p>
 * On a 2-CPU machine the JMH thread must share a CPU with an lcore: it is bound to CPU 0 ({@code benchCpu}), the
 * MASTER lcore's, which has no job and stays parked. Each trial first runs {@link JobCycle#PREWARM_CYCLES}
 * register/close cycles, so that the path is C2-compiled even though the idle case runs only ~1000 ops/s, and
 * prints the {@link PingPongProbe} before and after: sub-microsecond figures here are a few cache-line transfers
 * between the CPUs, so they follow the vCPU placement, which can change from one fork to the next.
 * <p>
 * Baseline: {@code bench.baseline.MinimalJobLoopBenchmark}, same parameters.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class JobRegisterCloseBenchmark
{
    /**
     * The scheduler, for the whole trial.
     */
    @State(Scope.Benchmark)
    public static class Lcores
    {
        /** {@code idle} or {@code busy}: the worker's state when a timed operation starts. */
        @Param({WorkerLoad.IDLE, WorkerLoad.BUSY})
        String workerLoad;

        /** Pin lcores 0 and 1 to CPUs 0 and 1. */
        @Param({"true"})
        boolean pin;

        /** Idle strategy of the FWD_WORKER lcore. */
        @Param({"backoff"})
        String idle;

        /** CPU the benchmark thread is bound to (-1: any); 0 is the MASTER lcore's CPU. */
        @Param({"0"})
        int benchCpu;

        final FirstRunJob job = new FirstRunJob();
        final JobSpec spec = JobSpec.loop("bench-first-run", LcoreRole.FWD_WORKER, job);
        SchedulerFixture scheduler;
        long gapUs;
        private JobHandle busy;
        private String binding;

        @Setup(Level.Trial)
        public void start() throws Exception
        {
            // the vCPU placement this fork runs at (shared/anchors/dpdk.md), before any lcore thread exists
            System.out.println("# fork probe before: " + PingPongProbe.quickProbe());
            gapUs = WorkerLoad.gapUs(workerLoad);
            // bind after the lcore threads exist: threads inherit their creator's affinity
            scheduler = SchedulerFixture.masterAndWorker(pin, idle).start();
            binding = ThreadBinding.bindCurrentThread(benchCpu);
            if (WorkerLoad.isBusy(workerLoad))
            {
                busy = scheduler.register(JobSpec.loop("bench-busy", LcoreRole.FWD_WORKER, new BusyJob()));
            }
            JobCycle.prewarm(() -> scheduler.register(spec), job);
            System.out.println("# benchmark thread " + binding);
            System.out.print("# " + scheduler.describe().replace("\n", "\n# "));
            System.out.println();
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
        public void stop()
        {
            if (null != busy)
            {
                busy.close();
            }
            scheduler.close();
            // unbind first: the probe's second thread inherits this thread's affinity, and two spinning threads
            // on one CPU would take minutes
            ThreadBinding.bindCurrentThread(-1);
            System.out.println("# fork probe after: " + PingPongProbe.quickProbe());
        }
    }

    /**
     * For {@link #registerToFirstRun}: after each invocation, close the job and leave the worker alone for the gap.
     */
    @State(Scope.Thread)
    public static class ToRegister
    {
        JobHandle handle;

        @TearDown(Level.Invocation)
        public void closeAndIdle(final Lcores lcores)
        {
            handle.close();
            handle = null;
            lcores.job.reset();
            IdleGap.spinFor(lcores.gapUs);
        }
    }

    /**
     * For {@link #close}: before each invocation, register the job, wait for its first run and leave the worker
     * alone for the gap.
     */
    @State(Scope.Thread)
    public static class ToClose
    {
        JobHandle handle;

        @Setup(Level.Invocation)
        public void registerAndIdle(final Lcores lcores)
        {
            lcores.job.reset();
            handle = lcores.scheduler.register(lcores.spec);
            lcores.job.awaitFirstRun();
            IdleGap.spinFor(lcores.gapUs);
        }
    }

    /**
     * @return the new registration.
     */
    @Benchmark
    public JobHandle registerToFirstRun(final Lcores lcores, final ToRegister state)
    {
        final JobHandle handle = lcores.scheduler.register(lcores.spec);
        lcores.job.awaitFirstRun();
        state.handle = handle;
        return handle;
    }

    /**
     * @return whether the job is still registered (false).
     */
    @Benchmark
    public boolean close(final ToClose state)
    {
        final JobHandle handle = state.handle;
        handle.close();
        return handle.isRegistered();
    }

    public static void main(final String[] args) throws RunnerException
    {
        new Runner(new OptionsBuilder().include(JobRegisterCloseBenchmark.class.getSimpleName()).build()).run();
    }
}
