package bench.mp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
import bench.util.ThreadCpu;
import platform.mp.api.MpReply;
import platform.mp.client.MpWire;
import platform.mp.impl.BenchMp;

/**
 * The multi-process channel's synchronous request round trip (issue 15), primary to secondaries in other JVMs,
 * against the floor between the same JVMs:
 * <ul>
 * <li>{@code mpRequest}: {@code MpChannel.request} ({@code rte_mp_request_sync}) from the primary, run in this JMH
 *     JVM outside OSGi as platform.mp's tests run it, to every secondary; each answers with its params (an action
 *     returning them). With {@code secondaries} 1 a round trip, with 4 a broadcast that waits for all 4 replies.
 *     The path: a frame written to each socket, the secondary's reader thread, its dispatch thread (the action),
 *     the reply written back, this side's reader thread completing the request, this thread woken.</li>
 * <li>{@code rawEcho} (the floor): the same bytes on the wire ({@value MpWire#HEADER_LEN} bytes of header plus
 *     {@code paramBytes}) written on a blocking {@code SocketChannel} to an echo server in each of the same secondary
 *     JVMs (a thread per connection reading the frame fully and writing it back); with 4, written to all four
 *     first, then the four replies read, as the broadcast does.</li>
 * <li>{@code rawEchoPolling} (the floor of a requester that spins, as a synchronous {@code mpRequest} does for up to
 *     100 us): the same echo on non-blocking channels of their own, the reply read by polling every socket, yielding
 *     between tries, instead of blocking in {@code read}.</li>
 * </ul>
 * The secondaries are separate JVMs ({@link MpBenchSecondary}, the same class path, {@code -Xmx128m
 * -XX:+UseSerialGC}) started in the trial's setup, which waits until each answers, and ended in its teardown. DPDK's
 * own figure for the same exchange comes from {@code bench/c/mp_bench.sh} (rte_mp_request_sync, 64 bytes). Sample
 * time: the mean and the percentiles of one request. Nothing is pinned (2 vCPUs): each fork prints the ping-pong
 * probe before and after.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class MpChannelBenchmark
{
    /** The secondaries' echo action. */
    static final String ECHO = "bench.echo";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final long START_TIMEOUT_MS = 60_000;

    @Param({"1", "4"})
    public int secondaries;

    @Param({"64"})
    public int paramBytes;

    private Path dir;
    private BenchMp primary;
    private final List<Process> processes = new ArrayList<>();
    private SocketChannel[] echo;
    private SocketChannel[] polled;
    private byte[] params;
    private ByteBuffer out;
    private ByteBuffer in;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException
    {
        System.out.println("# fork probe before: " + PingPongProbe.quickProbe());
        dir = Files.createTempDirectory("mp-bench");
        final Path mpDir = dir.resolve("mp");
        primary = BenchMp.start(mpDir, MpWire.DEFAULT_MAX_PARAM_LEN);
        params = new byte[paramBytes];
        for (int i = 0; i < paramBytes; i++)
        {
            params[i] = (byte)i;
        }
        final int frameBytes = MpWire.HEADER_LEN + paramBytes;
        out = ByteBuffer.allocateDirect(frameBytes);
        out.put(0, params, 0, Math.min(paramBytes, frameBytes));
        in = ByteBuffer.allocateDirect(frameBytes);
        echo = new SocketChannel[secondaries];
        polled = new SocketChannel[secondaries];
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0; i < secondaries; i++)
        {
            final Path echoPath = dir.resolve("echo-" + i + ".sock");
            final Process p = new ProcessBuilder(java, "-Xms64m", "-Xmx128m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), MpBenchSecondary.class.getName(), mpDir.toString(),
                echoPath.toString(), Integer.toString(frameBytes))
                .redirectError(dir.resolve("secondary-" + i + ".log").toFile()).start();
            processes.add(p);
            awaitReady(p, i);
            echo[i] = SocketChannel.open(StandardProtocolFamily.UNIX);
            echo[i].connect(UnixDomainSocketAddress.of(echoPath));
            polled[i] = SocketChannel.open(StandardProtocolFamily.UNIX);
            polled[i].connect(UnixDomainSocketAddress.of(echoPath));
            polled[i].configureBlocking(false);
        }
        // every secondary attached and its action announced: a request that all of them answer
        final long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        MpReply r = primary.request(ECHO, params, TIMEOUT);
        while (r.nbSent() != secondaries || r.nbReceived() != secondaries)
        {
            if (System.currentTimeMillis() > deadline)
            {
                throw new IllegalStateException("only " + r.nbReceived() + " of " + secondaries
                    + " secondaries answer; their logs are in " + dir);
            }
            Thread.sleep(20);
            r = primary.request(ECHO, params, TIMEOUT);
        }
    }

    private void awaitReady(final Process p, final int i) throws IOException, InterruptedException
    {
        final BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
            StandardCharsets.UTF_8));
        final long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!r.ready())
        {
            if (!p.isAlive() || System.currentTimeMillis() > deadline)
            {
                throw new IllegalStateException("secondary " + i + " did not start; see " + dir.resolve(
                    "secondary-" + i + ".log"));
            }
            Thread.sleep(10);
        }
        final String line = r.readLine();
        if (!"READY".equals(line))
        {
            throw new IllegalStateException("secondary " + i + " said " + line);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException
    {
        for (final SocketChannel[] chs : new SocketChannel[][] {echo, polled})
        {
            if (null != chs)
            {
                for (final SocketChannel ch : chs)
                {
                    if (null != ch)
                    {
                        ch.close();
                    }
                }
            }
        }
        for (final Process p : processes)
        {
            // closing its stdin ends it; killed if it does not end in time
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
            }
        }
        processes.clear();
        for (int i = 0; i < secondaries; i++)
        {
            final Path log = dir.resolve("secondary-" + i + ".log");
            if (Files.exists(log))
            {
                for (final String line : Files.readAllLines(log))
                {
                    if (line.startsWith("# secondary thread CPU"))
                    {
                        System.out.println(line.replace("# secondary", "# secondary " + i));
                    }
                }
            }
        }
        if (null != primary)
        {
            System.out.println("# primary: " + primary.describe());
            // where this JVM's CPU went: the requester (a JMH worker) against the primary's I/O threads
            System.out.println(ThreadCpu.describe("# thread CPU ms:", 50_000_000L, name -> 0));
            primary.close();
        }
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        System.out.println("# fork probe after: " + PingPongProbe.quickProbe());
    }

    @Benchmark
    public int mpRequest()
    {
        final MpReply r = primary.request(ECHO, params, TIMEOUT);
        if (r.nbReceived() != secondaries)
        {
            throw new IllegalStateException("a request got " + r.nbReceived() + " of " + secondaries + " replies");
        }
        return r.replies().get(0).params().length;
    }

    @Benchmark
    public int rawEcho() throws IOException
    {
        return echoRound(echo);
    }

    @Benchmark
    public int rawEchoPolling() throws IOException
    {
        return echoRound(polled);
    }

    /** Writes the frame to every channel, then reads every echo back (yielding on a non-blocking channel's 0). */
    private int echoRound(final SocketChannel[] chs) throws IOException
    {
        final ByteBuffer o = out;
        final ByteBuffer b = in;
        for (final SocketChannel ch : chs)
        {
            o.clear();
            while (o.hasRemaining())
            {
                ch.write(o);
            }
        }
        for (final SocketChannel ch : chs)
        {
            b.clear();
            while (b.hasRemaining())
            {
                final int n = ch.read(b);
                if (n < 0)
                {
                    throw new IOException("an echo server closed");
                }
                if (0 == n)
                {
                    Thread.yield();
                }
            }
        }
        return b.get(0);
    }
}
