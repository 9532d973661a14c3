package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

/**
 * The data path end to end, in the real distribution: two network namespaces, each a host joined to the platform
 * by a veth pair whose other end is an af_packet port. Addresses are set with the platform's command line; the
 * hosts' kernels ping each other through the platform, which answers their ARP for its addresses, resolves theirs
 * by ARP, and answers a ping to its own address. UDP from a to b's port 80 reaches b; then a blacklist entry (keyed
 * on protocol, address and port: udp 10.0.2.2:80 from 10.0.1.2) drops those datagrams in PRE_ROUTING and its counter
 * moves (the ping is not blacklisted); the entry deleted, a route added by hand with {@code dplanectl route add
 * 10.0.3.0/24 via 10.0.2.2 dev dpdk1} makes an address behind b reachable that was a counted no-route drop before;
 * stopping modules.route turns the ping into counted no-route drops; starting it again restores the path (without
 * the hand-added route: a restarted bundle starts from its configuration).
 */
public class ForwardPathIT
{
    @Rule
    public final Timeout timeout = Timeout.seconds(240);

    @Test
    public void hostsPingEachOtherThroughThePlatform() throws Exception
    {
        try (NetNsHost a = new NetNsHost("a", "10.0.1.2", 24, "10.0.1.1");
            NetNsHost b = new NetNsHost("b", "10.0.2.2", 24, "10.0.2.1"))
        {
            final Path conf = Files.createTempFile("netif", ".conf");
            Files.writeString(conf, "port dpdk0 driver af_packet iface " + a.link + "\n"
                + "port dpdk1 driver af_packet iface " + b.link + "\n"
                + "queue 1 dpdk0 rx 0 tx 0\nqueue 1 dpdk1 rx 0 tx 0\n");
            try (PlatformProcess p = PlatformProcess.startWithInput("forward-path", List.of("-Dgosh.args=",
                "-Dplatform.netif.conf=" + conf)))
            {
                p.awaitLog("netif started from", Duration.ofSeconds(60));
                p.awaitLog("routing table started for", Duration.ofSeconds(60));
                p.awaitLog("interface addresses started for", Duration.ofSeconds(60));
                p.awaitLog("neighbour table started for", Duration.ofSeconds(60));
                p.awaitLog("blacklist started for modules.blklst", Duration.ofSeconds(60));

                ok(p, "addr", "add", "10.0.1.1/24", "dev", "dpdk0");
                ok(p, "addr", "add", "10.0.2.1/24", "dev", "dpdk1");
                final String routes = ok(p, "route", "show");
                assertTrue(routes, routes.contains("10.0.1.0/24") && routes.contains("10.0.2.0/24")
                    && routes.contains("10.0.1.1/32") && routes.contains("10.0.2.1/32"));

                // the platform's own address: ARP answered by modules.neigh, the echo by modules.inetaddr
                final NetNsHost.Result own = a.ping("10.0.1.1", 3);
                assertEquals("ping 10.0.1.1:\n" + own.output() + p.describe(), 0, own.exit());
                assertTrue(a.neighbours(), a.neighbours().contains("10.0.1.1"));

                // through the platform: 10.0.2.2 resolved by the platform's ARP on dpdk1
                final NetNsHost.Result through = a.ping("10.0.2.2", 5);
                assertEquals("ping 10.0.2.2:\n" + through.output() + p.describe(), 0, through.exit());
                final String neigh = ok(p, "neigh", "show");
                assertTrue(neigh, neigh.contains("10.0.2.2") && neigh.contains("REACHABLE"));
                assertTrue("b learned the platform's MAC by ARP: " + b.neighbours(),
                    b.neighbours().contains("10.0.2.1"));

                // UDP from a to b arrives (b's kernel counts it: nobody listens on port 80)
                final long before = b.udpNoPorts();
                a.sendUdp("10.0.2.2", 80, 20);
                awaitEq("20 datagrams reach b", before + 20, b::udpNoPorts);

                // blacklisted: dropped by the PRE_ROUTING hook, counted per entry
                ok(p, "blklst", "add", "udp", "10.0.2.2:80", "10.0.1.2");
                a.sendUdp("10.0.2.2", 80, 20);
                awaitTrue("the entry's counter moves", () -> p.gogo("blklst:list").matches(
                    "(?s).*10\\.0\\.1\\.2.*\\b20\\b.*"));
                Thread.sleep(300);
                assertEquals("nothing blacklisted reaches b", before + 20, b.udpNoPorts());
                ok(p, "blklst", "del", "udp", "10.0.2.2:80", "10.0.1.2");

                // a subnet behind b (10.0.3.2 on b's loopback) that only an explicit route via b reaches
                b.inNs("ip", "addr", "add", "10.0.3.2/32", "dev", "lo");
                final long beyond = b.udpNoPorts();
                final long unrouted = counter(p.gogo("netif:stats"), "no_route");
                a.sendUdp("10.0.3.2", 80, 5);
                awaitTrue("no route to 10.0.3.2 yet: counted no-route drops",
                    () -> counter(p.gogo("netif:stats"), "no_route") >= unrouted + 5);
                assertEquals("nothing unrouted reaches b", beyond, b.udpNoPorts());
                ok(p, "route", "add", "10.0.3.0/24", "via", "10.0.2.2", "dev", "dpdk1");
                final String via = ok(p, "route", "show");
                assertTrue(via, via.contains("inet 10.0.3.0/24 via 10.0.2.2 ") && via.lines()
                    .anyMatch(l -> l.contains("10.0.3.0/24") && l.contains("dev dpdk1")));
                a.sendUdp("10.0.3.2", 80, 20);
                awaitEq("20 datagrams to 10.0.3.2 reach b through the added route", beyond + 20, b::udpNoPorts);
                final NetNsHost.Result routed = a.ping("10.0.3.2", 3);
                assertEquals("ping 10.0.3.2 via 10.0.2.2:\n" + routed.output() + p.describe(), 0, routed.exit());

                // modules.route stopped: no route, counted as such
                final long noRoute = counter(p.gogo("netif:stats"), "no_route");
                final String route = bundleId(p.gogo("lb -s"), "modules.route");
                p.gogo("stop " + route);
                final NetNsHost.Result none = a.ping("10.0.2.2", 2);
                assertNotEquals("no route without modules.route:\n" + none.output(), 0, none.exit());
                awaitTrue("no-route drops counted", () -> counter(p.gogo("netif:stats"), "no_route")
                    >= noRoute + 2);

                // started again: the addresses' routes come back and the path works again
                p.gogo("start " + route);
                p.awaitLog("routing table started for", Duration.ofSeconds(30));
                awaitTrue("the connected routes are back", () -> ok(p, "route", "show").contains("10.0.2.0/24"));
                assertTrue("the route added by hand is not kept across the restart",
                    !ok(p, "route", "show").contains("10.0.3.0/24"));
                final NetNsHost.Result again = a.ping("10.0.2.2", 3);
                assertEquals("ping after modules.route came back:\n" + again.output() + p.describe(), 0,
                    again.exit());
            }
            finally
            {
                Files.deleteIfExists(conf);
            }
        }
    }

