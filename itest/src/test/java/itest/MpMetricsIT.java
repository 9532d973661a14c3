package itest;

import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import platform.lcore.api.LcoreScheduler;

/**
 * A feature's figures in the multi-process channel's statistics segment, in Felix: modules.netif's ports, queues
 * and drop reasons, which it offers through platform.metrics' whiteboard ({@code MetricsSource}), are read by a
 * secondary in a separate JVM ({@code MpCli stats}, with no request) and move; they leave the segment when netif
 * stops and come back when it starts again. (MpIT runs platform.mp without platform.metrics: the optional import.)
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MpMetricsIT extends BaseTest
{
    private static final Pattern QUEUE0 = Pattern.compile("^port_received_packets\\.syn0\\.0 (\\d+)$",
        Pattern.MULTILINE);
    private static final Pattern NO_ROUTE = Pattern.compile("^netif_dropped_packets\\.1\\.no_route (\\d+)$",
        Pattern.MULTILINE);

    @Configuration
    public Option[] config() throws IOException
    {
        final String dir = Paths.get("target", "mp-" + System.nanoTime()).toAbsolutePath().toString();
        final int port;
        try (ServerSocket s = new ServerSocket(0))
        {
            port = s.getLocalPort();
        }
        return new Option[] {baseConfiguration(), frameworkProperty("platform.mp.dir").value(dir),
            // a metrics port of this run's own: never the default 9404, which a running platform may hold
            frameworkProperty("platform.metrics.port").value(Integer.toString(port)),
            bundle(reactorJar("itest.platform.mp.jar")), bundle(reactorJar("itest.platform.metrics.jar")),
            bundle(reactorJar("itest.modules.stats.jar")), bundle(reactorJar("itest.modules.netif.jar"))};
    }

    /** The statistics segment as a secondary JVM reads it (the bundle jar on a plain class path). */
    private String stats(final String prefix) throws IOException, InterruptedException
    {
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-cp", System.getProperty("itest.platform.mp.jar"), "platform.mp.client.MpCli", "--dir",
            context.getProperty("platform.mp.dir"), "stats", prefix));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try
        {
            assertTrue("the secondary JVM ended in time", p.waitFor(30, TimeUnit.SECONDS));
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(out, 0 == p.exitValue());
            return out;
        }
        finally
        {
            p.destroyForcibly();
        }
    }

    private static long value(final Pattern p, final String page)
    {
        final Matcher m = p.matcher(page);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Test
    public void netifsFiguresAreInTheSegmentWhileItRuns() throws Exception
    {
        awaitLcoresRunning(awaitService(LcoreScheduler.class));
        final Bundle netif = installedBundle("modules.netif");
        final AtomicReference<String> last = new AtomicReference<>();
        for (int cycle = 0; cycle < 2; cycle++)
        {
            await(() -> "netif's figures in the segment; last read:\n" + last.get(), () ->
            {
                last.set(read(""));
                return value(QUEUE0, last.get()) > 0 && value(NO_ROUTE, last.get()) > 0
                    && last.get().contains("\nport_link_up.syn0 1\n");
            });
            final long before = value(QUEUE0, last.get());
            await("syn0 queue 0 receiving, read with no request", () -> value(QUEUE0, read("port_")) > before);
            // the platform's own counters are there too, first the channel's
            assertTrue(last.get(), last.get().startsWith("peers "));
            assertTrue(last.get(), last.get().contains("\nlcore.1.loops "));

            netif.stop();
            await(() -> "netif's figures gone; last read:\n" + last.get(), () ->
            {
                last.set(read(""));
                return value(QUEUE0, last.get()) < 0 && !last.get().contains("port_link_up")
                    && last.get().contains("\nlcore.1.loops ");
            });
            netif.start();
        }
    }

    private String read(final String prefix)
    {
        try
        {
            return stats(prefix);
        }
        catch (final IOException | InterruptedException e)
        {
            throw new AssertionError(e);
        }
    }
}
