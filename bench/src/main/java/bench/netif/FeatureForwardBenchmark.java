package bench.netif;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
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

import modules.blklst.impl.BenchBlklst;
import modules.neigh.impl.BenchNeigh;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import modules.netif.impl.BenchNetif;
import modules.route.api.RouteConf;
import modules.route.api.RouteSpec;
import modules.route.api.Routes;
import modules.route.impl.BenchRoute;
import platform.lcore.impl.BenchLcores;
import platform.msgmgr.impl.BenchMsg;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.impl.BenchSockopt;

/**
 * Packets per second forwarded by one running worker lcore from a synthetic port (60-byte UDP frames, as fast as it
 * takes them) to a synthetic sink, with the real feature bundles' cores on the path (the same classes the bundles
 * run, started outside OSGi on real lcores, a real message manager and a real control socket):
 * <ul>
 * <li>{@code features=all}: 100 000 routes (/24s of 10.0.0.0 onward, each through one of 256 gateways) in
 * modules.route's per-lcore table, the 256 gateways as static neighbours in modules.neigh's per-lcore table, and
 * 10 000 blacklist entries in modules.blklst's per-lcore table behind its PRE_ROUTING hook;</li>
 * <li>{@code features=route}, {@code neigh}, {@code blklst}: one of them, the floor's stand-ins for the others;</li>
 * <li>{@code features=none}: the floor, netif alone: a route lookup answering one gateway for everything and a
 * neighbour output writing a fixed MAC (what a packet costs without the features).</li>
 * </ul>
 * The worker runs on its own thread as in production; the benchmark thread samples the worker's transmit counter
 * every 20 ms. Score: {@code packets} (auxiliary counter) per second. With {@code -prof gc}, the allocation per
 * invocation divided by the packets per invocation is the allocation per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms2g", "-Xmx2g"})
public class FeatureForwardBenchmark
{
    static final int ROUTES = 100_000;
    static final int GATEWAYS = 256;
    static final int BLACKLIST = 10_000;

    @Param({"none", "route", "neigh", "blklst", "all"})
    public String features;

    /** Per invocation: packets the worker sent. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Packets
    {
        public long packets;
    }

    private BenchLcores lcores;
    private BenchMsg msg;
    private BenchSockopt sockopt;
    private BenchNetif netif;
    private Object route;
    private BenchNeigh neigh;
    private AutoCloseable blklst;
    private Path dir;
    private long last;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        lcores = BenchLcores.start("backoff", "backoff", false);
        msg = new BenchMsg(lcores.service());
        dir = Files.createTempDirectory("fwd-bench");
        sockopt = BenchSockopt.start(dir.resolve("s.ipc"), lcores.service(), 8997);
        netif = new BenchNetif(lcores.service(), msg.service(), "mbufs 8192\n"
            + "port in0 driver synthetic rate 0 src 192.168.0.0/16 dst 10.0.0.0/9 sport 1024-65535 dport 80-80 "
            + "size 60 proto udp\nport out0 driver synthetic\nqueue 1 in0 rx 0 tx 0\nqueue 1 out0 rx 0 tx 0\n");
        final boolean all = "all".equals(features);
        final RouteLookup fixed = new RouteLookup()
        {
            @Override
            public boolean lookup4(final int lcoreId, final int daddr, final Route4 out)
            {
                out.set(1, 0xac100001, Route4.GATEWAY);
                return true;
            }
        };
        if (all || "route".equals(features))
        {
            route = BenchRoute.start(lcores.service(), msg.service(), netif.netif(), sockopt.registry("route"),
                ROUTES);
            final Routes routes = (Routes)route;
            for (int i = 0; i < ROUTES; i++)
            {
                final int rc = routes.add(new RouteSpec(0x0a000000 + (i << 8), 24, RouteConf.RTF_FORWARD,
                    0xac100001 + (i % GATEWAYS), 0, 0, 0, "out0"));
                if (0 != rc)
                {
                    throw new IllegalStateException("route " + i + ": " + rc);
                }
            }
        }
        if (all || "neigh".equals(features))
        {
            final StringBuilder statics = new StringBuilder();
            for (int g = 0; g < GATEWAYS; g++)
            {
                statics.append(g > 0 ? ", " : "").append("172.16.").append((1 + g) >> 8).append('.')
                    .append((1 + g) & 0xff).append(String.format(" 02:00:00:00:%02x:%02x out0", g >> 8, g & 0xff));
            }
            neigh = new BenchNeigh(lcores.service(), msg.service(), netif.netif(), lcores.timers("neigh"),
                sockopt.registry("neigh"), statics.toString(), 4 * GATEWAYS);
        }
        if (all || "blklst".equals(features))
        {
            blklst = BenchBlklst.start(lcores.service(), msg.service(), sockopt.registry("blklst"), netif.netif(),
                2 * BLACKLIST);
            final SockoptClient client = SockoptClient.of(dir.resolve("s.ipc"), Duration.ofSeconds(10));
            try (SockoptClient.Connection c = client.open())
            {
                for (int k = 0; k < BLACKLIST; k++)
                {
                    // ipvsadm --add-blklst -u 10.0.X.Y:80 -k 1.2.X.Y: services the traffic goes to, other clients
                    final ByteBuffer b = ByteBuffer.allocate(68).order(ByteOrder.BIG_ENDIAN);
                    b.putInt(0, 0x0a000000 | k).putShort(16, (short)80).put(18, (byte)17).put(19, (byte)2)
                        .putInt(20, 0x01020000 | k);
                    final int rc = c.call(platform.sockopt.api.Sockopt.SET, 73, b.array()).errcode();
                    if (0 != rc)
                    {
                        throw new IllegalStateException("blacklist entry " + k + ": " + rc);
                    }
                }
            }
        }
        netif.routeLookup(null == route ? fixed : (RouteLookup)route);
        netif.neighOutput(null == neigh ? netif.resolvedNeighbour() : neigh.output());
        Thread.sleep(500);
        final long before = netif.forwarded();
        Thread.sleep(200);
        if (netif.forwarded() - before < 100_000)
        {
            throw new IllegalStateException("the worker forwards " + (netif.forwarded() - before)
                + " packets in 200 ms: not routed, or not resolved?");
        }
        last = netif.forwarded();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        if (null != blklst)
        {
            blklst.close();
        }
        if (null != neigh)
        {
            neigh.close();
        }
        netif.routeLookup(null);
        if (null != route)
        {
            BenchRoute.stop(route);
        }
        netif.close();
        sockopt.close();
        msg.close();
        lcores.close();
    }

    @Benchmark
    public void forward(final Packets p) throws InterruptedException
    {
        Thread.sleep(20);
        final long now = netif.forwarded();
        p.packets += now - last;
        last = now;
    }
}
