package platform.dist;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The assembled distribution ({@code target/platform}) copied to a temporary folder and run as a separate
 * {@code java -jar platform.jar} process, headless (stdin from /dev/null). stdout and stderr are collected
 * separately and also written to {@code target/it-logs/<name>.log}. {@link #close()} always destroys the process and
 * deletes the copy.
 */
final class PlatformProcess implements AutoCloseable
{
    private static final Duration DESTROY_GRACE = Duration.ofSeconds(20);
    /** The framework property (passed through from -D) giving platform.metrics its port. */
    static final String METRICS_PORT = "platform.metrics.port";

    private final Path home;
    private final Path copyRoot;
    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final StringBuffer all = new StringBuffer();
    private final PrintWriter log;
    private final List<Thread> pumps = new ArrayList<>();

    private PlatformProcess(final String name, final Path copyRoot, final Path home, final List<String> jvmArgs,
        final List<String> args, final boolean stdinPipe, final Map<String, String> env) throws IOException
    {
        this.copyRoot = copyRoot;
        this.home = home;
        final List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        // each platform its own metrics port (any free one) unless the test names one: never the default 9404,
        // which another test's platform or a running one may hold
        if (jvmArgs.stream().noneMatch(a -> a.startsWith("-D" + METRICS_PORT + "=")))
        {
            cmd.add("-D" + METRICS_PORT + "=0");
        }
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(home.resolve("platform.jar").toString());
        cmd.addAll(args);
        final Path logDir = Paths.get("target", "it-logs");
        Files.createDirectories(logDir);
        log = new PrintWriter(Files.newBufferedWriter(logDir.resolve(name + ".log"), StandardCharsets.UTF_8), true);
        log.println("# " + String.join(" ", cmd));
        final File devNull = new File("/dev/null");
        final ProcessBuilder pb = new ProcessBuilder(cmd).directory(copyRoot.toFile());
        // each platform its own control socket: never /var/run/dpvs.ipc, never another test's
        pb.environment().put("DPVS_IPC_FILE", socket(copyRoot).toString());
        pb.environment().putAll(env);
        pb.redirectInput(devNull.exists() && !stdinPipe ? ProcessBuilder.Redirect.from(devNull)
            : ProcessBuilder.Redirect.PIPE);
        process = pb.start();
        if (!devNull.exists() && !stdinPipe)
        {
            process.getOutputStream().close();
        }
        pump(process.getInputStream(), stdout, "out");
        pump(process.getErrorStream(), stderr, "err");
    }

    /**
     * @param copyRoot the process's folder.
     * @return its control socket path.
     */
    static Path socket(final Path copyRoot)
    {
        return copyRoot.resolve("dpvs.ipc");
    }

    /**
     * @return this platform's control socket path.
     */
    Path socket()
    {
        return socket(copyRoot);
    }

    /**
     * Copies target/platform to a fresh temporary folder and starts its platform.jar.
     *
     * @param name test name (log file name).
     * @param jvmArgs options before -jar, e.g. -D settings.
     * @param args platform.jar arguments.
     */
    static PlatformProcess start(final String name, final List<String> jvmArgs, final String... args)
        throws IOException
    {
        final Path copyRoot = Files.createTempDirectory("platform-it-");
        final Path home = copyRoot.resolve("platform");
        copyTree(distribution(), home);
        return new PlatformProcess(name, copyRoot, home, jvmArgs, Arrays.asList(args), false, Map.of());
    }

    /** As {@link #start}, with environment variables set (for example another DPVS_IPC_FILE). */
    static PlatformProcess start(final String name, final Map<String, String> env, final List<String> jvmArgs,
        final String... args) throws IOException
    {
        final Path copyRoot = Files.createTempDirectory("platform-it-");
        final Path home = copyRoot.resolve("platform");
        copyTree(distribution(), home);
        return new PlatformProcess(name, copyRoot, home, jvmArgs, Arrays.asList(args), false, env);
    }

    /**
     * As {@link #start}, with stdin a pipe the test writes to with {@link #send} (the Gogo shell reads it when
     * {@code -Dgosh.args=} is given: no terminal, but an interactive session).
     */
    static PlatformProcess startWithInput(final String name, final List<String> jvmArgs, final String... args)
        throws IOException
    {
        final Path copyRoot = Files.createTempDirectory("platform-it-");
        final Path home = copyRoot.resolve("platform");
        copyTree(distribution(), home);
        return new PlatformProcess(name, copyRoot, home, jvmArgs, Arrays.asList(args), true, Map.of());
    }

    /** @return the platform's process id (for /proc and jcmd). */
    long pid()
    {
        return process.pid();
    }

    /** Writes one line to the process's stdin (see {@link #startWithInput}). */
    void send(final String line) throws IOException
    {
        log.println("in | " + line);
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    private int gogoMarker;

    /**
     * Runs a Gogo command on the console of a platform started {@link #startWithInput} with {@code -Dgosh.args=}.
     *
     * @param command the command line.
     * @return what it printed.
     */
    String gogo(final String command) throws IOException, InterruptedException
    {
        final String end = "gogo-end-" + (++gogoMarker);
        final int from = stdout.length();
        send(command);
        send("echo " + end);
        awaitOutput(end, Duration.ofSeconds(30));
        final String out = stdout.substring(from);
        final int at = out.indexOf(end);
        return at < 0 ? out : out.substring(0, at);
    }

    /** The platform's log file (etc/logback.xml; default platform.log.file). */
    Path logFile()
    {
        return home.resolve("log").resolve("platform.log");
    }

    /** The current log file's content; empty if there is none yet. */
    String log()
    {
        try
        {
            return Files.isRegularFile(logFile()) ? Files.readString(logFile(), StandardCharsets.UTF_8) : "";
        }
        catch (final IOException ex)
        {
            return "<cannot read " + logFile() + ": " + ex + ">";
        }
    }

    /** The console output and the log file, for assertion messages. */
    String describe()
    {
        return "console:\n" + output() + "\nlog/platform.log:\n" + log();
    }

    /** Waits until the log file contains {@code text}; fails after {@code timeout} or when the process is gone. */
    void awaitLog(final String text, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!log().contains(text))
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("no '" + text + "' in the log within " + timeout.toSeconds() + " s (process "
                    + (process.isAlive() ? "alive" : "exited " + process.exitValue()) + "); " + describe());
            }
            if (!process.isAlive() && !log().contains(text))
            {
                fail("process exited " + process.exitValue() + " without '" + text + "' in the log; " + describe());
            }
            Thread.sleep(50);
        }
    }

    /** The assembled distribution, set by failsafe; target/platform when run from the module folder. */
    static Path distribution()
    {
        final Path dist = Paths.get(System.getProperty("platform.dist.dir", "target/platform"));
        assertTrue("no assembled distribution at " + dist.toAbsolutePath() + " (run mvn package first)",
            Files.isRegularFile(dist.resolve("platform.jar")));
        return dist;
    }

    Path home()
    {
        return home;
    }

    String stdout()
    {
        return stdout.toString();
    }

    String stderr()
    {
        return stderr.toString();
    }

    /** stdout and stderr, interleaved in arrival order (line by line). */
    String output()
    {
        return all.toString();
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * Sends SIGTERM. Through ProcessHandle: Process.destroy() would also close the pipes, and the log lines of the
     * shutdown (the point of most tests that terminate) would be lost.
     */
    void terminate()
    {
        process.toHandle().destroy();
    }

    /** Waits until the output (stdout or stderr) contains {@code text}; fails after {@code timeout}. */
    void awaitOutput(final String text, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!all.toString().contains(text))
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("no '" + text + "' within " + timeout.toSeconds() + " s (process "
                    + (process.isAlive() ? "alive" : "exited " + process.exitValue()) + "); output:\n" + output());
            }
            if (!process.isAlive())
            {
                joinPumps();
                if (!all.toString().contains(text))
                {
                    fail("process exited " + process.exitValue() + " without '" + text + "'; output:\n" + output());
                }
                return;
            }
            Thread.sleep(50);
        }
    }

    /** Waits for the process to end and returns its exit code; fails (and destroys it) after {@code timeout}. */
    int awaitExit(final Duration timeout) throws InterruptedException
    {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            process.destroyForcibly();
            fail("process still running after " + timeout.toSeconds() + " s; output:\n" + output());
        }
        joinPumps();
        return process.exitValue();
    }

    @Override
    public void close() throws IOException, InterruptedException
    {
        try
        {
            if (process.isAlive())
            {
                terminate();
                if (!process.waitFor(DESTROY_GRACE.toMillis(), TimeUnit.MILLISECONDS))
                {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            joinPumps();
        }
        finally
        {
            // the platform's own log, next to the console's, for a failed test
            if (Files.isRegularFile(logFile()))
            {
                log.println("# " + logFile());
                for (final String line : log().split("\n"))
                {
                    log.println("log| " + line);
                }
            }
            log.close();
            deleteTree(copyRoot);
        }
    }

    private void joinPumps() throws InterruptedException
    {
        for (final Thread t : pumps)
        {
            t.join(5000);
        }
    }

    private void pump(final InputStream in, final StringBuffer own, final String tag)
    {
        final Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = r.readLine()))
                {
                    own.append(line).append('\n');
                    all.append(line).append('\n');
                    log.println(tag + "| " + line);
                }
            }
            catch (final IOException ex)
            {
                log.println(tag + "| <read failed: " + ex + ">");
            }
        }, "platform-" + tag);
        t.setDaemon(true);
        t.start();
        pumps.add(t);
    }

    static void copyTree(final Path from, final Path to) throws IOException
    {
        try (Stream<Path> s = Files.walk(from))
        {
            // what a platform run left in the build's own folder (its log, its framework cache) is not part of the
            // distribution: README's first command runs it there before the tests
            s.filter(p -> !isRunState(from, p)).forEach(p -> {
                final Path target = to.resolve(from.relativize(p).toString());
                try
                {
                    if (Files.isDirectory(p))
                    {
                        Files.createDirectories(target);
                    }
                    else
                    {
                        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
    }

    private static boolean isRunState(final Path root, final Path p)
    {
        final Path rel = root.relativize(p);
        if (0 == rel.getNameCount() || rel.toString().isEmpty())
        {
            return false;
        }
        final String top = rel.getName(0).toString();
        return "log".equals(top) || "data".equals(top);
    }

    static void deleteTree(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<Path>()
        {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
            {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path dir, final IOException exc) throws IOException
            {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