    private static String ok(final PlatformProcess p, final String... args) throws Exception
    {
        final SockoptIT.Cli c = SockoptIT.dplanectl(p, args);
        assertEquals("dplanectl " + String.join(" ", args) + ":\n" + c.out() + c.err(), 0, c.exit());
        return c.out();
    }

    /** The sum of a counter over the lcores in netif:stats' output. */
    private static long counter(final String stats, final String name)
    {
        final Matcher m = Pattern.compile("\\b" + name + " (\\d+)").matcher(stats);
        long sum = 0;
        boolean found = false;
        while (m.find())
        {
            sum += Long.parseLong(m.group(1));
            found = true;
        }
        assertTrue("no " + name + " in:\n" + stats, found);
        return sum;
    }

    private static String bundleId(final String lb, final String symbolicName)
    {
        final Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\|.*\\|" + Pattern.quote(symbolicName) + " ").matcher(lb);
        assertTrue("no " + symbolicName + " in:\n" + lb, m.find());
        return m.group(1);
    }

    /** A value that may be computed with checked exceptions. */
    interface Probe<T>
    {
        T get() throws Exception;
    }

    private static void awaitTrue(final String what, final Probe<Boolean> condition) throws Exception
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.get())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static void awaitEq(final String what, final long expect, final Probe<Long> value) throws Exception
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        long v;
        while ((v = value.get()) != expect)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for: " + what + " (have " + v + ", want " + expect + ")");
            }
            Thread.sleep(100);
        }
    }
}
