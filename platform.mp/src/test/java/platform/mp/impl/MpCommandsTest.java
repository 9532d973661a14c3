package platform.mp.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import platform.mp.client.MpRuntimeInfo;
import platform.mp.client.MpSecondary;

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
            assertTrue(row, row.matches("1\\s+" + ProcessHandle.current().pid() + "\\s+\\S+\\s+\\d+\\s+\\d+"));
            assertTrue(peers, peers.contains("socket " + dir.resolve("mp_socket") + "; 1 attached since start"));
            final String actions = cmd.actions();
            assertTrue(actions, actions.contains("route.changed                    primary: modules.route"));
            assertTrue(actions, actions.contains("stats.read                       secondary 1 (pid "));
        }
    }

    @Test
    public void shouldResolveTheRuntimeDirectory() throws Exception
    {
        assertEquals(Path.of("/x/conf"), MpRuntime.resolveDir(" /x/conf ", "/y/prop"));
        assertEquals(Path.of("/y/prop"), MpRuntime.resolveDir("", "/y/prop"));
        assertEquals(Path.of("/z/env"), MpRuntimeInfo.defaultDir(Map.of(MpRuntimeInfo.ENV_DIR, "/z/env")));
        final Path xdg = tmp.newFolder("xdg").toPath();
        assertEquals(xdg.resolve("dplane-mp"), MpRuntimeInfo.defaultDir(Map.of("XDG_RUNTIME_DIR", xdg.toString())));
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "dplane-" + System.getProperty("user.name"), "mp"),
            MpRuntimeInfo.defaultDir(Map.of("XDG_RUNTIME_DIR", "/does/not/exist")));
    }
}
