package bench.msgmgr;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;
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
import platform.msgmgr.api.MsgTypeSpec;
import platform.msgmgr.impl.BenchMsg;

/**
 * Asynchronous unicast to the worker lcore, messages per second accepted by the sender (the benchmark thread,
 * bound to CPU 0; the worker lcore busy-spins on CPU 1 and handles each message by bumping a counter). When the
 * ring is full the sender retries, so the figure converges on what the receiving side sustains.
 * <ul>
 * <li>{@code msgmgr}: {@link MsgManager#sendAsync} of a registered type: type check, pooled message, ring, the
 *     worker's drain job, the type's callback, the message back to the pool.</li>
 * <li>{@code jctools} (the floor): the same preallocated object handed over a raw {@code MpscArrayQueue} of the
 *     same size to a job on the same worker lcore that drains it and calls the same callback.</li>
 * <li>{@code juc}: what a user would write instead: a {@code LinkedBlockingQueue} of new message objects, handlers
 *     looked up in a {@code synchronized} map on both sides, drained by the same kind of job.</li>
 * </ul>
 * Run with {@code -prof gc} for the allocation per message.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MsgAsyncBenchmark
{
    static final int TYPE = 200;
    static final int RING = 4096;

    @Param({"msgmgr", "jctools", "juc"})
    public String impl;

    private BenchLcores lcores;
    private BenchMsg msg;
    private MsgManager mm;
    private JobHandle drainJob;
    private MpscArrayQueue<Object> raw;
    private LinkedBlockingQueue<UserMsg> juc;
    private final Map<Integer, Handler> jucHandlers = new HashMap<>();
    private final Object payload = new Object();
    /** Written by the worker lcore only. */
    long handled;

    /** The callback every variant ends in. */
    interface Handler
    {
        void on(Object payload);
    }

    /** The message object a plain implementation allocates per send. */
    static final class UserMsg
    {
        final int type;
        final Object payload;

        UserMsg(final int type, final Object payload)
        {
            this.type = type;
            this.payload = payload;
        }
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        // probe before binding: threads started by a bound thread inherit its one CPU
        System.out.println("# fork probe before: " + PingPongProbe.quickProbe());
        System.out.println("benchmark thread " + ThreadBinding.bindCurrentThread(0));
        lcores = BenchLcores.start("backoff", "busy-spin", true);
        System.out.println(lcores.describe());
        final Handler h = p -> handled++;
        switch (impl)
        {
            case "msgmgr":
                msg = new BenchMsg(lcores.service());
                mm = msg.service();
                mm.register(MsgTypeSpec.unicast(TYPE, "bench", MsgPriority.NORM, m ->
                {
                    h.on(m.payload());
                    return Edpvs.OK;
                }), 1);
                break;
            case "jctools":
                raw = new MpscArrayQueue<>(RING);
                final MessagePassingQueue.Consumer<Object> consumer = h::on;
                drainJob = lcores.service().register(JobSpec.loop("raw_drain", LcoreRole.FWD_WORKER,
                    id -> raw.drain(consumer, 256)));
                break;
            case "juc":
                juc = new LinkedBlockingQueue<>(RING);
                synchronized (jucHandlers)
                {
                    jucHandlers.put(TYPE, h);
                }
                drainJob = lcores.service().register(JobSpec.loop("juc_drain", LcoreRole.FWD_WORKER, id ->
                {
                    int n = 0;
                    UserMsg m;
                    while (n < 256 && null != (m = juc.poll()))
                    {
                        final Handler handler;
                        synchronized (jucHandlers)
                        {
                            handler = jucHandlers.get(m.type);
                        }
                        handler.on(m.payload);
                        n++;
                    }
                    return n;
                }));
                break;
            default:
                throw new IllegalArgumentException(impl);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (null != drainJob)
        {
            drainJob.close();
        }
        if (null != msg)
        {
            System.out.println("pool allocated " + msg.allocated() + " messages in all");
            msg.close();
        }
        lcores.close();
        ThreadBinding.bindCurrentThread(-1);
        System.out.println("# fork probe after: " + PingPongProbe.quickProbe());
    }

    @Benchmark
    public int send()
    {
        switch (impl)
        {
            case "msgmgr":
                int rc;
                while (Edpvs.NOROOM == (rc = mm.sendAsync(TYPE, 1, payload)))
                {
                    Thread.onSpinWait();
                }
                return rc;
            case "jctools":
                while (!raw.offer(payload))
                {
                    Thread.onSpinWait();
                }
                return 0;
            default:
                synchronized (jucHandlers)
                {
                    if (!jucHandlers.containsKey(TYPE))
                    {
                        return -1;
                    }
                }
                final UserMsg m = new UserMsg(TYPE, payload);
                while (!juc.offer(m))
                {
                    Thread.onSpinWait();
                }
                return 0;
        }
    }
}
