package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * A platform whose core does not come up says so in one line: a second instance on a control socket that a first
 * one serves exits with 1; with a shell session on stdin the shell stays up and says that the platform is not
 * running.
 */
public class NotRunningIT
{
    @Rule
    public final Timeout timeout = Timeout.seconds(120);

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aSecondInstanceOnAHeldSocketExitsWithOneLine() throws Exception
    {
        try (PlatformProcess first = PlatformProcess.start("not-running-first", List.of()))
        {
            first.awaitLog("control socket listening on " + first.socket(), Duration.ofSeconds(60));
            try (PlatformProcess second = PlatformProcess.start("not-running-second",
                Map.of("DPVS_IPC_FILE", first.socket().toString()), List.of()))
            {
                assertEquals("exit code; " + second.describe(), Launcher.EXIT_FAILED,
                    second.awaitExit(Duration.ofSeconds(60)));
                InvalidLayoutIT.assertOneLine(second, "platform: not running: another server is listening on "
                    + first.socket(), "another server is listening");
            }
            assertTrue("the first instance went down:\n" + first.describe(), first.isAlive());
        }
    }

    @Test
    public void aShellSessionStaysUpAndSaysThePlatformIsNotRunning() throws Exception
    {
        final Path conf = tmp.newFile("bad.conf").toPath();
        Files.write(conf, List.of("lcore 0 role MASTER cpu none", "lcore 1 role FOO cpu none"),
            StandardCharsets.UTF_8);
        try (PlatformProcess p = PlatformProcess.startWithInput("not-running-shell",
            List.of("-Dgosh.args=", "-Dplatform.lcore.conf=" + conf)))
        {
            p.awaitOutput("platform: not running: " + conf + ":2: unknown role 'FOO'", Duration.ofSeconds(60));
            p.awaitOutput("the Gogo shell stays up", Duration.ofSeconds(10));
            // the shell still reads commands: its exit code is the one given here, not the launcher's 1
            p.send("exit 5");
            assertEquals("exit code; " + p.describe(), 5, p.awaitExit(Duration.ofSeconds(30)));
        }
    }
}
