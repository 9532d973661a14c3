package modules.netif.impl;

import java.io.StringReader;
import java.util.concurrent.TimeUnit;

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

import modules.netif.api.HookPoint;
import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.NeighOutput;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import modules.stats.api.LcoreCounters;
import platform.lcore.impl.SchedulerFixture;

/**
 * Packets per second through one worker's {@code recv_fwd}: a synthetic port generating 60-byte UDP frames as fast
 * as asked, every packet checked, routed (a route service), TTL-decremented, given MACs (a neighbour service) and
 * sent to a synthetic sink port, with 0, 1, 4 or 8 no-op hooks at PRE_ROUTING. The benchmark thread plays the
 * worker lcore (lcore 1 is configured but never started), so the figure is the path's own cost.
 * <p>
 * {@code floor} is the same work written without the platform: the same generator, pool and sink, the same header
 * check, TTL update and MAC writes, inline, with no hook chain, no services, no statistics.
 * <p>
 * Score: packets per second (one operation = one packet).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
public class RecvFwdBenchmark
{
    private static final int BURST = NetifCore.BURST;
    private static final byte[] GW_MAC = {2, 0, 0, 0, 0x77, 0x77};

    @Param({"0", "1", "4", "8"})
    public int hooks;

    private SchedulerFixture fixture;
    private NetifCore core;
    private PortDevice in;
    private PortDevice out;
    private final Mbuf[] burst = new Mbuf[BURST];
    private final byte[] outMac = new byte[6];

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        fixture = SchedulerFixture.masterAndWorker(false, "backoff");
        final String conf = "mbufs 4096\n"
            + "port in0 driver synthetic rate 0 src 192.168.0.0/16 dst 10.0.0.0/8 size 60 proto udp\n"
            + "port out0 driver synthetic\nqueue 1 in0 rx 0 tx 0\nqueue 1 out0 rx 0 tx 0\n";
        final LcoreCounters[] counters = new LcoreCounters[64];
        core = new NetifCore(fixture.service(), null, id -> null == counters[id]
            ? counters[id] = new LcoreCounters(id) : counters[id], NetifConfig.parse("bench", new StringReader(conf)),
            Drivers.all());
        core.routeLookup(new StaticRoute());
        core.neighOutput(new Neigh(core));
        for (int i = 0; i < hooks; i++)
        {
            core.registerHook(HookPoint.PRE_ROUTING, i, "noop" + i, new NoOpHook());
        }
        in = core.port(0).dev;
        out = core.port(1).dev;
        System.arraycopy(out.mac(), 0, outMac, 0, 6);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        core.stop();
        fixture.close();
    }

    /** A route lookup of the kind a routing bundle offers: everything via a gateway out of port 1. */
    static final class StaticRoute implements RouteLookup
    {
        @Override
        public boolean lookup4(final int lcoreId, final int daddr, final Route4 r)
        {
            r.set(1, 0x0a090909, Route4.GATEWAY);
            return true;
        }
    }

    /** A resolved neighbour: MACs written, packet queued for the port. */
    static final class Neigh implements NeighOutput
    {
        private final NetifCore core;
        private final byte[] src;

        Neigh(final NetifCore core)
        {
            this.core = core;
            this.src = core.ports().get(1).mac();
        }

        @Override
        public int output(final int lcoreId, final Mbuf m, final int port, final int nextHop)
        {
            final byte[] b = m.array();
            System.arraycopy(GW_MAC, 0, b, m.offset(), 6);
            System.arraycopy(src, 0, b, m.offset() + 6, 6);
            core.xmit(lcoreId, m, port);
            return InetHook.ACCEPT;
        }
    }

    static final class NoOpHook implements InetHook
    {
        @Override
        public int hook(final int lcoreId, final HookPoint point, final Mbuf m)
        {
            return ACCEPT;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int recvFwd()
    {
        return core.recvFwd(1);
    }

    /** The floor: the same generator, checks, TTL update, MACs and sink, inline. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int floor()
    {
        final int n = in.rxBurst(1, 0, burst, BURST);
        for (int i = 0; i < n; i++)
        {
            final Mbuf m = burst[i];
            final int l3 = Ipv4.ETH_HLEN;
            if (Ipv4.ETHERTYPE_IPV4 != m.u16(Ipv4.ETH_TYPE) || 0x45 != m.u8(l3)
                || 0 != Ipv4.checksum(m.array(), m.offset() + l3, Ipv4.MIN_HLEN) || m.u8(l3 + Ipv4.TTL) <= 1)
            {
                m.pool().free(1, m);
                burst[i] = null;
                continue;
            }
            Ipv4.decTtl(m, l3);
            System.arraycopy(GW_MAC, 0, m.array(), m.offset(), 6);
            System.arraycopy(outMac, 0, m.array(), m.offset() + 6, 6);
        }
        return out.txBurst(1, 0, burst, n);
    }
}
