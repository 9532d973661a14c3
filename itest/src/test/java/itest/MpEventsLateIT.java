package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HexFormat;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import platform.lcore.api.LcoreScheduler;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * The optional channel, absent and late: the route and blacklist bundles start and serve without platform.mp (their
 * import of {@code platform.mp.api} stays unwired, nothing is published); platform.mp installed afterwards is
 * picked up without a refresh (the dynamic import wires the package when the bundle first binds the channel), and
 * a secondary JVM then sees {@code route.change} and {@code blklst.change}; when platform.mp stops, both bundles
 * keep serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MpEventsLateIT extends BaseTest
{
    /** ipvsadm's conf for --add-blklst -t 10.0.0.1:80 -k 1.2.3.4 (as BlklstIT, stack garbage included). */
    private static final String IPVSADM_ADD = "0a000001" + "97c3a1ff00007f0000000000" + "0050" + "06" + "02"
        + "01020304" + "e8d4a5100000000011223344" + "00".repeat(32);

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() throws Exception
    {
        final Path conf = Paths.get("target", "netif-mpev-late-" + System.nanoTime() + ".conf").toAbsolutePath();
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, "port syn0 driver synthetic rate 1000 src 192.168.100.0/24 dst 10.1.0.0/16 "
            + "proto udp\nport syn1 driver synthetic dst 10.1.0.0/16\nqueue 1 syn0 rx 0 tx 0\nqueue 1 syn1 rx 0 tx 0\n",
            StandardCharsets.UTF_8);
        final String dir = Paths.get("target", "mpev-late-" + System.nanoTime()).toAbsolutePath().toString();
        return new Option[] {baseConfiguration(), frameworkProperty("platform.netif.conf").value(conf.toString()),
            frameworkProperty("platform.mp.dir").value(dir), bundle(reactorJar("itest.modules.stats.jar")),
            bundle(reactorJar("itest.modules.netif.jar")), bundle(reactorJar("itest.modules.route.jar")),
            bundle(reactorJar("itest.modules.blklst.jar"))};
    }

    private String gogo(final String command)
    {
        try
        {
            return execute(processor, command);
        }
        catch (final Exception e)
        {
            throw new AssertionError(e);
        }
    }

    @Test
    public void theFeaturesRunWithoutPlatformMpAndPublishOnceItCame() throws Exception
    {
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        awaitLcoresRunning(awaitService(LcoreScheduler.class));
        final SockoptClient client = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(5));
        await("GET 32 and 76 served", () -> getOk(client, 32) && getOk(client, 76));

        // absent: both serve, nothing is published
        assertEquals(0, MpEventsIT.setApplied(client, 28, MpEventsIT.detail()).errcode());
        assertEquals(0, MpEventsIT.setApplied(client, 73, HexFormat.of().parseHex(IPVSADM_ADD)).errcode());
        assertTrue(gogo("route:stats"), gogo("route:stats").contains("route.change events: published 0, dropped 0, "
            + "failed 0, no channel bound"));
        assertTrue(gogo("blklst:stats"), gogo("blklst:stats").contains("no channel bound"));

        // platform.mp comes late: no refresh, the bundles bind it and wire its package on demand
        final Bundle mp = context.installBundle(reactorJar("itest.platform.mp.jar"));
        mp.start();
        await("route and blklst bound the channel", () -> gogo("route:stats").contains("a subscriber channel is bound")
            && gogo("blklst:stats").contains("a subscriber channel is bound"));
        try (MpWatcher routes = new MpWatcher(context.getProperty("platform.mp.dir"), "route.change");
            MpWatcher blklst = new MpWatcher(context.getProperty("platform.mp.dir"), "blklst.change"))
        {
            MpEventsIT.awaitSubscribed(processor, "route.change");
            MpEventsIT.awaitSubscribed(processor, "blklst.change");
            assertEquals("watching route.change", routes.next());
            assertEquals("watching blklst.change", blklst.next());
            assertEquals(0, MpEventsIT.setApplied(client, 29, MpEventsIT.detail()).errcode());
            final String deleted = routes.next();
            assertTrue(deleted, null != deleted && deleted.matches("route\\.change DEL" + MpEventsIT.ROUTE));
            assertEquals(0, MpEventsIT.setApplied(client, 74, HexFormat.of().parseHex(IPVSADM_ADD)).errcode());
            assertEquals("blklst.change DEL TCP 10.0.0.1:80 1.2.3.4", blklst.next());
        }

        // platform.mp goes: the channel is unbound, the features keep serving
        mp.stop();
        await("route and blklst unbound the channel", () -> gogo("route:stats").contains("no channel bound")
            && gogo("blklst:stats").contains("no channel bound"));
        assertEquals(0, MpEventsIT.setApplied(client, 28, MpEventsIT.detail()).errcode());
        assertEquals(0, MpEventsIT.setApplied(client, 73, HexFormat.of().parseHex(IPVSADM_ADD)).errcode());
        mp.uninstall();
    }
}
