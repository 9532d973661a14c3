package platform.dist;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

/**
 * {@code platform.jar} with no option and no terminal: it stays up (Gogo does not stop the framework at stdin EOF)
 * until SIGTERM, which stops the bundles cleanly through the shutdown hook.
 */
public class HeadlessIT
{
    @Rule
    public final Timeout timeout = Timeout.seconds(60);

    @Test
    public void runsHeadlessUntilSigtermThenStopsTheLcores() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("headless", List.of()))
        {
            p.awaitLog("started 2 lcores from " + p.home().resolve("etc").resolve("lcores.conf"),
                Duration.ofSeconds(20));
            assertFalse("SLF4J is not bound to logback:\n" + p.describe(),
                p.output().contains("No SLF4J providers were found") || p.output().contains("NOP"));

            Thread.sleep(3000);
            assertTrue("the platform stopped by itself (stdin EOF?):\n" + p.output(), p.isAlive());
            assertFalse("Gogo stopped the framework:\n" + p.output(),
                p.output().contains("stopping shell and framework"));

            p.terminate();
            p.awaitExit(Duration.ofSeconds(20));
            assertTrue("no clean lcore stop in:\n" + p.describe(), p.log().contains("lcore 1 (FWD_WORKER) stopped"));
            assertTrue("no clean lcore stop in:\n" + p.describe(), p.log().contains("lcore 0 (MASTER) stopped"));
        }
    }
}
