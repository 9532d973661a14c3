package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.UnixDomainSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * Logging of the distribution: INFO and above to {@code log/platform.log}, only WARN and above on the console,
 * {@code --console-level}, {@code log:tail}, rotation by size, and a console that stays quiet while the platform idles.
 */
public class LoggingIT
{
    /** A console line written by logback (etc/logback.xml: time, level, logger, message). */
    private static final Pattern CONSOLE_LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (\\w+) ");

    @Rule
    public final Timeout timeout = Timeout.seconds(120);

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void infoGoesToTheLogFileAndWarnAlsoToTheConsole() throws Exception
    {
        // a stale socket file nobody listens on: the control socket replaces it and warns
        final Path socket = tmp.getRoot().toPath().resolve("stale.ipc");
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            stale.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue("no stale socket file " + socket, Files.exists(socket));

        try (PlatformProcess p = PlatformProcess.start("logging-levels", Map.of("DPVS_IPC_FILE", socket.toString()),
            List.of()))
        {
            p.awaitLog("control socket listening on " + socket, Duration.ofSeconds(60));
            p.awaitLog("lcore statistics served on GET 57..59", Duration.ofSeconds(60));
            assertTrue("the INFO lines are not in the log file:\n" + p.describe(),
                p.log().contains("INFO  Scheduler - started 2 lcores from"));
            assertTrue("the WARN is not in the log file:\n" + p.describe(),
                p.log().contains("WARN  SocketFile - replacing stale control socket " + socket));
            p.awaitOutput("WARN  SocketFile - replacing stale control socket " + socket, Duration.ofSeconds(10));
            assertFalse("INFO lines on the console:\n" + p.output(), p.output().contains("started 2 lcores")
                || p.output().contains("control socket listening") || p.output().contains(" INFO "));
        }
    }

    @Test
    public void logTailReturnsTheLastLinesOfTheFileAndConsoleLevelShowsInfo() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("logging-tail", List.of(), "--console-level", "info",
            "--exec", "log:tail 5"))
        {
            assertEquals("exit code; " + p.describe(), Launcher.EXIT_OK, p.awaitExit(Duration.ofSeconds(60)));
            final List<String> tail = Arrays.asList(p.stdout().split("\n"));
            assertEquals("log:tail 5 printed:\n" + p.stdout(), 5, tail.size());
            assertTrue("log:tail lines are not the file's lines (in order):\n" + p.describe(),
                p.log().contains(String.join("\n", tail) + "\n"));
            assertTrue("log:tail did not end at the file's end at the time: " + tail,
                tail.get(4).contains("lcore statistics served on GET 57..59")
                    || p.log().indexOf(tail.get(4)) > p.log().indexOf("lcore statistics served on GET 57..59"));
            // --console-level info: the INFO lines are on the console too
            assertTrue("--console-level info shows no INFO line:\n" + p.stderr(),
                p.stderr().contains("INFO  Scheduler - started 2 lcores from")
                    && p.stderr().contains("INFO  Lcore - lcore 0 (MASTER) started"));
        }
    }

    @Test
    public void theLogFileRotatesAtTheConfiguredSize() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("logging-rotation",
            List.of("-Dplatform.log.max.size=1KB", "-Dplatform.log.max.files=3", "-Dplatform.log.check.ms=0")))
        {
            final Path rotated = p.home().resolve("log").resolve("platform.log.1");
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(rotated))
            {
                assertTrue("no " + rotated + " within 60 s; " + p.describe(), System.nanoTime() - deadline < 0
                    && p.isAlive());
                Thread.sleep(50);
            }
            // rolled when it had reached 1 KB, before the event that found it full
            assertTrue("rotated at " + Files.size(rotated) + " bytes", Files.size(rotated) >= 1024);
            assertTrue("rotated far beyond 1 KB: " + Files.size(rotated), Files.size(rotated) < 4096);
            assertFalse("more files kept than platform.log.max.files=3",
                Files.exists(p.home().resolve("log").resolve("platform.log.4")));
        }
    }

    @Test
    public void theConsoleStaysQuietWhileThePlatformIdles() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("logging-idle", List.of()))
        {
            p.awaitLog("lcore statistics served on GET 57..59", Duration.ofSeconds(60));
            final long atStart = consoleLines(p);
            // an observation window: the lcores loop (and on a busy host overrun big_loop_us) all the while
            Thread.sleep(4000);
            assertTrue("the platform stopped:\n" + p.describe(), p.isAlive());
            assertEquals("console lines while idle:\n" + p.output(), atStart, consoleLines(p));
            for (final String line : p.output().split("\n"))
            {
                final var m = CONSOLE_LOG_LINE.matcher(line);
                assertTrue("a console log line below WARN: " + line, !m.find() || "WARN".equals(m.group(1))
                    || "ERROR".equals(m.group(1)));
            }
        }
    }

    private static long consoleLines(final PlatformProcess p)
    {
        return p.output().chars().filter(c -> '\n' == c).count();
    }
}
