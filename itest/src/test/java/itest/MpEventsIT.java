package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;
import platform.mp.api.MpChannel;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * Route changes reach a secondary: platform.mp and the route bundle in Felix (netif with synthetic ports syn0 and
 * syn1), a secondary in its own JVM ({@code MpCli watch route.change}, a real {@code MpSecondary}) subscribed; dpip's
 * bytes on the control socket add a route, Gogo's {@code route:del} deletes it, and the secondary prints both
 * {@code route.change} events, in dpip's words, in order.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MpEventsIT extends BaseTest
{
    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() throws Exception
    {
        final Path conf = Paths.get("target", "netif-mpev-" + System.nanoTime() + ".conf").toAbsolutePath();
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, "port syn0 driver synthetic rate 1000 src 192.168.100.0/24 dst 10.1.0.0/16 "
            + "proto udp\nport syn1 driver synthetic dst 10.1.0.0/16\nqueue 1 syn0 rx 0 tx 0\nqueue 1 syn1 rx 0 tx 0\n",
            StandardCharsets.UTF_8);
        // a directory of this run's own, never the user's runtime directory
        final String dir = Paths.get("target", "mpev-" + System.nanoTime()).toAbsolutePath().toString();
        return new Option[] {baseConfiguration(), frameworkProperty("platform.netif.conf").value(conf.toString()),
            frameworkProperty("platform.mp.dir").value(dir), bundle(reactorJar("itest.platform.mp.jar")),
            bundle(reactorJar("itest.modules.stats.jar")), bundle(reactorJar("itest.modules.netif.jar")),
            bundle(reactorJar("itest.modules.route.jar"))};
    }

    /** dpip's dp_vs_route_detail for {@code route add 10.1.0.0/16 dev syn1}. */
    static byte[] detail()
    {
        final ByteBuffer b = ByteBuffer.allocate(112).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 2).putInt(8, 0x400).putInt(32, 16);
        b.put(16, HexFormat.of().parseHex("0a010000"));
        b.put(96, "syn1".getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** What the secondary prints for the route of {@link #detail()}, after its verb. */
    static final String ROUTE = " inet 10\\.1\\.0\\.0/16 via 0\\.0\\.0\\.0 src 0\\.0\\.0\\.0 dev syn1 mtu \\d+ tos 0 "
        + "scope link metric 0 proto auto";

    /** Waits until {@code mp:actions} lists a secondary's action of that name. */
    static void awaitSubscribed(final CommandProcessor processor, final String name)
    {
        await(name + " subscribed", () ->
        {
            try
            {
                return execute(processor, "mp:actions").matches("(?s).*" + name.replace(".", "\\.")
                    + "\\s+secondary.*");
            }
            catch (final Exception e)
            {
                throw new AssertionError(e);
            }
        });
    }

    /**
     * A SET, sent again while it fails with EDPVS_MSG_DROP: on this shared 2-vCPU machine a worker may miss the
     * 200 ms a change waits for it; such a change is undone and published as nothing, and the client may retry.
     */
    static SockoptResponse setApplied(final SockoptClient client, final int id, final byte[] body) throws Exception
    {
        SockoptResponse r = client.set(id, body);
        for (int i = 0; i < 10 && Edpvs.MSG_DROP == r.errcode(); i++)
        {
            r = client.set(id, body);
        }
        return r;
    }

    /** A Gogo command, run again while it answers EDPVS_MSG_DROP (see {@link #setApplied}). */
    static String gogoApplied(final CommandProcessor processor, final String command) throws Exception
    {
        String out = execute(processor, command);
        for (int i = 0; i < 10 && out.contains("(" + Edpvs.MSG_DROP + ")"); i++)
        {
            out = execute(processor, command);
        }
        return out;
    }

    @Test
    public void aSecondaryJvmSeesARouteAddedThroughTheControlSocketAndDeletedThroughGogo() throws Exception
    {
        awaitService(MpChannel.class);
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        awaitLcoresRunning(awaitService(LcoreScheduler.class));
        final SockoptClient client = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(5));
        await("GET 32 served", () -> getOk(client, 32));
        await("route publishes to the channel", () ->
        {
            try
            {
                return execute(processor, "route:stats").contains("a subscriber channel is bound");
            }
            catch (final Exception e)
            {
                throw new AssertionError(e);
            }
        });
        try (MpWatcher watcher = new MpWatcher(context.getProperty("platform.mp.dir"), "route.change"))
        {
            awaitSubscribed(processor, "route.change");
            assertEquals("watching route.change", watcher.next());

            final SockoptResponse add = setApplied(client, 28, detail());
            assertEquals(add.errstr(), 0, add.errcode());
            final String added = watcher.next();
            assertTrue(added, null != added && added.matches("route\\.change ADD" + ROUTE));

            final String del = gogoApplied(processor, "route:del 10.1.0.0/16 dev syn1");
            assertEquals("OK", del.trim());
            final String deleted = watcher.next();
            assertTrue(deleted, null != deleted && deleted.matches("route\\.change DEL" + ROUTE));
            assertEquals("a refused change is no event", -4, client.set(29, detail()).errcode());
            assertEquals("OK", gogoApplied(processor, "route:flush").trim());
            assertEquals("route.change FLUSH inet", watcher.next());
        }
        final String stats = execute(processor, "route:stats");
        assertTrue(stats, stats.contains("route.change events: published 3, dropped 0, failed 0"));
    }
}
