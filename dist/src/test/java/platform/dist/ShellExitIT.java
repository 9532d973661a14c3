package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.time.Duration;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

/**
 * {@code exit N} typed at the Gogo shell (here on a pipe, {@code -Dgosh.args=} keeping the session on stdin) stops
 * the platform and the process exits with N, without the {@code gogo: InterruptedException: null} line the
 * default profile's {@code exit} (System.exit inside the running command) printed every time.
 */
public class ShellExitIT
{
    @Rule
    public final Timeout timeout = Timeout.seconds(90);

    @Test
    public void exitStopsThePlatformQuietlyWithItsCode() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.startWithInput("shell-exit", List.of("-Dgosh.args=")))
        {
            p.awaitOutput("Welcome to Apache Felix Gogo", Duration.ofSeconds(60));
            p.awaitLog("lcore statistics served on GET 57..59", Duration.ofSeconds(60));
            p.send("exit 3");
            assertEquals("exit code; " + p.describe(), 3, p.awaitExit(Duration.ofSeconds(30)));
            assertFalse("exit printed an exception:\n" + p.output(), p.output().contains("Exception"));
            assertFalse("the executor did not stop:\n" + p.output(), p.output().contains("FAILED TO STOP"));
            // the bundles were stopped, not the JVM halted under them
            p.awaitLog("lcore 0 (MASTER) stopped", Duration.ofSeconds(5));
        }
    }
}
