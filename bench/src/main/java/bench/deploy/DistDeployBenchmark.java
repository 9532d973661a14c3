package bench.deploy;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

import platform.sockopt.client.SockoptClient;

/**
 * A hot deploy on the real distribution, as an operator sees it: the platform ({@code dist/target/platform}, copied
 * to a temporary folder; system property {@code dist.dir} for another) runs in its own process with fileinstall
 * polling {@code deploy/} every {@code poll} ms; the blacklist's jar is moved into {@code deploy/} and the benchmark
 * asks GET 76 (the blacklist's) every 200 us until it is answered, then moves the jar out and asks until the platform
 * answers EDPVS_NOTSUPP (its range gone). Each includes the wait for fileinstall's next poll (on average half the
 * interval), Felix's install/resolve/start (or stop/uninstall) and DS's activation; the platform's own part is
 * {@link FeatureDeployBenchmark}'s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 30)
@Fork(1)
public class DistDeployBenchmark
{
    private static final int BLKLST_GET = 76;
    private static final int NOTSUPP = -14;

    @Param({"50"})
    public int poll;

    private Path root;
    private Process platform;
    private SockoptClient client;
    private Path deployed;
    private Path aside;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        final Path dist = Paths.get(System.getProperty("dist.dir", "dist/target/platform")).toAbsolutePath();
        if (!Files.isRegularFile(dist.resolve("platform.jar")))
        {
            throw new IllegalStateException("no distribution at " + dist + " (build it: mvn -B -q package -DskipTests)");
        }
        root = Files.createTempDirectory("dist-deploy-bench");
        final Path home = root.resolve("platform");
        copy(dist, home);
        final Path socket = root.resolve("dpvs.ipc");
        final List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dfelix.fileinstall.poll=" + poll);
        cmd.add("-Dgosh.args=--nointeractive");
        cmd.add("-jar");
        cmd.add(home.resolve("platform.jar").toString());
        final ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile())
            .redirectOutput(root.resolve("platform.log").toFile()).redirectErrorStream(true);
        pb.environment().put("DPVS_IPC_FILE", socket.toString());
        platform = pb.start();
        client = SockoptClient.of(socket, Duration.ofSeconds(10));
        try (var jars = Files.list(home.resolve("deploy")))
        {
            deployed = jars.filter(f -> f.getFileName().toString().startsWith("modules.blklst-")).findFirst()
                .orElseThrow();
        }
        aside = home.resolve(deployed.getFileName());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (code() != 0)
        {
            if (System.nanoTime() > deadline || !platform.isAlive())
            {
                throw new IllegalStateException("the platform did not serve the blacklist; see " + root);
            }
            Thread.sleep(50);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        platform.destroy();
        platform.waitFor(20, TimeUnit.SECONDS);
        Files.walkFileTree(root, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(final Path f, final BasicFileAttributes a) throws IOException
            {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path d, final IOException e) throws IOException
            {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private int code()
    {
        try
        {
            return client.get(BLKLST_GET, null).errcode();
        }
        catch (final IOException ex)
        {
            return Integer.MIN_VALUE; // not listening yet
        }
    }

    private void await(final int code) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (code() != code)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("GET 76 never answered " + code);
            }
            TimeUnit.MICROSECONDS.sleep(200);
        }
    }

    /** Before each (single-shot) iteration, untimed: undeployed for {@link #deploy}, deployed for {@link #undeploy}. */
    @Setup(Level.Iteration)
    public void prepare(final BenchmarkParams params) throws Exception
    {
        if (params.getBenchmark().endsWith(".deploy"))
        {
            if (Files.exists(deployed))
            {
                Files.move(deployed, aside, StandardCopyOption.ATOMIC_MOVE);
                await(NOTSUPP);
            }
        }
        else if (Files.exists(aside))
        {
            Files.move(aside, deployed, StandardCopyOption.ATOMIC_MOVE);
            await(0);
        }
        // a random phase against fileinstall's scans (a fixed sleep would line the move up just before a scan)
        Thread.sleep(poll + java.util.concurrent.ThreadLocalRandom.current().nextInt(poll));
    }

    /** The jar lands in deploy/ until the blacklist answers through the control socket. */
    @Benchmark
    public void deploy() throws Exception
    {
        Files.move(aside, deployed, StandardCopyOption.ATOMIC_MOVE);
        await(0);
    }

    /** The jar leaves deploy/ until the blacklist's range is gone. */
    @Benchmark
    public void undeploy() throws Exception
    {
        Files.move(deployed, aside, StandardCopyOption.ATOMIC_MOVE);
        await(NOTSUPP);
    }

    private static void copy(final Path from, final Path to) throws IOException
    {
        Files.walkFileTree(from, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult preVisitDirectory(final Path d, final BasicFileAttributes a) throws IOException
            {
                final Path rel = from.relativize(d);
                if (rel.getNameCount() > 0 && ("log".equals(rel.getName(0).toString())
                    || "data".equals(rel.getName(0).toString())))
                {
                    return FileVisitResult.SKIP_SUBTREE; // what a run left there (log, framework cache)
                }
                Files.createDirectories(to.resolve(from.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(final Path f, final BasicFileAttributes a) throws IOException
            {
                Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
