package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

/**
 * A DS component that fails to activate while the platform runs (here in a hot-deployed bundle) is reported in one
 * console line naming the component and the cause, with the stack trace in the log file only (SCR's own log, which
 * printed it on stdout, is off), and the platform keeps running.
 */
public class ComponentFailureIT
{
    private static final String NAME = "platform.dist.probe.failing";

    @Rule
    public final Timeout timeout = Timeout.seconds(90);

    @Test
    public void aFailingComponentIsReportedInOneLineAndThePlatformRuns() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("component-failure", List.of("-Dfelix.fileinstall.poll=300")))
        {
            p.awaitLog("lcore statistics served on GET 57..59", Duration.ofSeconds(60));
            final Path staged = p.home().resolve("failing-probe.jar");
            writeProbeBundle(staged);
            Files.move(staged, p.home().resolve("deploy").resolve("failing-probe.jar"),
                StandardCopyOption.ATOMIC_MOVE);

            p.awaitOutput("ERROR Components - component " + NAME + " of bundle " + NAME + " failed to activate: "
                + FailingComponent.REASON, Duration.ofSeconds(30));
            p.awaitLog("failed to activate: java.lang.IllegalStateException: " + FailingComponent.REASON,
                Duration.ofSeconds(10));
            assertTrue("no stack trace in the log:\n" + p.log(),
                p.log().contains("\tat " + FailingComponent.class.getName() + ".activate("));
            final long naming = Arrays.stream(p.output().split("\n"))
                .filter(l -> l.contains(FailingComponent.REASON)).count();
            assertEquals("console lines naming the failure; " + p.describe(), 1, naming);
            assertFalse("a stack trace on the console:\n" + p.output(), p.output().contains("\tat "));
            assertTrue("the platform stopped:\n" + p.describe(), p.isAlive());
        }
    }

    private static void writeProbeBundle(final Path jar) throws Exception
    {
        final Manifest mf = new Manifest();
        final Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", NAME);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Service-Component", "OSGI-INF/failing.xml");
        final String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"" + NAME
            + "\" immediate=\"true\" activate=\"activate\">\n"
            + "  <implementation class=\"" + FailingComponent.class.getName() + "\"/>\n"
            + "</scr:component>\n";
        final String entry = FailingComponent.class.getName().replace('.', '/') + ".class";
        try (OutputStream os = Files.newOutputStream(jar);
            JarOutputStream out = new JarOutputStream(os, mf);
            InputStream cls = FailingComponent.class.getClassLoader().getResourceAsStream(entry))
        {
            assertNotNull(entry, cls);
            out.putNextEntry(new JarEntry("OSGI-INF/failing.xml"));
            out.write(xml.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new JarEntry(entry));
            cls.transferTo(out);
            out.closeEntry();
        }
    }
}
