package bench.sockopt;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
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
 * The control socket against DPVS's server loop in C on the same machine: {@code c-dpvs} is
 * {@code src/main/c/dpvs_sockopt_server.c} (a busy-polled non-blocking accept, blocking reads and writes, one
 * request per connection, close; no registry, so a floor under DPVS), {@code sockopt} the platform's server as in
 * {@link SockoptRoundTripBenchmark}. Connection per request only: DPVS's server closes after one request, and
 * dpip and ipvsadm connect once per request. The C server's path comes from the system property
 * {@code bench.dpvs.server} ({@code bench/run.sh} compiles it with gcc and passes it).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SockoptVsDpvsBenchmark
{
    @Param({"sockopt", "c-dpvs"})
    public String server;

    @Param({"16"})
    public int bodyBytes;

    private Path dir;
    UnixDomainSocketAddress address;
    private BenchLcores lcores;
    private BenchSockopt sockopt;
    private Process process;
    private Path processLog;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException
    {
        System.out.println("# fork probe before: " + PingPongProbe.quickProbe());
        dir = Files.createTempDirectory("sockopt-dpvs");
        final Path path = dir.resolve("s.ipc");
        address = UnixDomainSocketAddress.of(path);
        if ("sockopt".equals(server))
        {
            lcores = BenchLcores.start("backoff", "backoff", false);
            sockopt = BenchSockopt.start(path, lcores.service(), SockoptRoundTripBenchmark.ECHO_ID);
            return;
        }
        final String binary = System.getProperty("bench.dpvs.server");
        if (null == binary || !Files.isExecutable(Path.of(binary)))
        {
            throw new IllegalStateException("no C server: pass -Dbench.dpvs.server=<path of the compiled "
                + "src/main/c/dpvs_sockopt_server.c> (bench/run.sh does)");
        }
        processLog = dir.resolve("server.log");
        process = new ProcessBuilder(binary, path.toString()).redirectErrorStream(true)
            .redirectOutput(processLog.toFile()).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(processLog, StandardCharsets.US_ASCII).startsWith("listening on "))
        {
            if (!process.isAlive() || System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the C server did not start: "
                    + Files.readString(processLog, StandardCharsets.US_ASCII));
            }
            Thread.sleep(1);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException
    {
        if (null != sockopt)
        {
            System.out.println("# server: " + sockopt.describe());
            sockopt.close();
            lcores.close();
        }
        if (null != process)
        {
            process.destroy(); // SIGTERM: the C server prints its counts and exits
            process.waitFor(10, TimeUnit.SECONDS);
            for (final String line : Files.readAllLines(processLog, StandardCharsets.US_ASCII))
            {
                System.out.println("# server: " + line);
            }
            Files.deleteIfExists(processLog);
        }
        Files.deleteIfExists(dir.resolve("s.ipc"));
        Files.deleteIfExists(dir);
        System.out.println("# fork probe after: " + PingPongProbe.quickProbe());
    }

    /** One client thread's buffers. */
    @State(Scope.Thread)
    public static class Client
    {
        RawClient raw;

        @Setup(Level.Trial)
        public void setUp(final SockoptVsDpvsBenchmark b)
        {
            raw = new RawClient(b.address, SockoptRoundTripBenchmark.ECHO_ID, b.bodyBytes);
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
        return c.raw.oneShot();
    }

    @Benchmark
    @Threads(8)
    public int eightClients(final Client c) throws IOException
    {
        return c.raw.oneShot();
    }
}
