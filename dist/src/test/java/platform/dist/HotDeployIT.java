package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

/**
 * A bundle dropped into {@code deploy/} of a running platform is installed and started by fileinstall, and
 * uninstalled (stopped) when its jar is deleted.
 */
public class HotDeployIT
{
    @Rule
    public final Timeout timeout = Timeout.seconds(180);

    @Test
    public void aBundleDroppedIntoDeployStartsAndStopsWhenRemoved() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("hot-deploy", List.of("-Dfelix.fileinstall.poll=300")))
        {
            p.awaitLog("started 2 lcores from", Duration.ofSeconds(20));

            // written next to deploy/ and moved in, so fileinstall never sees a half-written jar
            final Path staged = p.home().resolve("hot-deploy-probe.jar");
            writeProbeBundle(staged);
            final Path deployed = p.home().resolve("deploy").resolve("hot-deploy-probe.jar");
            Files.move(staged, deployed, StandardCopyOption.ATOMIC_MOVE);
            p.awaitOutput(HotDeployActivator.STARTED, Duration.ofSeconds(15));

            Files.delete(deployed);
            p.awaitOutput(HotDeployActivator.STOPPED, Duration.ofSeconds(15));
        }
    }

    /**
     * The features ship in {@code deploy/} and only there: each comes and goes with its jar. Moved out, the blacklist
     * is stopped and uninstalled (its sockopts free: EDPVS_NOTSUPP); moved back, it is installed at the features'
     * start level 4 and serves again; replaced by a newer file, it is updated in place (same bundle id).
     */
    @Test
    public void aShippedFeatureComesAndGoesWithItsJarInDeploy() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.startWithInput("hot-deploy-feature",
            List.of("-Dfelix.fileinstall.poll=300", "-Dgosh.args=")))
        {
            p.awaitLog("blacklist started for modules.blklst", Duration.ofSeconds(60));
            assertEquals("the shipped features are not also in bundle/", List.of(),
                listJars(p.home().resolve("bundle"), "modules."));
            final Path deployed;
            try (var jars = Files.list(p.home().resolve("deploy")))
            {
                deployed = jars.filter(f -> f.getFileName().toString().startsWith("modules.blklst-")).findFirst()
                    .orElseThrow();
            }
            final String id = blklstRow(p).split("\\|")[0].trim();
            assertTrue(blklstRow(p), blklstRow(p).matches("\\s*\\d+\\|Active\\s*\\|\\s*4\\|.*"));
            assertEquals(0, SockoptIT.dplanectl(p, "get", "76").exit());

            final Path aside = p.home().resolve(deployed.getFileName());
            Files.move(deployed, aside, StandardCopyOption.ATOMIC_MOVE);
            awaitCli("GET 76 free once the blacklist is uninstalled", p, 1);
            // its sockopt range goes first while it stops (a CI run saw it still Stopping): then it is uninstalled
            awaitUninstalled(p);

            Files.move(aside, deployed, StandardCopyOption.ATOMIC_MOVE);
            awaitCli("GET 76 served again", p, 0);
            assertTrue(blklstRow(p), blklstRow(p).matches("\\s*\\d+\\|Active\\s*\\|\\s*4\\|.*"));
            final String reinstalled = blklstRow(p).split("\\|")[0].trim();
            assertNotEquals("a new installation", id, reinstalled);

            // a newer file in its place: updated, not reinstalled
            final Path staged = p.home().resolve("staged.jar");
            Files.copy(deployed, staged);
            Files.setLastModifiedTime(staged, java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 5_000));
            final int before = count(p.log(), "blacklist started for modules.blklst");
            Files.move(staged, deployed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            await("no restart after the update", p,
                () -> count(p.log(), "blacklist started for modules.blklst") == before ? "not restarted" : null);
            awaitCli("GET 76 served after the update", p, 0);
            assertEquals("updated in place", reinstalled, blklstRow(p).split("\\|")[0].trim());
        }
    }

    private static List<String> listJars(final Path dir, final String prefix) throws java.io.IOException
    {
        try (var files = Files.walk(dir))
        {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(prefix) && n.endsWith(".jar"))
                .toList();
        }
    }

    private static int count(final String text, final String what)
    {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1))
        {
            n++;
        }
        return n;
    }

    private static void awaitCli(final String what, final PlatformProcess p, final int exit) throws Exception
    {
        await(what, p, () ->
        {
            final SockoptIT.Cli c = SockoptIT.dplanectl(p, "get", "76");
            return c.exit() == exit ? null : c;
        });
    }

    /** Waits until Gogo's {@code lb} no longer lists modules.blklst. */
    private static void awaitUninstalled(final PlatformProcess p) throws Exception
    {
        await("uninstalled", p, () ->
        {
            final String row = blklstRow(p);
            return row.isEmpty() ? null : row;
        });
    }

    /** Polls until {@code pending} gives null; fails after 30 s, naming what it gave last. */
    private static void await(final String what, final PlatformProcess p, final Callable<Object> pending)
        throws Exception
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        Object left;
        while (null != (left = pending.call()))
        {
            assertTrue(what + ": " + left + "; " + p.describe(), System.nanoTime() < deadline);
            Thread.sleep(200);
        }
    }

    /** modules.blklst's row of Gogo's {@code lb}, or "" when it is not installed. */
    private static String blklstRow(final PlatformProcess p) throws Exception
    {
        for (final String line : p.gogo("lb").split("\n"))
        {
            if (line.contains("modules.blklst"))
            {
                return line.replaceFirst("^g! ", "");
            }
        }
        return "";
    }

    /** A bundle whose only class is {@link HotDeployActivator}, copied from the test classes. */
    private static void writeProbeBundle(final Path jar) throws Exception
    {
        final Manifest mf = new Manifest();
        final Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "platform.dist.hotdeploy.probe");
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Bundle-Activator", HotDeployActivator.class.getName());
        a.putValue("Import-Package", "org.osgi.framework");
        final String entry = HotDeployActivator.class.getName().replace('.', '/') + ".class";
        try (OutputStream os = Files.newOutputStream(jar);
            JarOutputStream out = new JarOutputStream(os, mf);
            InputStream cls = HotDeployActivator.class.getClassLoader().getResourceAsStream(entry))
        {
            assertNotNull(entry, cls);
            out.putNextEntry(new JarEntry(entry));
            cls.transferTo(out);
            out.closeEntry();
        }
    }
}
