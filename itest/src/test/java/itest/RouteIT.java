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
import platform.msgmgr.api.MsgManager;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * The routing table on packets: lcores 1 and 2 are forwarding workers (idle backoff: two workers on a 2-vCPU machine
 * must not spin), each polling one queue of a synthetic port syn0 whose packets go from 192.168.100.0/24 to
 * 10.1.0.0/16, and of a second port syn1 (whose own generator, at its default rate, is pointed at 10.1.0.0/16 too, so
 * that every packet is routed once the route is there). Without a route they are no-route drops; once dpip's bytes add
 * 10.1.0.0/16 dev syn1 they are routed, and (no neighbour bundle yet) become no-neighbour drops; deleted, they are
 * no-route drops again. The route added through the socket is in lcore 1's and lcore 2's own table (each answers
 * {@code route:lookup} from its table). Stopping the route bundle removes everything it registered (its sockopt
 * ranges: EDPVS_NOTSUPP; its message types; its jobs on every lcore) while netif keeps running.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RouteIT extends BaseTest
{
    /** {@code route:lookup}'s lines when neither worker's table has a match. */
    private static final java.util.List<String> NO_ROUTE = java.util.List.of("lcore 1: no route", "lcore 2: no route");

    @Inject
    private CommandProcessor processor;

    /** @return route:lookup's lines, sorted (the workers answer in any order). */
    private java.util.List<String> lookupLines(final String address) throws Exception
    {
        return execute(processor, "route:lookup " + address).lines().sorted().toList();
    }

    @Configuration
    public Option[] config() throws Exception
    {
        final Path dir = Paths.get("target").toAbsolutePath();
        Files.createDirectories(dir);
        final Path conf = dir.resolve("netif-route-" + System.nanoTime() + ".conf");
        Files.writeString(conf, "port syn0 driver synthetic rxq 2 txq 2 rate 20000 src 192.168.100.0/24 "
            + "dst 10.1.0.0/16 proto udp\nport syn1 driver synthetic rxq 2 txq 2 dst 10.1.0.0/16\n"
            + "queue 1 syn0 rx 0 tx 0\nqueue 1 syn1 rx 0 tx 0\nqueue 2 syn0 rx 1 tx 1\nqueue 2 syn1 rx 1 tx 1\n",
            StandardCharsets.UTF_8);
        return new Option[] {twoWorkerLcores("route"), baseConfiguration(),
            frameworkProperty("platform.netif.conf").value(conf.toString()),
            bundle(reactorJar("itest.modules.stats.jar")), bundle(reactorJar("itest.modules.netif.jar")),
            bundle(reactorJar("itest.modules.route.jar"))};
    }

    /** dpip's dp_vs_route_detail for {@code route add|del 10.1.0.0/16 dev syn1}. */
    private static byte[] detail()
    {
        final ByteBuffer b = ByteBuffer.allocate(112).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 2).putInt(8, 0x400).putInt(32, 16);
        b.put(16, HexFormat.of().parseHex("0a010000"));
        b.put(96, "syn1".getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    @Test
    public void routedPacketsStopBeingNoRouteDropsAndBecomeNoNeighbourDrops() throws Exception
    {
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        final LcoreScheduler scheduler = awaitService(LcoreScheduler.class);
        awaitLcoresRunning(scheduler);
        assertEquals("two forwarding workers", 2, scheduler.lcores().stream()
            .filter(l -> l.role() == platform.lcore.api.LcoreRole.FWD_WORKER).count());
        final SockoptClient client = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(5));
        await("GET 32 served", () -> getOk(client, 32));
        assertEquals("no routes: the 4-byte count", "00000000", HexFormat.of().formatHex(client.get(32, null).body()));
        await("no-route drops", () -> netifCounter(processor, "no_route") > 100);

        final SockoptResponse add = client.set(28, detail());
        assertEquals(add.errstr(), 0, add.errcode());
        final long noNeigh = netifCounter(processor, "no_neigh");
        await("routed packets reach the (missing) neighbour stage",
            () -> netifCounter(processor, "no_neigh") > noNeigh + 100);
        final long noRoute = netifCounter(processor, "no_route");
        final long neighNow = netifCounter(processor, "no_neigh");
        await("more routed packets", () -> netifCounter(processor, "no_neigh") > neighNow + 100);
        assertEquals("no no-route drops while routed", noRoute, netifCounter(processor, "no_route"));
        assertTrue(execute(processor, "route:list"), execute(processor, "route:list").contains(
            "inet 10.1.0.0/16 via 0.0.0.0 src 0.0.0.0 dev syn1"));
        final String lookup = execute(processor, "route:lookup 10.1.2.3");
        for (int w = 1; w <= 2; w++)
        {
            assertTrue(lookup, lookup.contains("lcore " + w + ": inet 10.1.0.0/16 via 0.0.0.0 src 0.0.0.0 dev syn1"));
        }
        assertEquals(lookup, 2, lookup.lines().count());
        final String perLcore = execute(processor, "route:lcores");
        assertTrue(perLcore, perLcore.contains("lcore 1: 1 routes") && perLcore.contains("lcore 2: 1 routes"));
        assertEquals(NO_ROUTE, lookupLines("10.2.0.1"));
        final SockoptResponse dup = client.set(28, detail());
        assertEquals("EDPVS_EXIST", -3, dup.errcode());

        final SockoptResponse del = client.set(29, detail());
        assertEquals(del.errstr(), 0, del.errcode());
        assertEquals("gone from both workers' tables", NO_ROUTE, lookupLines("10.1.2.3"));
        final long routeAfterDel = netifCounter(processor, "no_route");
        await("no-route drops again", () -> netifCounter(processor, "no_route") > routeAfterDel + 100);
        final long neighAfter = netifCounter(processor, "no_neigh");
        final long routeNow = netifCounter(processor, "no_route");
        await("more no-route drops", () -> netifCounter(processor, "no_route") > routeNow + 100);
        assertEquals("no routed packets after the delete", neighAfter, netifCounter(processor, "no_neigh"));

        final Bundle route = java.util.Arrays.stream(context.getBundles())
            .filter(b -> "modules.route".equals(b.getSymbolicName())).findFirst().orElseThrow();
        final MsgManager msg = awaitService(MsgManager.class);
        assertEquals("route and route6, SET and GET: " + registry.ranges(), 4,
            registry.ranges().stream().filter(r -> owned(r.owner())).count());
        assertTrue(msg.types().toString(), msg.types().stream().anyMatch(t -> 6 == t.id() && owned(t.owner())));
        assertTrue(scheduler.jobs(-1).toString(), scheduler.jobs(1).stream()
            .anyMatch(j -> "route_init".equals(j.name()) && owned(j.owner())));
        route.stop();
        assertEquals("EDPVS_NOTSUPP", -14, client.get(32, null).errcode());
        assertEquals("EDPVS_NOTSUPP", -14, client.set(28, detail()).errcode());
        assertEquals("EDPVS_NOTSUPP", -14, client.get(35, null).errcode());
        assertFalse(execute(processor, "sockopt:list"),
            registry.ranges().stream().anyMatch(r -> owned(r.owner()) || r.name().startsWith("route")));
        assertFalse(execute(processor, "msg:types"), msg.types().stream().anyMatch(t -> owned(t.owner())
            || t.name().startsWith("route") || java.util.Set.of(6, 7, 17, 44, 264, 265, 266, 267, 268)
                .contains(t.id())));
        for (final platform.lcore.api.LcoreInfo l : scheduler.lcores())
        {
            assertFalse("lcore " + l.id() + ": " + scheduler.jobs(l.id()), scheduler.jobs(l.id()).stream()
                .anyMatch(j -> owned(j.owner()) || j.name().startsWith("route")));
        }
        assertFalse(scheduler.jobs(-1).stream().anyMatch(j -> owned(j.owner()) || j.name().startsWith("route")));
        final long stopped = netifCounter(processor, "no_route");
        await("netif keeps running", () -> netifCounter(processor, "no_route") > stopped + 100);
        route.start();
        await("GET 32 back", () -> getOk(client, 32));
        assertEquals(0, client.set(28, detail()).errcode());
        final long back = netifCounter(processor, "no_neigh");
        await("routed again", () -> netifCounter(processor, "no_neigh") > back + 100);
    }

    /** @return whether a registration's owner (symbolic name and version) is the route bundle. */
    private static boolean owned(final String owner)
    {
        return null != owner && owner.startsWith("modules.route");
    }
}
