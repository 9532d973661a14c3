package bench.msgmgr;

import java.util.concurrent.TimeUnit;

import org.jctools.queues.SpscArrayQueue;
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

import bench.baseline.PingPongProbe;
import bench.util.ThreadBinding;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
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
 * Round trips to the worker lcore (busy-spinning on CPU 1) from the benchmark thread (bound to CPU 0), sampled,
 * for p50 / p99 / p99.9:
 * <ul>
 * <li>{@code msgmgr-sync}: {@link MsgManager#sendSync} of a type whose callback sets a reply.</li>
 * <li>{@code msgmgr-multicast}: {@link MsgManager#multicastSync} of a multicast type to the one worker with reply
 *     collection. The benchmark thread is not the master, so the request also travels through the master lcore's
 *     ring (the master lcore backs off on CPU 0, beside the benchmark thread): sender, master, worker, master,
 *     sender; DPVS's path starts on the master and has two hops fewer.</li>
 * <li>{@code jctools-pingpong} (the floor): the same object handed to a job on the worker lcore over a raw
 *     {@code SpscArrayQueue} and back over another.</li>
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MsgSyncBenchmark
{
    static final int TYPE = 210;
    static final int MC_TYPE = 211;
    static final long TIMEOUT_US = 1_000_000;

    @Param({"msgmgr-sync", "msgmgr-multicast", "jctools-pingpong"})
    public String path;

    private BenchLcores lcores;
    private BenchMsg msg;
    private MsgManager mm;
    private JobHandle echoJob;
    private SpscArrayQueue<Object> request;
    private SpscArrayQueue<Object> response;
    private final MsgReply reply = new MsgReply();
    private final MulticastResult mcResult = new MulticastResult();
    private final Object payload = new Object();

    @Setup(Level.Trial)
    public void setUp()
    {
        // probe before binding: threads started by a bound thread inherit its one CPU
        System.out.println("# fork probe before: " + PingPongProbe.quickProbe());
        System.out.println("benchmark thread " + ThreadBinding.bindCurrentThread(0));
        lcores = BenchLcores.start("backoff", "busy-spin", true);
        System.out.println(lcores.describe());
        if ("jctools-pingpong".equals(path))
        {
            request = new SpscArrayQueue<>(1024);
            response = new SpscArrayQueue<>(1024);
            echoJob = lcores.service().register(JobSpec.loop("echo", LcoreRole.FWD_WORKER, id ->
            {
                final Object o = request.relaxedPoll();
                if (null == o)
                {
                    return 0;
                }
                response.offer(o);
                return 1;
            }));
            return;
        }
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
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (null != echoJob)
        {
            echoJob.close();
        }
        if (null != msg)
        {
            msg.close();
        }
        lcores.close();
        ThreadBinding.bindCurrentThread(-1);
        System.out.println("# fork probe after: " + PingPongProbe.quickProbe());
    }

    @Benchmark
    public Object roundTrip()
    {
        switch (path)
        {
            case "msgmgr-sync":
                if (Edpvs.OK != mm.sendSync(TYPE, 1, payload, TIMEOUT_US, reply))
                {
                    throw new IllegalStateException("sync send failed: " + reply);
                }
                return reply.reply();
            case "msgmgr-multicast":
                if (Edpvs.OK != mm.multicastSync(MC_TYPE, payload, TIMEOUT_US, mcResult))
                {
                    throw new IllegalStateException("multicast failed: " + mcResult);
                }
                return mcResult.reply(0);
            default:
                request.offer(payload);
                Object o;
                while (null == (o = response.relaxedPoll()))
                {
                    Thread.onSpinWait();
                }
                return o;
        }
    }
}
