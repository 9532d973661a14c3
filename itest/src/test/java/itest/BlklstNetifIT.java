package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * The blacklist on packets: with netif running a synthetic port whose every packet comes from 192.168.100.7 to
 * 10.0.0.1:80/udp, the blacklist's PRE_ROUTING hook drops them once ipvsadm's bytes blacklist that client (and
 * counts them on the entry), lets them pass again once deleted, and is gone from netif when the blacklist stops.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BlklstNetifIT extends BaseTest
{
    /** ipvsadm's dp_vs_blklst_conf for 10.0.0.1:80/udp, client 192.168.100.7 (garbage after the addresses). */
    private static final String ADD = "0a000001" + "97c3a1ff00007f0000000000" + "0050" + "11" + "02"
        + "c0a86407" + "e8d4a5100000000011223344" + "00".repeat(32);

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() throws Exception
    {
        final Path conf = Paths.get("target", "netif-blklst-" + System.nanoTime() + ".conf").toAbsolutePath();
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, "port syn0 driver synthetic rate 20000 src 192.168.100.7/32 dst 10.0.0.1/32 "
            + "sport 1000-2000 dport 80 proto udp\nqueue 1 syn0 rx 0 tx 0\n", StandardCharsets.UTF_8);
        return new Option[] {baseConfiguration(), frameworkProperty("platform.netif.conf").value(conf.toString()),
            bundle(reactorJar("itest.modules.stats.jar")), bundle(reactorJar("itest.modules.netif.jar")),
            bundle(reactorJar("itest.modules.blklst.jar"))};
    }

    @Test
    public void blacklistedClientsPacketsAreDroppedByTheHookAndCountedOnTheEntry() throws Exception
    {
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        awaitLcoresRunning(awaitService(LcoreScheduler.class));
        final SockoptClient client = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(5));
        await("GET 76 served", () -> getOk(client, 76));
        await("the hook in netif", () -> hooks().contains("blklst"));
        assertRow(hooks(), "PRE_ROUTING\\s+-100\\s+blklst\\s+.*modules\\.blklst/.*");

        final long before = netifCounter(processor, "hook_drop");
        final SockoptResponse add = client.set(73, HexFormat.of().parseHex(ADD));
        assertEquals(add.errstr(), 0, add.errcode());
        await("packets dropped by the hook", () -> netifCounter(processor, "hook_drop") > before + 100);
        final Matcher m = Pattern.compile("dropped (\\d+)").matcher(execute(processor, "blklst:list"));
        assertTrue(m.find());
        assertTrue("hits counted on the entry", Long.parseLong(m.group(1)) > 100);

        final SockoptResponse del = client.set(74, HexFormat.of().parseHex(ADD));
        assertEquals(del.errstr(), 0, del.errcode());
        final long afterDel = netifCounter(processor, "hook_drop");
        await("no-route drops go on", () -> netifCounter(processor, "no_route") > 0);
        final long routed = netifCounter(processor, "no_route");
        await("packets pass the hook again", () -> netifCounter(processor, "no_route") > routed + 100);
        assertEquals("dropped by the hook after the delete", afterDel, netifCounter(processor, "hook_drop"));

        final Bundle blklst = java.util.Arrays.stream(context.getBundles())
            .filter(b -> "modules.blklst".equals(b.getSymbolicName())).findFirst().orElseThrow();
        blklst.stop();
        assertFalse(hooks().contains("blklst"));
        blklst.start();
        await("the hook back", () -> hooks().contains("blklst"));
    }

    private String hooks()
    {
        try
        {
            return execute(processor, "netif:hooks");
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
