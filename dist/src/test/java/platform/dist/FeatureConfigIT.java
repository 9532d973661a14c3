package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

/**
 * A feature's configuration dropped into {@code deploy/} of a running platform (fileinstall hands it to
 * ConfigAdmin): the route bundle restarts with the static routes it names, adds the good ones and names the bad one
 * in the log, and goes on without it; the file removed, it restarts without them.
 */
public class FeatureConfigIT
{
    @Rule
    public final Timeout timeout = Timeout.seconds(120);

    @Test
    public void staticRoutesDroppedIntoDeployAreAppliedAndABadOneIsNamed() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("feature-config", List.of("-Dfelix.fileinstall.poll=300")))
        {
            p.awaitLog("routing table started for", Duration.ofSeconds(60));
            p.awaitLog("netif started from", Duration.ofSeconds(60));
            final Path staged = p.home().resolve("modules.route.cfg");
            Files.writeString(staged, "routes = 10.1.0.0/16 dev syn0, 10.9.0.0/16 dev nosuch, "
                + "default via 10.1.0.254 dev syn0\n");
            Files.move(staged, p.home().resolve("deploy").resolve("modules.route.cfg"), StandardCopyOption.ATOMIC_MOVE);
            p.awaitLog("2 of 3 static routes added", Duration.ofSeconds(30));
            assertTrue(p.log(), p.log().contains("static route 2 \"10.9.0.0/16 dev nosuch\" of configuration "
                + "modules.route refused: no such device: \"nosuch\""));
            final SockoptIT.Cli show = SockoptIT.dplanectl(p, "route", "show");
            assertEquals(show.toString(), 0, show.exit());
            assertTrue(show.out(), show.out().contains("10.1.0.0/16") && show.out().contains("0.0.0.0/0"));
            assertTrue(show.out(), !show.out().contains("10.9.0.0"));

            Files.delete(p.home().resolve("deploy").resolve("modules.route.cfg"));
            final long deadline = System.nanoTime() + 30_000_000_000L;
            SockoptIT.Cli again;
            while (0 != (again = SockoptIT.dplanectl(p, "route", "show")).exit() || again.out().contains("10.1.0.0/16"))
            {
                assertTrue("the routes stay after the configuration went (or no answer): " + again, System.nanoTime() < deadline);
                Thread.sleep(200);
            }
        }
    }
}
