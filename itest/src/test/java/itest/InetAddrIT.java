package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
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

import platform.lcore.api.LcoreInfo;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.MsgManager;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * The interface addresses in Felix with the real netif, route and inetaddr bundles, lcores 1 and 2 forwarding workers
 * (idle backoff: two workers on a 2-vCPU machine must not spin) each polling a queue of syn0: dpip's bytes for
 * {@code addr add 10.0.1.1/24 dev syn0} through the real socket put the address in both workers' tables and its
 * two routes in the route bundle's table (on both workers too); the synthetic port's ICMP to the address is delivered
 * to the ICMP receiver through the local route; stopping modules.inetaddr removes its registrations (sockopts,
 * message types, the INIT job on every lcore, netif's ICMP receiver) and its routes; restarting modules.route brings
 * the address's routes back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class InetAddrIT extends BaseTest
{
    private static final String LOCAL = "inet 10.0.1.1/32 via 0.0.0.0 src 0.0.0.0 dev syn0";
    private static final String NET = "inet 10.0.1.0/24 via 0.0.0.0 src 10.0.1.1 dev syn0";
    /** The ICMP receiver's line in {@code netif:hooks}. */
    private static final Pattern ICMP_RECEIVER = Pattern.compile("ipv4 protocol 1\\s+icmp\\s");

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() throws Exception
    {
        final Path dir = Paths.get("target").toAbsolutePath();
        Files.createDirectories(dir);
        final Path conf = dir.resolve("netif-inetaddr-" + System.nanoTime() + ".conf");
        Files.writeString(conf, "port syn0 driver synthetic rxq 2 txq 2 rate 5000 src 192.168.100.0/24 "
            + "dst 10.0.1.1/32 proto icmp\nqueue 1 syn0 rx 0 tx 0\nqueue 2 syn0 rx 1 tx 1\n", StandardCharsets.UTF_8);
        return new Option[] {twoWorkerLcores("inetaddr"), baseConfiguration(),
            frameworkProperty("platform.netif.conf").value(conf.toString()),
            bundle(reactorJar("itest.modules.stats.jar")), bundle(reactorJar("itest.modules.netif.jar")),
            bundle(reactorJar("itest.modules.route.jar")), bundle(reactorJar("itest.modules.inetaddr.jar"))};
    }

    /** dpip's inet_addr_param for {@code addr add 10.0.1.1/24 dev syn0}. */
    private static byte[] param()
    {
        final ByteBuffer b = ByteBuffer.allocate(76).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 2).putInt(8, 2);
        b.put(8 + 16, "syn0".getBytes(StandardCharsets.US_ASCII));
        b.put(8 + 48, HexFormat.of().parseHex("0a000101"));
        b.put(8 + 64, (byte)24);
        return b.array();
    }

    private Bundle bundleNamed(final String name)
    {
        return java.util.Arrays.stream(context.getBundles()).filter(b -> name.equals(b.getSymbolicName()))
            .findFirst().orElseThrow();
    }

    private boolean routed() throws Exception
    {
        final String routes = execute(processor, "route:list");
        return routes.contains(LOCAL) && routes.contains(NET);
    }

    private boolean noRoute() throws Exception
    {
        final String routes = execute(processor, "route:list");
        return !routes.contains("10.0.1.1/32") && !routes.contains("10.0.1.0/24");
    }

    /** @return the ICMP messages the receiver saw (any counter), summed over the lcores. */
    private long icmpSeen()
    {
        final String stats;
        try
        {
            stats = execute(processor, "addr:stats");
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
        final Matcher m = Pattern.compile("(echo_answered|echo_not_ours|passed|bad_length|bad_checksum|fragment|"
            + "output_failed) (\\d+)").matcher(stats);
        long sum = 0;
        while (m.find())
        {
            sum += Long.parseLong(m.group(2));
        }
        return sum;
    }

    /** GET 51's code, or 1 when the socket fails. */
    private static int errcode(final SockoptClient client, final byte[] body)
    {
        try
        {
            return client.get(51, body).errcode();
        }
        catch (final java.io.IOException ex)
        {
            return 1;
        }
    }

    @Test
    public void anAddressReachesEveryWorkerAndFollowsTheRouteBundle() throws Exception
    {
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        final LcoreScheduler scheduler = awaitService(LcoreScheduler.class);
        awaitLcoresRunning(scheduler);
        final java.util.Set<Integer> workerIds = new java.util.TreeSet<>();
        scheduler.lcores().stream().filter(l -> LcoreRole.FWD_WORKER == l.role()).forEach(l -> workerIds.add(l.id()));
        assertEquals(java.util.Set.of(1, 2), workerIds);
        final SockoptClient client = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(5));
        await("GET 51 served", () -> -1 == errcode(client, new byte[76]));
        await("no route to 10.0.1.1: no-route drops", () -> netifCounter(processor, "no_route") > 50);

        final SockoptResponse add = client.set(47, param());
        assertEquals(add.errstr(), 0, add.errcode());
        final String lcores = execute(processor, "addr:lcores");
        final Matcher m = Pattern.compile("^lcore (\\d+): (\\d+) addresses$", Pattern.MULTILINE).matcher(lcores);
        final java.util.Set<Integer> holding = new java.util.TreeSet<>();
        while (m.find())
        {
            assertEquals(lcores, "1", m.group(2));
            assertTrue(lcores, holding.add(Integer.parseInt(m.group(1))));
        }
        assertEquals("one table per worker, each with the address: " + lcores, workerIds, holding);
        assertTrue(lcores, lcores.contains("inet 10.0.1.1/24 scope global syn0"));
        assertTrue(execute(processor, "route:list"), routed());
        // each worker answers from its own table, in the order they answer
        final String lookup = execute(processor, "route:lookup 10.0.1.1");
        assertEquals(lookup, java.util.List.of("lcore 1: " + LOCAL, "lcore 2: " + LOCAL), lookup.lines()
            .map(l -> l.replaceFirst(" mtu .*", "")).sorted().toList());
        assertEquals("EDPVS_EXIST", -3, client.set(47, param()).errcode());
        final byte[] show = new byte[76];
        show[0] = 1;
        final SockoptResponse listed = client.get(51, show);
        assertEquals(12 + 80, listed.body().length);
        assertEquals("inet 10.0.1.1/24 scope global syn0\n     valid_lft forever preferred_lft forever\n",
            execute(processor, "addr:show"));

        // the local route delivers the port's ICMP to the receiver (the synthetic generator does not checksum it)
        final long seen = icmpSeen();
        await("ICMP to 10.0.1.1 reaches the receiver", () -> icmpSeen() > seen + 50);

        final Bundle inetaddr = bundleNamed("modules.inetaddr");
        final SockoptRegistry sockopts = registry;
        final MsgManager msg = awaitService(MsgManager.class);
        assertTrue("registered while it runs", sockopts.ranges().stream().anyMatch(r -> owned(r.owner()))
            && msg.types().stream().anyMatch(t -> 23 == t.id() && owned(t.owner()))
            && workerIds.stream().allMatch(w -> scheduler.jobs(w).stream()
                .anyMatch(j -> "inetaddr_init".equals(j.name()) && owned(j.owner())))
            && ICMP_RECEIVER.matcher(execute(processor, "netif:hooks")).find());
        assertFalse("IFA_IDEVINIT (43) is not registered", msg.types().stream().anyMatch(t -> 43 == t.id()));
        inetaddr.stop();
        assertTrue("its routes went with it: " + execute(processor, "route:list"), noRoute());
        assertEquals("EDPVS_NOTSUPP", -14, client.set(47, param()).errcode());
        assertEquals(-14, client.get(51, show).errcode());
        assertFalse(execute(processor, "msg:types"), execute(processor, "msg:types").contains("ifa_set"));
        assertFalse(execute(processor, "sockopt:list"), sockopts.ranges().stream()
            .anyMatch(r -> owned(r.owner()) || "inetaddr".equals(r.name())));
        assertFalse(execute(processor, "msg:types"), msg.types().stream().anyMatch(t -> owned(t.owner())
            || t.name().startsWith("ifa_") || java.util.Set.of(22, 23, 24).contains(t.id())));
        for (final LcoreInfo l : scheduler.lcores())
        {
            assertFalse("lcore " + l.id() + ": " + scheduler.jobs(l.id()), scheduler.jobs(l.id()).stream()
                .anyMatch(j -> owned(j.owner()) || j.name().startsWith("inetaddr")));
        }
        assertFalse(scheduler.jobs(-1).stream().anyMatch(j -> owned(j.owner()) || j.name().startsWith("inetaddr")));
        assertFalse(execute(processor, "netif:hooks"), ICMP_RECEIVER.matcher(execute(processor, "netif:hooks")).find());
        final long noRoute = netifCounter(processor, "no_route");
        await("netif keeps running, the ICMP is unrouted again", () -> netifCounter(processor, "no_route")
            > noRoute + 50);

        inetaddr.start();
        await("GET 51 back", () -> 0 == errcode(client, show));
        assertEquals("a restarted bundle starts empty", 12, client.get(51, show).body().length);
        assertEquals(0, client.set(47, param()).errcode());
        assertTrue(routed());

        final Bundle route = bundleNamed("modules.route");
        route.stop();
        assertEquals("the address stays without the route bundle", 12 + 80, client.get(51, show).body().length);
        route.start();
        await("the address's routes come back with the route bundle", () ->
        {
            try
            {
                return routed();
            }
            catch (final Exception ex)
            {
                return false;
            }
        });
        assertEquals("dpip addr del", 0, client.set(48, param()).errcode());
        assertTrue(noRoute());
    }

    /** @return whether a registration's owner (symbolic name and version) is the address bundle. */
    private static boolean owned(final String owner)
    {
        return null != owner && owner.startsWith("modules.inetaddr");
    }
}
