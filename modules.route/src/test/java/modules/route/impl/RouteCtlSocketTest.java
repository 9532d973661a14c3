package modules.route.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.impl.TestMsgManagers;
import platform.sockopt.cli.DplaneCtl;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.impl.TestSockoptServers;

/**
 * {@code dplanectl route} (modules.route.cli.RouteCtl) found by dplanectl on the class path (META-INF/services)
 * and run against a real {@link RouteCore} and {@link Route6Core} through a real control socket: dpip's syntax in,
 * dpip's bytes on the wire (RouteCtlTest checks them word for word), dpip's lines out.
 */
public class RouteCtlSocketTest
{
    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private TestSockoptServers.Running sockopt;
    private RouteCore core4;
    private Route6Core core6;
    private Path socket;
    private SockoptClient client;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Before
    public void setUp() throws IOException
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        socket = Files.createTempDirectory("routectl").resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        client = SockoptClient.of(socket, Duration.ofSeconds(10));
        core4 = new RouteCore(lcores, msg.manager(), new RouteCoreTest.Ports(), 1024, 200_000, "test");
        core4.start(sockopt.registry());
        core6 = new Route6Core(lcores, msg.manager(), new RouteCoreTest.Ports(), 1024, 200_000, "test");
        core6.start(sockopt.registry());
    }

    @After
    public void tearDown()
    {
        core6.stop();
        core4.stop();
        sockopt.close();
        msg.close();
        TestLcores.stop(lcores);
    }

    /** Runs dplanectl with this socket; returns the exit code, leaving its output in {@link #out} and {@link #err}. */
    private int ctl(final String... args)
    {
        out.reset();
        err.reset();
        final String[] all = new String[args.length + 2];
        all[0] = "-s";
        all[1] = socket.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return DplaneCtl.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err()
    {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void shouldDriveTheIpv4TableAsDpipDoes()
    {
        assertEquals(err(), 0, ctl("route", "add", "default", "via", "10.0.0.254", "dev", "dpdk0", "metric", "5"));
        assertEquals(err(), 0, ctl("route", "add", "10.0.0.0/24", "dev", "dpdk0", "src", "10.0.0.1", "mtu", "1500"));
        assertEquals(err(), 0, ctl("route", "-4", "add", "10.0.0.1", "dev", "dpdk1", "scope", "host"));
        assertEquals(3, core4.size());
        assertEquals(0, core6.size());
        assertEquals(0, ctl("route", "show"));
        final String lines = "inet 10.0.0.1/32 via 0.0.0.0 src 0.0.0.0 dev dpdk1 mtu 9000 tos 0 scope host metric 0 "
            + "proto auto \n"
            + "inet 10.0.0.0/24 via 0.0.0.0 src 10.0.0.1 dev dpdk0 mtu 1500 tos 0 scope link metric 0 proto auto \n"
            + "inet 0.0.0.0/0 via 10.0.0.254 src 0.0.0.0 dev dpdk0 mtu 1500 tos 0 scope global metric 5 proto auto \n";
        assertEquals(lines, out());
        assertEquals("the Gogo command prints the same lines", lines,
            new RouteCommands(core4, core6).list().replace(System.lineSeparator(), "\n"));
        assertEquals(0, ctl("route", "-4", "show", "dev", "dpdk1"));
        assertEquals("inet 10.0.0.1/32 via 0.0.0.0 src 0.0.0.0 dev dpdk1 mtu 9000 tos 0 scope host metric 0 "
            + "proto auto \n", out());
        assertEquals(0, ctl("route", "-6", "show"));
        assertEquals("", out());

        assertEquals(1, ctl("route", "add", "10.0.0.0/24", "dev", "dpdk1"));
        assertEquals("dplanectl: route: route exists: 10.0.0.0/24 dev dpdk0 (-3)\n", err());
        assertEquals(1, ctl("route", "show", "dev", "dpdk7"));
        assertEquals("dplanectl: route: no such device: \"dpdk7\" (-4)\n", err());
        assertEquals(0, ctl("route", "del", "10.0.0.0/24", "dev", "dpdk0"));
        assertEquals(1, ctl("route", "del", "10.0.0.0/24", "dev", "dpdk0"));
        assertEquals("dplanectl: route: no route 10.0.0.0/24 dev dpdk0 (-4)\n", err());
        assertEquals(0, ctl("route", "flush"));
        assertEquals(0, core4.size());
        assertEquals(0, ctl("route", "show"));
        assertEquals("", out());
    }

    @Test
    public void shouldDriveTheIpv6TableAsDpipDoes() throws Exception
    {
        assertEquals(err(), 0, ctl("route", "-6", "add", "2001:db8::/64", "via", "2001:db8::1", "dev", "dpdk0"));
        // the table holds what dpip's bytes for the same words give (Route6CoreTest's GET 35 record)
        assertEquals("01000000" + "00000000" + "20010db8" + "00".repeat(12) + "40000000" + "00".repeat(40)
            + "6470646b30" + "00".repeat(11) + "20010db8" + "00".repeat(11) + "01" + "dc050000" + "00040000",
            java.util.HexFormat.of().formatHex(client.get(modules.route.api.Route6Conf.SOCKOPT_GET_ROUTE6_SHOW,
            null).body()));
        assertEquals(err(), 0, ctl("route", "-6", "add", "default", "via", "fe80::1", "dev", "dpdk0"));
        // an IPv6 prefix makes it IPv6 without -6
        assertEquals(err(), 0, ctl("route", "add", "2001:db8:1::1", "dev", "dpdk1", "scope", "host"));
        assertEquals(err(), 0, ctl("route", "add", "2001:db8:2::/48", "dev", "dpdk1", "src", "2001:db8:2::1", "mtu",
            "1280"));
        assertEquals(4, core6.size());
        assertEquals(0, core4.size());
        assertEquals(0, ctl("route", "-6", "show"));
        final String lines = "inet6 2001:db8:1::1/128 dev dpdk1 mtu 9000 scope host\n"
            + "inet6 2001:db8::/64 via 2001:db8::1 dev dpdk0 mtu 1500 scope global\n"
            + "inet6 2001:db8:2::/48 src 2001:db8:2::1 dev dpdk1 mtu 1280 scope link\n"
            + "inet6 default via fe80::1 dev dpdk0 mtu 1500 scope global\n";
        assertEquals(lines, out());
        assertEquals("the Gogo command prints the same lines", lines,
            new RouteCommands(core4, core6).list6().replace(System.lineSeparator(), "\n"));
        assertEquals(0, ctl("route", "-6", "show", "dev", "dpdk1"));
        assertEquals("inet6 2001:db8:1::1/128 dev dpdk1 mtu 9000 scope host\n"
            + "inet6 2001:db8:2::/48 src 2001:db8:2::1 dev dpdk1 mtu 1280 scope link\n", out());
        assertEquals("IPv4 only without -6", 0, ctl("route", "show"));
        assertEquals("", out());

        assertEquals(1, ctl("route", "-6", "add", "2001:db8::/64", "dev", "dpdk1"));
        assertEquals("dplanectl: route: route6 exists: 2001:db8::/64 dev dpdk0 (-3)\n", err());
        assertEquals(1, ctl("route", "-6", "show", "dev", "dpdk7"));
        assertEquals("dplanectl: route: no such device: \"dpdk7\" (-4)\n", err());
        assertEquals(0, ctl("route", "-6", "del", "2001:db8::/64", "dev", "dpdk0"));
        assertEquals(1, ctl("route", "del", "2001:db8::/64", "dev", "dpdk0"));
        assertEquals("dplanectl: route: no route6 2001:db8::/64 dev dpdk0 (-4)\n", err());
        assertEquals(1, ctl("route", "-6", "add", "2001:db8::/129", "dev", "dpdk0"));
        assertEquals("dplanectl: route: dst prefix length 129: want 0..128 (-1)\n", err());
        assertEquals(0, ctl("route", "-6", "flush"));
        assertEquals(0, core6.size());
        assertEquals(0, ctl("route", "-6", "show"));
        assertEquals("", out());
    }

    /** Bad words: exit 2, the usage, and nothing sent (no table counted a refusal). */
    @Test
    public void shouldRefuseBadArgumentsWithoutSending()
    {
        assertEquals(2, ctl("route"));
        assertTrue(err(), err().contains("route [-4|-6] add|del PREFIX[/LEN]|default"));
        assertEquals(2, ctl("route", "add", "10.0.0.0/8"));
        assertTrue(err(), err().startsWith("dplanectl route add: dev IF is required\n"));
        assertEquals(2, ctl("route", "add", "dev", "dpdk0"));
        assertTrue(err(), err().startsWith("dplanectl route add: missing prefix\n"));
        assertEquals(2, ctl("route", "add", "10.0.0.0/8", "10.1.0.0/16", "dev", "dpdk0"));
        assertTrue(err(), err().startsWith("dplanectl route add: too many arguments\n"));
        assertEquals(2, ctl("route", "add", "10.0.0.0/8", "dev", "dpdk0", "mtu", "big"));
        assertTrue(err(), err().startsWith("dplanectl route add: mtu big: not a number\n"));
        assertEquals(2, ctl("route", "add", "10.0.0.0/8", "dev", "dpdk0", "scope", "site"));
        assertEquals(2, ctl("route", "add", "10.0.0.0/8", "dev"));
        assertTrue(err(), err().startsWith("dplanectl route add: missing argument of dev\n"));
        assertEquals(2, ctl("route", "-4", "add", "2001:db8::/64", "dev", "dpdk0"));
        assertTrue(err(), err().startsWith("dplanectl route add: invalid family.\n"));
        assertEquals(2, ctl("route", "-6", "add", "10.0.0.0/8", "dev", "dpdk0"));
        assertEquals(2, ctl("route", "add", "10.0.0.300/8", "dev", "dpdk0"));
        assertEquals(2, ctl("route", "add", "example.com", "dev", "dpdk0"));
        assertEquals(2, ctl("route", "add", "10.0.0.0/x", "dev", "dpdk0"));
        assertEquals(2, ctl("route", "show", "10.0.0.0"));
        assertEquals(2, ctl("route", "set", "10.0.0.0/8", "dev", "dpdk0"));
        assertEquals(2, ctl("route", "add", "10.0.0.0/8", "dev", "a-very-long-name0"));
        assertEquals(0, core4.refused.get());
        assertEquals(0, core6.refused.get());
        final ByteArrayOutputStream help = new ByteArrayOutputStream();
        assertEquals(0, DplaneCtl.run(new String[] {"--help"}, new PrintStream(help, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(help.toString(StandardCharsets.UTF_8), help.toString(StandardCharsets.UTF_8).contains(
            "route [-4|-6] show [dev IF]"));
    }

}
