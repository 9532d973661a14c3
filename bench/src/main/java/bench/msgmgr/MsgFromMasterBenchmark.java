package bench.msgmgr;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import bench.baseline.PingPongProbe;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreJob;
import platform.lcore.api.LcoreRole;
import platform.lcore.impl.BenchLcores;
import platform.lcore.api.Edpvs;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgReply;
import platform.msgmgr.api.MsgTypeSpec;
import platform.msgmgr.api.MulticastResult;
import platform.msgmgr.impl.BenchMsg;

/**
 * Round trips started on the master lcore, as DPVS starts them (a sockopt handler or a master job): the shape of
 * {@code ../shared/anchors/dpdk.md}. The master lcore (CPU 0) and the worker lcore (CPU 1) are both pinned; the
 * worker busy-spins; the master backs off between batches, so that the benchmark thread, which only hands out
 * batches and parks, finds CPU 0 free.
 * <p>
 * Each JMH invocation asks a job on the master lcore for {@value #OPS} round trips and waits for them; the job
 * times every round trip with {@code nanoTime} into a histogram. JMH reports round trips per second; p50 / p99 /
 * p99.9 of the measurement iterations are printed at the end of the trial ("percentiles:" line).
 * <ul>
 * <li>{@code msgmgr-sync}: {@link MsgManager#sendSync} to the worker of a type whose callback sets a reply (the
 *     master keeps draining its own rings while it waits, as every sync send on an lcore does).</li>
 * <li>{@code msgmgr-multicast}: {@link MsgManager#multicastSync} to every worker (one here) with reply
 *     collection: the worker's callback, its reply back to the master's multicast queue, the multicast callback.</li>
 * <li>{@code jctools-pingpong} (the floor): the same object to a job on the worker over a raw
 *     {@code SpscArrayQueue} and back over another.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MsgFromMasterBenchmark
{
    static final int OPS = 10_000;
    static final int TYPE = 220;
    static final int MC_TYPE = 221;
    static final long TIMEOUT_US = 1_000_000;

    @Param({"msgmgr-sync", "msgmgr-multicast", "jctools-pingpong"})
    public String path;

    private BenchLcores lcores;
    private BenchMsg msg;
    private JobHandle echoJob;
    private JobHandle driverJob;
    private int warmups;
    private final List<Histogram> iterations = new ArrayList<>();

    /** Runs the batches on the master lcore. */
    static final class Driver implements LcoreJob
    {
        final String path;
        final MsgManager mm;
        final SpscArrayQueue<Object> request = new SpscArrayQueue<>(1024);
        final SpscArrayQueue<Object> response = new SpscArrayQueue<>(1024);
        final MsgReply reply = new MsgReply();
        final MulticastResult mcResult = new MulticastResult();
        final Object payload = new Object();
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        volatile long requested;
        volatile long done;
        volatile Thread waiter;
        volatile String failure;

        Driver(final String path, final MsgManager mm)
        {
            this.path = path;
            this.mm = mm;
        }

        @Override
        public int doWork(final int lcoreId)
        {
            if (requested == done)
            {
                return 0;
            }
            for (int i = 0; i < OPS; i++)
            {
                final long t0 = System.nanoTime();
                roundTrip();
                histogram.recordValue(System.nanoTime() - t0);
            }
            done = done + 1;
            LockSupport.unpark(waiter);
            return 1;
        }

        private void roundTrip()
        {
            switch (path)
            {
                case "msgmgr-sync":
                    if (Edpvs.OK != mm.sendSync(TYPE, 1, payload, TIMEOUT_US, reply))
                    {
                        failure = "sync send failed: " + reply;
                    }
                    return;
                case "msgmgr-multicast":
                    if (Edpvs.OK != mm.multicastSync(MC_TYPE, payload, TIMEOUT_US, mcResult))
                    {
                        failure = "multicast failed: " + mcResult;
                    }
                    return;
                default:
                    request.offer(payload);
                    while (null == response.relaxedPoll())
                    {
                        Thread.onSpinWait();
                    }
            }
        }
    }

    private Driver driver;

    @Setup(Level.Trial)
    public void setUp(final BenchmarkParams params)
    {
        warmups = params.getWarmup().getCount();
        System.out.println("# fork probe before: " + PingPongProbe.quickProbe());
        lcores = BenchLcores.start("backoff", true, "busy-spin", true);
        System.out.println(lcores.describe());
        MsgManager mm = null;
        if ("jctools-pingpong".equals(path))
        {
            driver = new Driver(path, null);
            final Driver d = driver;
            echoJob = lcores.service().register(JobSpec.loop("echo", LcoreRole.FWD_WORKER, id ->
            {
                final Object o = d.request.relaxedPoll();
                if (null == o)
                {
                    return 0;
                }
                d.response.offer(o);
                return 1;
            }));
        }
        else
        {
            msg = new BenchMsg(lcores.service());
            mm = msg.service();
            mm.register(MsgTypeSpec.unicast(TYPE, "echo", MsgPriority.HIGH, m ->
            {
                m.reply(m.payload());
                return Edpvs.OK;
            }), 1);
            mm.registerMulticast(MsgTypeSpec.multicast(MC_TYPE, "mc_echo", MsgPriority.HIGH, m ->
            {
                m.reply(m.payload());
                return Edpvs.OK;
            }, null));
            driver = new Driver(path, mm);
        }
        driverJob = lcores.service().register(JobSpec.loop("driver", LcoreRole.MASTER, driver));
    }

    @Setup(Level.Iteration)
    public void resetHistogram()
    {
        driver.waiter = Thread.currentThread();
        // between batches the driver job is idle, so the histogram is not being written
        driver.histogram.reset();
    }

    @TearDown(Level.Iteration)
    public void keepHistogram()
    {
        iterations.add(driver.histogram.copy());
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        final Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (int i = warmups; i < iterations.size(); i++)
        {
            all.add(iterations.get(i));
        }
        System.out.printf("percentiles: %s round trips %d: p50 %d ns, p90 %d ns, p99 %d ns, p99.9 %d ns, "
                + "p99.99 %d ns, max %d ns%n", path, all.getTotalCount(), all.getValueAtPercentile(50),
            all.getValueAtPercentile(90), all.getValueAtPercentile(99), all.getValueAtPercentile(99.9),
            all.getValueAtPercentile(99.99), all.getMaxValue());
        driverJob.close();
        if (null != echoJob)
        {
            echoJob.close();
        }
        if (null != msg)
        {
            msg.close();
        }
        lcores.close();
        System.out.println("# fork probe after: " + PingPongProbe.quickProbe());
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long batch()
    {
        final Driver d = driver;
        final long target = d.requested + 1;
        d.requested = target;
        lcores.service().wake(0);
        while (d.done != target)
        {
            // no timed wake-ups: they would take CPU 0 from the master lcore in the middle of a batch
            LockSupport.park(this);
        }
        if (null != d.failure)
        {
            throw new IllegalStateException(d.failure);
        }
        return target;
    }
}
