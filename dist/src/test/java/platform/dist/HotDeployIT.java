package platform.dist;

import static org.junit.Assert.assertNotNull;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
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
    public final Timeout timeout = Timeout.seconds(60);

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
