package platform.sockopt.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import platform.sockopt.client.SockoptPaths;

/**
 * The order in which the server picks its socket path: DPVS_IPC_FILE, the configuration, DPVS's default when
 * writable, the per-user runtime directory.
 */
public class SocketPathResolverTest
{
    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void shouldPreferDpvsIpcFileOverEverythingElse() throws IOException
    {
        final Path runDir = tmp.newFolder("run").toPath();
        final SocketPathResolver.Resolved r = SocketPathResolver.resolve(
            Map.of(SockoptPaths.ENV, "/tmp/from-env.ipc", "XDG_RUNTIME_DIR", tmp.getRoot().toString()),
            "/tmp/from-config.ipc", runDir.resolve("dpvs.ipc"));
        assertEquals(Path.of("/tmp/from-env.ipc"), r.path());
        assertEquals(SockoptPaths.ENV, r.origin());
    }

    @Test
    public void shouldTakeTheConfiguredPathWhenTheEnvironmentIsSilentOrEmpty() throws IOException
    {
        final Path runDir = tmp.newFolder("run").toPath();
        final SocketPathResolver.Resolved r = SocketPathResolver.resolve(
            Map.of(SockoptPaths.ENV, ""), "  /tmp/from-config.ipc ", runDir.resolve("dpvs.ipc"));
        assertEquals(Path.of("/tmp/from-config.ipc"), r.path());
        assertEquals("configuration", r.origin());
    }

    @Test
    public void shouldTakeDpvsDefaultWhenItsDirectoryIsWritable() throws IOException
    {
        final Path runDir = tmp.newFolder("run").toPath();
        final SocketPathResolver.Resolved r = SocketPathResolver.resolve(Map.of(), "", runDir.resolve("dpvs.ipc"));
        assertEquals(runDir.resolve("dpvs.ipc"), r.path());
        assertEquals("DPVS default", r.origin());
    }

    @Test
    public void shouldFallBackToTheRuntimeDirectoryWhenDpvsDefaultIsNotWritable() throws IOException
    {
        final Path xdg = tmp.newFolder("xdg").toPath();
        final Path missing = tmp.getRoot().toPath().resolve("no-such-dir").resolve("dpvs.ipc");
        SocketPathResolver.Resolved r = SocketPathResolver.resolve(
            Map.of("XDG_RUNTIME_DIR", xdg.toString()), null, missing);
        assertEquals(xdg.resolve("dpvs.ipc"), r.path());
        assertEquals("per-user runtime directory", r.origin());

        // no XDG_RUNTIME_DIR: a private directory under java.io.tmpdir
        r = SocketPathResolver.resolve(Map.of(), null, missing);
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "dplane-" + System.getProperty("user.name"), "dpvs.ipc"),
            r.path());
    }

    @Test
    public void shouldRefuseAPathLongerThanSunPath() throws IOException
    {
        final Path tooLong = tmp.getRoot().toPath().resolve("x".repeat(120) + ".ipc");
        try
        {
            SocketFile.bindChannel(tooLong, ServerConfig.DEFAULT_BACKLOG).close();
            fail("bound " + tooLong);
        }
        catch (final IOException expected)
        {
            assertTrue(expected.getMessage(), expected.getMessage().contains("107 bytes"));
        }
    }

    @Test
    public void shouldCreateAMissingDirectoryOwnerOnly() throws IOException
    {
        final Path dir = Files.createTempDirectory("so").resolve("d");
        try
        {
            SocketFile.bindChannel(dir.resolve("s.ipc"), ServerConfig.DEFAULT_BACKLOG).close();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        }
        finally
        {
            Files.deleteIfExists(dir.resolve("s.ipc"));
            Files.deleteIfExists(dir);
            Files.deleteIfExists(dir.getParent());
        }
    }

    @Test
    public void clientShouldFollowTheSameOrder() throws IOException
    {
        assertEquals(Path.of("/tmp/x.ipc"), SockoptPaths.clientPath(Map.of(SockoptPaths.ENV, "/tmp/x.ipc")));
    }
}
