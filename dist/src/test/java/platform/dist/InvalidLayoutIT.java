package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * {@code -Dplatform.lcore.conf=<file>} with a broken layout: no lcore starts, and the process (a service: no
 * terminal) exits with 1 after one console line naming the file and line; the stack trace is in the log file only.
 */
public class InvalidLayoutIT
{
    @Rule
    public final Timeout timeout = Timeout.seconds(90);

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void anUnknownRoleStopsTheServiceWithOneLineNamingFileAndLine() throws Exception
    {
        final Path conf = layout("unknown-role.conf", "lcore 0 role MASTER cpu none", "lcore 1 role FOO cpu none");
        try (PlatformProcess p = PlatformProcess.start("invalid-layout-headless",
            List.of("-Dplatform.lcore.conf=" + conf)))
        {
            assertEquals("exit code; " + p.describe(), Launcher.EXIT_FAILED, p.awaitExit(Duration.ofSeconds(30)));
            assertOneLine(p, "platform: not running: " + conf + ":2: unknown role 'FOO'", "unknown role 'FOO'");
            assertTrue("the log has no stack trace of the failure:\n" + p.log(),
                p.log().contains("Caused by: platform.lcore.impl.SchedulerConfig$ConfigException: " + conf + ":2:"));
            assertFalse("an lcore started:\n" + p.describe(), p.log().contains("started 2 lcores"));
        }
    }

    @Test
    public void twoMastersFailAnExecWithOneLineNamingFileAndLine() throws Exception
    {
        final Path conf = layout("two-masters.conf", "lcore 0 role MASTER     cpu none",
            "lcore 1 role FWD_WORKER cpu none", "lcore 2 role MASTER     cpu none");
        try (PlatformProcess p = PlatformProcess.start("invalid-layout-exec",
            List.of("-Dplatform.lcore.conf=" + conf), "--exec", "lcore:list"))
        {
            assertEquals("exit code; " + p.describe(), Launcher.EXIT_FAILED, p.awaitExit(Duration.ofSeconds(30)));
            assertOneLine(p, "platform: not running: " + conf + ":3: second MASTER lcore 2", "second MASTER");
            assertFalse("a table was printed:\n" + p.describe(), p.stdout().contains("LCORE"));
        }
    }

    private Path layout(final String name, final String... lines) throws Exception
    {
        final Path conf = tmp.newFile(name).toPath();
        Files.write(conf, List.of(lines), StandardCharsets.UTF_8);
        return conf;
    }

    /**
     * Exactly one console line names the cause (it starts with {@code expected}), and the console shows no stack
     * trace.
     */
    static void assertOneLine(final PlatformProcess p, final String expected, final String cause)
    {
        final List<String> naming = Arrays.stream(p.output().split("\n")).filter(l -> l.contains(cause))
            .collect(Collectors.toList());
        assertEquals("console lines naming the cause; " + p.describe(), 1, naming.size());
        assertTrue("not the expected line: " + naming.get(0), naming.get(0).startsWith(expected));
        assertFalse("a stack trace on the console:\n" + p.output(),
            p.output().contains("\tat ") || p.output().contains("Exception"));
    }
}
