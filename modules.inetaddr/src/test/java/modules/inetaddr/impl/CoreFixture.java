package modules.inetaddr.impl;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

import org.junit.After;
import org.junit.Before;

import modules.inetaddr.api.InetAddrConf;
import modules.inetaddr.cli.AddrCtl;
import platform.lcore.api.Edpvs;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.impl.TestMsgManagers;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;
import platform.sockopt.impl.TestSockoptServers;

/**
 * Real lcores (master 0, workers 1 and 2), a real message manager and a real control socket with the interface
 * addresses started on them, the route bundle's service recorded, and a LOOP job on each worker that looks the
 * probed address up in that worker's own table and runs tasks there.
 */
public abstract class CoreFixture
{
    /** The bytes of {@code dpip addr add 10.0.1.1/24 dev dpdk0}, printed by a C program with DPVS's structs. */
    static final String DPIP_ADD = "02000000" + "00000000"
        + "02000000" + "00000000" + "00000000" + "00000000"
        + "6470646b30" + "00".repeat(11)
        + "00".repeat(16)
        + "0a000101" + "00".repeat(12)
        + "18" + "00" + "00" + "00";
    /** The bytes of {@code dpip addr show}. */
    static final String DPIP_SHOW = "01000000" + "00".repeat(72);

    LcoreScheduler lcores;
    TestMsgManagers.Running msg;
    TestSockoptServers.Running sockopt;
    SockoptClient client;
    Fakes.Ports ports;
    Fakes.RecordingRoutes routes;
    InetAddrCore core;
    JobHandle probe;
    /** Per worker: whether its own table holds the probed address (1/0), -1 before a fresh look. */
    final AtomicIntegerArray seen = new AtomicIntegerArray(64);
    volatile int probeAddr = ip("10.0.1.1");
    /** Per worker: a task to run on it. */
    final AtomicReferenceArray<CompletableFuture<Object>> tasks = new AtomicReferenceArray<>(64);
    final AtomicReferenceArray<IntFunction<Object>> bodies = new AtomicReferenceArray<>(64);

    @Before
    public void setUp() throws IOException
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        final Path socket = Files.createTempDirectory("inetaddr").resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        client = SockoptClient.of(socket, Duration.ofSeconds(10));
        ports = new Fakes.Ports();
        routes = new Fakes.RecordingRoutes();
        start(200_000);
        core.routes.bind(routes);
        probe = lcores.register(JobSpec.loop("probe", LcoreRole.FWD_WORKER, lcoreId ->
        {
            seen.set(lcoreId, core.isLocal(lcoreId, probeAddr) ? 1 : 0);
            final CompletableFuture<Object> f = tasks.getAndSet(lcoreId, null);
            if (null != f)
            {
                try
                {
                    f.complete(bodies.get(lcoreId).apply(lcoreId));
                }
                catch (final RuntimeException ex)
                {
                    f.completeExceptionally(ex);
                }
            }
            return 0;
        }));
    }

    void start(final long timeoutUs)
    {
        core = new InetAddrCore(lcores, msg.manager(), ports, timeoutUs, "test");
        core.start(sockopt.registry());
    }

    @After
    public void tearDown()
    {
        if (null != probe)
        {
            probe.close();
        }
        if (null != core)
        {
            core.stop();
        }
        sockopt.close();
        msg.close();
        TestLcores.stop(lcores);
    }

    static int ip(final String dotted)
    {
        int a = 0;
        for (final String b : dotted.split("\\."))
        {
            a = (a << 8) | Integer.parseInt(b);
        }
        return a;
    }

    static byte[] hex(final String h)
    {
        return HexFormat.of().parseHex(h);
    }

    /** Runs a function on a worker lcore (inside the probe job) and returns its result. */
    Object onLcore(final int lcoreId, final IntFunction<Object> body) throws Exception
    {
        final CompletableFuture<Object> f = new CompletableFuture<>();
        bodies.set(lcoreId, body);
        tasks.set(lcoreId, f);
        return f.get(20, TimeUnit.SECONDS);
    }

    static void await(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(1);
        }
    }

    /** Two fresh looks on each worker, so a value from before the change cannot pass. */
    void awaitWorkersSee(final String addr, final boolean local) throws InterruptedException
    {
        probeAddr = ip(addr);
        seen.set(1, -1);
        seen.set(2, -1);
        final int want = local ? 1 : 0;
        await("workers 1 and 2 see " + addr + (local ? "" : " not") + " as local",
            () -> seen.get(1) == want && seen.get(2) == want);
    }

    byte[] add(final String... words) throws IOException
    {
        return AddrCtl.parse(List.of(words)).param();
    }

    int set(final int id, final byte[] body) throws IOException
    {
        return client.set(id, body).errcode();
    }

    int dpip(final String... words) throws IOException
    {
        final AddrCtl.Request r = AddrCtl.parse(List.of(words));
        return client.set(r.sockopt(), r.param()).errcode();
    }

    String show(final String... words) throws IOException
    {
        final SockoptResponse r = client.get(InetAddrConf.SOCKOPT_GET_IFADDR_SHOW,
            AddrCtl.parse(List.of(words)).param());
        assertEquals(r.errstr(), Edpvs.OK, r.errcode());
        return AddrCtl.show(r.body());
    }
}
