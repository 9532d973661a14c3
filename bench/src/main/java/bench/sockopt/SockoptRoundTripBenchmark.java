package bench.sockopt;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import bench.baseline.PingPongProbe;
import platform.lcore.impl.BenchLcores;
import platform.sockopt.impl.BenchSockopt;

/**
 * Sockopt request round trips per second over a real Unix-domain socket: a GET whose reply echoes the request
 * body ({@code bodyBytes}), from one client thread one after the other ({@code oneClient}) and from 8 client
 * threads at once ({@code eightClients}), with a connection per request as DPVS's tools do ({@code per-request})
 * or on a kept connection ({@code kept}). Servers ({@code server}):
 * <ul>
 * <li>{@code sockopt}: the platform's control socket with its default settings, a LOOP job on the master lcore
 *     (idle strategy {@code backoff}, the default) fed by its accept thread, dispatching through the registry to
 *     a registered handler.</li>
 * <li>{@code echo-selector} (the floor): one thread blocked in {@code select()} doing the same framing.</li>
 * <li>{@code echo-blocking} (another floor): an accept thread and a thread per connection, blocking I/O.</li>
 * </ul>
 * The client is the same preallocated blocking client for all three. Nothing is pinned: on 2 vCPUs the client,
 * the serving thread and the accept thread share the CPUs as the OS sees fit, as they would in production. Each
 * fork prints the ping-pong probe before and after, and what the server counted (errors must be 0).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SockoptRoundTripBenchmark
{
    static final int ECHO_ID = 500;

    @Param({"sockopt", "echo-selector", "echo-blocking"})
    public String server;

    @Param({"per-request", "kept"})
    public String connection;

    @Param({"16"})
    public int bodyBytes;

    private Path dir;
    UnixDomainSocketAddress address;
    private BenchLcores lcores;
    private BenchSockopt sockopt;
    private EchoServer echo;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        System.out.println("# fork probe before: " + PingPongProbe.quickProbe());
        dir = Files.createTempDirectory("sockopt-bench");
        final Path path = dir.resolve("s.ipc");
        address = UnixDomainSocketAddress.of(path);
        if ("sockopt".equals(server))
        {
            lcores = BenchLcores.start("backoff", "backoff", false);
            sockopt = BenchSockopt.start(path, lcores.service(), ECHO_ID);
        }
        else
        {
            echo = EchoServer.start(server, path);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        if (null != sockopt)
        {
            System.out.println("# server: " + sockopt.describe());
            sockopt.close();
            lcores.close();
        }
        if (null != echo)
        {
            System.out.println("# server: " + echo.describe());
            echo.close();
        }
        Files.deleteIfExists(dir.resolve("s.ipc"));
        Files.deleteIfExists(dir);
        System.out.println("# fork probe after: " + PingPongProbe.quickProbe());
    }

    /**
     * One client thread's connection and buffers.
     */
    @State(Scope.Thread)
    public static class Client
    {
        RawClient raw;
        boolean kept;

        @Setup(Level.Trial)
        public void setUp(final SockoptRoundTripBenchmark b)
        {
            raw = new RawClient(b.address, ECHO_ID, b.bodyBytes);
            kept = "kept".equals(b.connection);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            raw.close();
        }
    }

    @Benchmark
    @Threads(1)
    public int oneClient(final Client c) throws IOException
    {
        return c.kept ? c.raw.onKept() : c.raw.oneShot();
    }

    @Benchmark
    @Threads(8)
    public int eightClients(final Client c) throws IOException
    {
        return c.kept ? c.raw.onKept() : c.raw.oneShot();
    }
}
