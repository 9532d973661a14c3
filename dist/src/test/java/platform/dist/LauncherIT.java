package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * Launcher options that need no running framework: --help, bad arguments, a broken home folder.
 */
public class LauncherIT
{
    @Rule
    public final Timeout timeout = Timeout.seconds(60);

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void helpPrintsUsage() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("help", List.of(), "--help"))
        {
            assertEquals(p.output(), Launcher.EXIT_OK, p.awaitExit(Duration.ofSeconds(20)));
            assertTrue(p.output(), p.stdout().contains("Usage: java"));
            assertTrue(p.output(), p.stdout().contains("--exec"));
        }
    }

    @Test
    public void unknownArgumentIsRefused() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("bad-argument", List.of(), "--bogus"))
        {
            assertEquals(p.output(), Launcher.EXIT_USAGE, p.awaitExit(Duration.ofSeconds(20)));
            assertTrue(p.output(), p.stderr().contains("unknown argument '--bogus'"));
        }
    }

    @Test
    public void aHomeWithoutBundleFolderIsRefused() throws Exception
    {
        final String empty = tmp.newFolder("empty-home").toString();
        try (PlatformProcess p = PlatformProcess.start("broken-home", List.of("-Dplatform.home=" + empty)))
        {
            assertEquals(p.output(), Launcher.EXIT_USAGE, p.awaitExit(Duration.ofSeconds(20)));
            assertTrue(p.output(), p.stderr().contains("broken home folder " + empty + ": no bundle/ folder"));
        }
    }
}
