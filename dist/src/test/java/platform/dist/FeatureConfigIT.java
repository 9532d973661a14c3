package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
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
 * Features' static configuration on a running platform, each source all or nothing: the route bundle's inline list
 * dropped into {@code deploy/} as {@code modules.route.cfg} (fileinstall hands it to ConfigAdmin, the bundle restarts
 * with it), and the blacklist's {@code etc/blklst.conf} read when the feature starts (its jar moved out of
 * {@code deploy/} and back). A bad entry is named with its place (the list's position, the file's line) and the
 * feature runs without that source; the source corrected, it is applied.
 */
public class FeatureConfigIT
{
    @Rule
    public final Timeout timeout = Timeout.seconds(180);

    @Test
    public void staticEntriesAreAppliedAllOrNothingAndABadOneIsNamed() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("feature-config", List.of("-Dfelix.fileinstall.poll=300")))
        {
            p.awaitLog("routing table started for", Duration.ofSeconds(60));
            p.awaitLog("netif started from", Duration.ofSeconds(60));
            p.awaitLog("blacklist started for", Duration.ofSeconds(60));
            final Path cfg = p.home().resolve("deploy").resolve("modules.route.cfg");
            drop(p, cfg, "routes = 10.1.0.0/16 dev syn0, 10.9.0.0/16 dev nosuch, default via 10.1.0.254 dev syn0\n");
            p.awaitLog("configuration modules.route refused: configuration modules.route #2 \"10.9.0.0/16 dev nosuch\": "
                + "no such device: \"nosuch\" (invalid parameter); none of its 3 static routes applied, the feature "
                + "runs without them", Duration.ofSeconds(30));
            awaitRoutes(p, show -> !show.contains("10.1.0.0/16"));
            drop(p, cfg, "routes = 10.1.0.0/16 dev syn0, default via 10.1.0.254 dev syn0\n");
            p.awaitLog("2 static routes applied from configuration modules.route", Duration.ofSeconds(30));
            awaitRoutes(p, show -> show.contains("10.1.0.0/16") && show.contains("0.0.0.0/0"));
            Files.delete(cfg);
            awaitRoutes(p, show -> !show.contains("10.1.0.0/16"));

            // the blacklist's file in etc/, read when the feature starts
            final Path etc = p.home().resolve("etc").resolve("blklst.conf");
            Files.writeString(etc, "# kept out\ntcp 10.0.0.1:80 1.2.3.4\nudp 10.0.0.2:53 5.6.7.8\n");
            restartBlacklist(p);
            p.awaitLog("2 blacklist entries applied from " + etc, Duration.ofSeconds(30));
            SockoptIT.Cli show = SockoptIT.dplanectl(p, "blklst", "show");
            assertEquals(show.toString(), 0, show.exit());
            assertTrue(show.out(), show.out().contains("TCP      10.0.0.1:80") && show.out().contains("UDP      10.0.0.2:53"));
            Files.writeString(etc, "tcp 10.0.0.1:80 1.2.3.4\ntcp 10.0.0.1:80 1.2.3\n");
            restartBlacklist(p);
            p.awaitLog(etc + " refused: " + etc + ":2 \"tcp 10.0.0.1:80 1.2.3\"", Duration.ofSeconds(30));
            show = SockoptIT.dplanectl(p, "blklst", "show");
            assertEquals(show.toString(), 0, show.exit());
            assertFalse(show.out(), show.out().contains("10.0.0.1:80"));
        }
    }

    private static void drop(final PlatformProcess p, final Path target, final String text) throws Exception
    {
        final Path staged = p.home().resolve(target.getFileName());
        Files.writeString(staged, text);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The blacklist's jar moved out of deploy/ until its range is gone, then back until it answers. */
    private static void restartBlacklist(final PlatformProcess p) throws Exception
    {
        final Path deployed;
        try (var jars = Files.list(p.home().resolve("deploy")))
        {
            deployed = jars.filter(f -> f.getFileName().toString().startsWith("modules.blklst-")).findFirst()
                .orElseThrow();
        }
        final Path aside = p.home().resolve(deployed.getFileName());
        Files.move(deployed, aside, StandardCopyOption.ATOMIC_MOVE);
        awaitBlacklist(p, false);
        Files.move(aside, deployed, StandardCopyOption.ATOMIC_MOVE);
        awaitBlacklist(p, true);
    }

    private static void awaitBlacklist(final PlatformProcess p, final boolean there) throws Exception
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while ((0 == SockoptIT.dplanectl(p, "get", "76").exit()) != there)
        {
            assertTrue("the blacklist " + (there ? "back" : "gone"), System.nanoTime() < deadline);
            Thread.sleep(100);
        }
    }

    private static void awaitRoutes(final PlatformProcess p, final java.util.function.Predicate<String> ok)
        throws Exception
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        SockoptIT.Cli show;
        while (0 != (show = SockoptIT.dplanectl(p, "route", "show")).exit() || !ok.test(show.out()))
        {
            assertTrue("routes: " + show, System.nanoTime() < deadline);
            Thread.sleep(200);
        }
    }
}
