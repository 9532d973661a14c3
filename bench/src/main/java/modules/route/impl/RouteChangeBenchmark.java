package modules.route.impl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

import modules.netif.impl.BenchNetif;
import modules.route.api.RouteConf;
import modules.route.api.RouteSpec;
import platform.lcore.impl.BenchLcores;
import platform.msgmgr.impl.BenchMsg;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;
import platform.sockopt.impl.BenchSockopt;

/**
 * The time from a route change sent on the control socket (dpip's SET 28 add, SET 29 del, alternately) to its
 * reply, which the route bundle sends only once every forwarding lcore applied the change to its own table: the
 * time until the route is used everywhere. The worker is either idle or forwarding synthetic traffic at full rate
 * through the real routing table (10 000 routes) while the change travels, as a live system does.
 * <p>
 * Parts: the client's request and the control socket (a LOOP job on the master lcore), the master's checks, the
 * synchronous multicast to the worker (ROUTE_ADD / ROUTE_DEL, applied between two receive bursts), the master's own
 * table, the reply. Each change is a connection of its own, as each dpip command is.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
public class RouteChangeBenchmark
{
    private static final int ROUTES = 10_000;

    /** idle: the synthetic port sends 1000 packets/s; forwarding: as fast as the worker takes them. */
    @Param({"idle", "forwarding"})
    public String worker;

    private BenchLcores lcores;
    private BenchMsg msg;
    private BenchSockopt sockopt;
    private BenchNetif netif;
    private RouteCore route;
    private SockoptClient client;
    private Path dir;
    private final byte[] detail = new byte[RouteConf.SIZE];
    private boolean present;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        lcores = BenchLcores.start("backoff", "backoff", false);
        msg = new BenchMsg(lcores.service());
        dir = Files.createTempDirectory("route-bench");
        sockopt = BenchSockopt.start(dir.resolve("s.ipc"), lcores.service(), 8998);
        final String rate = "forwarding".equals(worker) ? "0" : "1000";
        netif = new BenchNetif(lcores.service(), msg.service(), "mbufs 8192\nport in0 driver synthetic rate " + rate
            + " src 192.168.0.0/16 dst 10.0.0.0/14 size 60 proto udp\nport out0 driver synthetic\n"
            + "queue 1 in0 rx 0 tx 0\nqueue 1 out0 rx 0 tx 0\n");
        route = new RouteCore(lcores.service(), msg.service(), netif.netif(), ROUTES, 200_000, "bench");
        route.start(sockopt.registry("route"));
        netif.routeLookup(route);
        netif.neighOutput(netif.resolvedNeighbour());
        // 10.0.0.0/24 .. 10.39.15.0/24: what the generator sends to is routed, out of port 1 through a gateway
        for (int i = 0; i < ROUTES; i++)
        {
            final int rc = route.add(new RouteSpec(0x0a000000 + (i << 8), 24, RouteConf.RTF_FORWARD, 0x0a090909, 0, 0,
                0, "out0"));
            if (0 != rc)
            {
                throw new IllegalStateException("route " + i + ": " + rc);
            }
        }
        client = SockoptClient.of(dir.resolve("s.ipc"), Duration.ofSeconds(5));
        // the changed route: 172.16.0.0/16 dev out0, as dpip sends it
        final ByteBuffer b = ByteBuffer.wrap(detail).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(RouteConf.AF_OFFSET, RouteConf.AF_INET).putInt(RouteConf.FLAGS_OFFSET, RouteConf.RTF_FORWARD)
            .putInt(RouteConf.DST_PLEN_OFFSET, 16);
        b.put(RouteConf.DST_OFFSET, (byte)172).put(RouteConf.DST_OFFSET + 1, (byte)16);
        b.put(RouteConf.IFNAME_OFFSET, "out0".getBytes(StandardCharsets.US_ASCII));
        final long before = netif.forwarded();
        Thread.sleep(200);
        if ("forwarding".equals(worker) && netif.forwarded() - before < 100_000)
        {
            throw new IllegalStateException("the worker is not forwarding: " + (netif.forwarded() - before)
                + " packets in 200 ms");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        System.out.printf("%n%s: %d packets forwarded during the trial, %s%n", worker, netif.forwarded(),
            sockopt.describe());
        route.stop();
        netif.close();
        sockopt.close();
        msg.close();
        lcores.close();
    }

    @Benchmark
    public int change() throws Exception
    {
        final SockoptResponse r = client.set(present ? RouteConf.SOCKOPT_SET_ROUTE_DEL
            : RouteConf.SOCKOPT_SET_ROUTE_ADD, detail);
        if (0 != r.errcode())
        {
            throw new IllegalStateException((present ? "del" : "add") + ": " + r.errstr());
        }
        present = !present;
        return r.errcode();
    }
}
