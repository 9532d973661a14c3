package bench.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.infra.BenchmarkParams;

import modules.blklst.impl.BenchBlklst;
import modules.neigh.impl.BenchNeigh;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import modules.netif.impl.BenchNetif;
import modules.route.impl.BenchRoute;
import platform.lcore.impl.BenchLcores;
import platform.msgmgr.impl.BenchMsg;
import platform.sockopt.impl.BenchSockopt;

/**
 * The platform's own part of a hot deploy: a feature's start (its jobs, message types on every lcore, sockopt
 * ranges, hook, per-lcore tables; it returns once every lcore has them) and its stop (all of them gone, every lcore
 * past its grace period), with netif forwarding a synthetic port's packets on the worker meanwhile. The same classes
 * the bundles run, started outside OSGi; what Felix and fileinstall add (the jar's discovery, install, resolve, DS
 * activation) is measured on the real distribution by {@link DistDeployBenchmark}.
 * <ul>
 * <li>{@code blklst}: 65 536 entries per lcore table, its PRE_ROUTING hook;</li>
 * <li>{@code route}: the IPv4 and the message types, DIR-24-8 tables (64 MB per lcore, built on the starting
 * thread);</li>
 * <li>{@code neigh}: 1024 entries per lcore, its ARP receiver, timers and jobs.</li>
 * </ul>
 * Goal of issue 14: ≤ 10 ms each way.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 40)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class FeatureDeployBenchmark
{
    @Param({"blklst", "route", "neigh"})
    public String feature;

    private BenchLcores lcores;
    private BenchMsg msg;
    private BenchSockopt sockopt;
    private BenchNetif netif;
    private AutoCloseable running;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        lcores = BenchLcores.start("backoff", "backoff", false);
        msg = new BenchMsg(lcores.service());
        final Path dir = Files.createTempDirectory("deploy-bench");
        sockopt = BenchSockopt.start(dir.resolve("s.ipc"), lcores.service(), 8997);
        netif = new BenchNetif(lcores.service(), msg.service(), "mbufs 8192\n"
            + "port in0 driver synthetic rate 100000 src 192.168.0.0/16 dst 10.0.0.0/9 size 60 proto udp\n"
            + "port out0 driver synthetic\nqueue 1 in0 rx 0 tx 0\nqueue 1 out0 rx 0 tx 0\n");
        netif.routeLookup(new RouteLookup()
        {
            @Override
            public boolean lookup4(final int lcoreId, final int daddr, final Route4 out)
            {
                out.set(1, 0xac100001, Route4.GATEWAY);
                return true;
            }
        });
        netif.neighOutput(netif.resolvedNeighbour());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        stopIfRunning();
        netif.close();
        sockopt.close();
        msg.close();
        lcores.close();
    }

    private AutoCloseable startFeature() throws Exception
    {
        switch (feature)
        {
            case "blklst":
                return BenchBlklst.start(lcores.service(), msg.service(), sockopt.registry("blklst"), netif.netif(),
                    65_536);
            case "route":
                final Object route = BenchRoute.start(lcores.service(), msg.service(), netif.netif(),
                    sockopt.registry("route"), 1024);
                return () -> BenchRoute.stop(route);
            case "neigh":
                return new BenchNeigh(lcores.service(), msg.service(), netif.netif(), lcores.timers("neigh"),
                    sockopt.registry("neigh"), "", 1024);
            default:
                throw new IllegalArgumentException(feature);
        }
    }

    private void stopIfRunning() throws Exception
    {
        if (null != running)
        {
            running.close();
            running = null;
        }
    }

    /** Before each (single-shot) iteration, untimed: stopped for {@link #start}, started for {@link #stop}. */
    @Setup(Level.Iteration)
    public void prepare(final BenchmarkParams params) throws Exception
    {
        if (params.getBenchmark().endsWith(".start"))
        {
            stopIfRunning();
        }
        else if (null == running)
        {
            running = startFeature();
        }
    }

    /** From nothing registered to everything registered on every lcore. */
    @Benchmark
    public void start() throws Exception
    {
        running = startFeature();
    }

    /** From everything registered to nothing left and no lcore able to call the feature again. */
    @Benchmark
    public void stop() throws Exception
    {
        running.close();
        running = null;
    }
}
