package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * {@code -Dplatform.lcore.conf=<file>} with a broken layout: the log names the file and line, no lcore starts, and
 * {@code lcore:list} cannot be run ({@code --exec} exit code 2).
 */
public class InvalidLayoutIT
{
    @Rule
    public final Timeout timeout = Timeout.seconds(60);

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void twoMastersAreRefusedWithFileAndLine() throws Exception
    {
        final Path conf = tmp.newFile("two-masters.conf").toPath();
        Files.write(conf, List.of(
            "lcore 0 role MASTER     cpu none",
            "lcore 1 role FWD_WORKER cpu none",
            "lcore 2 role MASTER     cpu none"), StandardCharsets.UTF_8);

        try (PlatformProcess p = PlatformProcess.start("invalid-layout",
            List.of("-Dplatform.lcore.conf=" + conf, "-Dplatform.exec.timeout.ms=5000"), "--exec", "lcore:list"))
        {
            assertEquals("exit code; output:\n" + p.output(), Launcher.EXIT_TIMEOUT,
                p.awaitExit(Duration.ofSeconds(30)));
            assertTrue("the error does not name the file and line:\n" + p.output(),
                p.output().contains(conf + ":3: second MASTER lcore 2"));
            assertTrue("an lcore started:\n" + p.output(), !p.output().contains("started 2 lcores")
                && !p.output().contains("started 3 lcores"));
            assertTrue("a table was printed:\n" + p.output(), !p.stdout().contains("LCORE"));
        }
    }
}
