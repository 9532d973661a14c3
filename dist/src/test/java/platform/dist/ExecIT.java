package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

/**
 * {@code platform.jar --exec '<command>'}: the real distribution starts headless, runs one Gogo command, prints its
 * result on stdout and exits.
 */
public class ExecIT
{
    @Rule
    public final Timeout timeout = Timeout.seconds(60);

    @Test
    public void lcoreListPrintsTheLcoreTable() throws Exception
    {
        // a longer settle than the default 1 s: the lcore threads must be RUNNING, also on a busy machine
        try (PlatformProcess p = PlatformProcess.start("exec-lcore-list", List.of(),
            "--exec", "lcore:list"))
        {
            assertEquals("exit code; output:\n" + p.output(), Launcher.EXIT_OK, p.awaitExit(Duration.ofSeconds(30)));
            final String out = p.stdout();
            final String header = Arrays.stream(out.split("\n")).filter(l -> l.startsWith("LCORE")).findFirst()
                .orElseThrow(() -> new AssertionError("no table header on stdout:\n" + p.output()));
            for (final String column : List.of("LCORE", "ROLE", "CPU", "PINNED", "STATE"))
            {
                assertTrue(column + " missing from header: " + header, header.contains(column));
            }
            assertRow(out, "0", "MASTER");
            assertRow(out, "1", "FWD_WORKER");
        }
    }

    @Test
    public void lcoreJobsPrintsTheJobTable() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("exec-lcore-jobs", List.of(), "--exec", "lcore:jobs"))
        {
            assertEquals("exit code; output:\n" + p.output(), Launcher.EXIT_OK, p.awaitExit(Duration.ofSeconds(30)));
            assertTrue("no JOB/CALLS header on stdout:\n" + p.output(), Arrays.stream(p.stdout().split("\n"))
                .anyMatch(l -> l.contains("JOB") && l.contains("CALLS")));
        }
    }

    @Test
    public void aFailingCommandExitsWithOne() throws Exception
    {
        // lcore:resume needs a role and a job name
        try (PlatformProcess p = PlatformProcess.start("exec-failing", List.of("-Dplatform.exec.delay.ms=0"),
            "--exec", "lcore:resume"))
        {
            assertEquals("exit code; output:\n" + p.output(), Launcher.EXIT_FAILED,
                p.awaitExit(Duration.ofSeconds(30)));
            assertTrue("no failure message on stderr:\n" + p.output(), p.stderr().contains("'lcore:resume' failed"));
        }
    }

    @Test
    public void aMissingCommandTimesOutWithTwo() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("exec-missing", List.of("-Dplatform.exec.timeout.ms=3000"),
            "--exec", "nosuch:command"))
        {
            assertEquals("exit code; output:\n" + p.output(), Launcher.EXIT_TIMEOUT,
                p.awaitExit(Duration.ofSeconds(30)));
            assertTrue("no timeout message on stderr:\n" + p.output(),
                p.stderr().contains("command 'nosuch:command' not available after 3000 ms"));
        }
    }

    private static void assertRow(final String table, final String id, final String role)
    {
        // LCORE ROLE CPU PINNED STATE ...
        final Pattern row = Pattern.compile("(?m)^" + id + "\\s+" + role + "\\s+\\S+\\s+(yes|no)\\s+RUNNING\\s");
        assertTrue("no RUNNING row for lcore " + id + " " + role + " in:\n" + table, row.matcher(table).find());
    }
}
