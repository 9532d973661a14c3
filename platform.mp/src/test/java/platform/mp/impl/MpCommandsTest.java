package platform.mp.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleEvent;

import platform.mp.client.MpCliAccess;
import platform.mp.client.MpRuntimeInfo;
import platform.mp.client.MpSecondary;
import platform.mp.client.MpStats;

/** mp:peers and mp:actions over a real primary and secondary, and where the runtime directory is. */
public class MpCommandsTest
{
    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void shouldListPeersAndActions() throws Exception
    {
        final Path dir = tmp.newFolder("mp").toPath();
        try (MpPrimary primary = new MpPrimary(dir, 256); MpSecondary s = MpSecondary.attach(dir))
        {
            primary.register("route.changed", m -> null, "primary: modules.route");
            s.register("stats.read", m -> null);
            final MpCommands cmd = new MpCommands(primary);
            MpTesting.await("announced", 5000, () -> cmd.actions().contains("stats.read"));
            final String peers = cmd.peers();
            assertTrue(peers, peers.startsWith("ID   PID"));
            final String row = peers.lines().skip(1).findFirst().orElseThrow();
            assertTrue(row, row.matches("1\\s+" + ProcessHandle.current().pid()
                + "\\s+\\S+\\s+\\d+\\s+\\d+\\s+yes\\s+0"));
            assertTrue(peers, peers.contains("socket " + dir.resolve("mp_socket") + "; 1 attached since start"));
            final String actions = cmd.actions();
            assertTrue(actions, actions.contains("route.changed                    primary: modules.route"));
            assertTrue(actions, actions.contains("stats.read                       secondary 1 (pid "));
            assertTrue(actions, actions.contains("mp.region.alloc                  built-in"));
            s.alloc("stats", 8192, Duration.ofSeconds(5));
            assertEquals(String.format("%-24s %10s %6s %s%n%-24s %10d %6d %s%n%-24s %10d %6d %s%n", "NAME", "SIZE",
                "OWNER", "FILE", "mp.stats", MpStats.size(MpPrimary.STATS_CAPACITY), 0, dir.resolve("region_mp.stats"), "stats", 8192, 1,
                dir.resolve("region_stats")), cmd.regions());
        }
    }

    @Test
    public void shouldAnswerOnTheCommandLine() throws Exception
    {
        final Path dir = tmp.newFolder("cli").toPath();
        try (MpPrimary primary = new MpPrimary(dir, 256))
        {
            primary.register("ping", m -> ("pong:" + new String(m.params(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8), "test");
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            assertEquals(0, MpCliAccess.run(new String[] {"--dir", dir.toString(), "request", "ping", "hi"}, out));
            assertEquals(0, MpCliAccess.run(new String[] {"--dir", dir.toString(), "info"}, out));
            // no action for the name: the primary answers IGN, which is not a missing reply
            assertEquals(0, MpCliAccess.run(new String[] {"--dir", dir.toString(), "request", "nobody"}, out));
            final String text = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(text, text.startsWith("nb_sent=1 nb_received=1\npong:hi\nprimary pid "
                + ProcessHandle.current().pid() + ", protocol 2, socket " + dir.resolve("mp_socket")
                + ", max params 256 bytes, fds on " + dir.resolve("mp_fd_socket") + "\nnb_sent=0 nb_received=0\n"));
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(2, MpCliAccess.run(new String[] {"--dir", dir.toString(), "info"},
            new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith("error: "));
    }

    @Test
    public void shouldWatchAnEventOnTheCommandLine() throws Exception
    {
        final Path dir = tmp.newFolder("watch").toPath();
        try (MpPrimary primary = new MpPrimary(dir, 256))
        {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            final AtomicInteger exit = new AtomicInteger(-1);
            final Thread watcher = new Thread(() -> exit.set(MpCliAccess.run(new String[] {"--dir", dir.toString(),
                "watch", "platform.bundle", "--count", "2"}, out)));
            watcher.start();
            // "watching" is printed once the subscription is answered, as a user would wait for it: the primary
            // lists the subscription a moment earlier, and an event published then printed before "watching" (CI)
            MpTesting.await("subscribed", 5000, () -> primary.actions().stream()
                .anyMatch(a -> a.name().equals("platform.bundle"))
                && bytes.toString(StandardCharsets.UTF_8).startsWith("watching platform.bundle\n"));
            assertEquals(1, primary.publish("platform.bundle", MpRuntime.bundleEvent(BundleEvent.STARTED,
                "modules.route", "0.1.0.SNAPSHOT", 12, 256)));
            assertEquals(1, primary.publish("platform.bundle", MpRuntime.bundleEvent(BundleEvent.STOPPED,
                "x".repeat(300), "1.0.0", 13, 64)));
            watcher.join(5000);
            assertEquals(0, exit.get());
            assertEquals("watching platform.bundle\nplatform.bundle STARTED modules.route 0.1.0.SNAPSHOT 12\n"
                + "platform.bundle STOPPED " + "x".repeat(56) + "\n", bytes.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    public void shouldResolveTheRuntimeDirectory() throws Exception
    {
        final Map<String, String> env = Map.of(MpRuntimeInfo.ENV_DIR, "/z/env");
        assertEquals(Path.of("/x/conf"), MpRuntime.resolveDir(" /x/conf ", "/y/prop", "/home/p", env));
        assertEquals(Path.of("/y/prop"), MpRuntime.resolveDir("", "/y/prop", "/home/p", env));
        assertEquals(Path.of("/z/env"), MpRuntime.resolveDir("", null, "/home/p", env));
        assertEquals(Path.of("/home/p/data/mp"), MpRuntime.resolveDir("", null, "/home/p", Map.of()));
        // a home too deep for sun_path: the per-user directory
        assertEquals(MpRuntimeInfo.defaultDir(Map.of()), MpRuntime.resolveDir("", null, "/" + "d".repeat(100),
            Map.of()));
        assertEquals(Path.of("/z/env"), MpRuntimeInfo.defaultDir(Map.of(MpRuntimeInfo.ENV_DIR, "/z/env")));
        final Path xdg = tmp.newFolder("xdg").toPath();
        assertEquals(xdg.resolve("dplane-mp"), MpRuntimeInfo.defaultDir(Map.of("XDG_RUNTIME_DIR", xdg.toString())));
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "dplane-" + System.getProperty("user.name"), "mp"),
            MpRuntimeInfo.defaultDir(Map.of("XDG_RUNTIME_DIR", "/does/not/exist")));
    }
}
