package modules.route.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.route.api.Route6;
import modules.route.api.Route6Conf;
import modules.route.api.RouteConf;
import modules.route.cli.Ipv6Text;
import platform.lcore.api.Edpvs;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.impl.TestMsgManagers;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;
import platform.sockopt.impl.TestSockoptServers;

/**
 * The IPv6 routing table on real lcores (master 0, workers 1 and 2), a real message manager and a real control
 * socket, beside the IPv4 one: dpip -6's bytes in, DPVS's bytes out, and each worker's own table checked by a LOOP
 * job on that worker calling {@code lookup6} as a forwarding loop would.
 */
public class Route6CoreTest
{
    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private TestSockoptServers.Running sockopt;
    private RouteCore core4;
    private Route6Core core;
    private SockoptClient client;
    private JobHandle probe;
    /** The address the probe job looks up on every worker. */
    private final AtomicReference<long[]> probeAddr = new AtomicReference<>(addr("2001:db8::5"));
    /** Per lcore: its last lookup as port << 40 | kind << 32 | low 32 bits of the next hop; -1 none, -2 before. */
    private final AtomicLongArray seen = new AtomicLongArray(64);
    private final Route6[] outs = new Route6[64];

    @Before
    public void setUp() throws IOException
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        final Path socket = Files.createTempDirectory("route6").resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        client = SockoptClient.of(socket, Duration.ofSeconds(10));
        core4 = new RouteCore(lcores, msg.manager(), new RouteCoreTest.Ports(), 1024, 200_000, "test");
        core4.start(sockopt.registry());
        start(200_000);
        for (int i = 0; i < 64; i++)
        {
            seen.set(i, -2);
            outs[i] = new Route6();
        }
        probe = lcores.register(JobSpec.loop("probe6", LcoreRole.FWD_WORKER, lcoreId ->
        {
            final Route6 out = outs[lcoreId];
            final long[] a = probeAddr.get();
            seen.set(lcoreId, core.lookup6(lcoreId, a[0], a[1], out)
                ? (long)out.port << 40 | (long)out.kind << 32 | (out.nextHopLo & 0xffffffffL) : -1);
            return 0;
        }));
    }

    private void start(final long timeoutUs)
    {
        core = new Route6Core(lcores, msg.manager(), new RouteCoreTest.Ports(), 1024, timeoutUs, "test");
        core.start(sockopt.registry());
    }

    @After
    public void tearDown()
    {
        if (null != probe)
        {
            probe.close();
        }
        if (null != core)
        {
            core.stop();
        }
        core4.stop();
        sockopt.close();
        msg.close();
        TestLcores.stop(lcores);
    }

    static long[] addr(final String text)
    {
        final byte[] b = Ipv6Text.parse(text);
        return new long[] {Ipv6Text.read(b, 0), Ipv6Text.read(b, 8)};
    }

    /**
     * The body dpip -6 sends: a dp_vs_route6_conf (src with length 0, prefsrc zero, as route6_parse_args leaves them).
     */
    static byte[] conf(final int ops, final String dst, final int plen, final String gw, final String src,
        final String ifname, final int mtu, final int flags)
    {
        final ByteBuffer b = ByteBuffer.allocate(Route6Conf.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(Route6Conf.OPS_OFFSET, ops).putInt(Route6Conf.DST_PLEN_OFFSET, plen)
            .putInt(Route6Conf.MTU_OFFSET, mtu).putInt(Route6Conf.FLAGS_OFFSET, flags);
        b.put(Route6Conf.DST_OFFSET, Ipv6Text.parse(dst)).put(Route6Conf.GATEWAY_OFFSET, Ipv6Text.parse(gw))
            .put(Route6Conf.SRC_OFFSET, Ipv6Text.parse(src));
        b.put(Route6Conf.IFNAME_OFFSET, ifname.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(1);
        }
    }

    private void awaitWorkersSee(final long value) throws InterruptedException
    {
        // two fresh lookups on each worker, so a value from before the change cannot pass
        seen.set(1, -2);
        seen.set(2, -2);
        await("workers 1 and 2 see " + Long.toHexString(value), () -> seen.get(1) == value && seen.get(2) == value);
    }

    private static long route(final int port, final int kind, final String nextHop)
    {
        return (long)port << 40 | (long)kind << 32 | (addr(nextHop)[1] & 0xffffffffL);
    }

    /** The bytes of dpip's {@code dpip -6 route add 2001:db8::/64 via 2001:db8::1 dev dpdk0} (SET 33). */
    static final String DPIP_ADD6 = "02000000"
        + "20010db8" + "00".repeat(12) + "40000000"
        + "00".repeat(20)
        + "00".repeat(20)
        + "6470646b30" + "00".repeat(11)
        + "20010db8" + "00".repeat(11) + "01"
        + "00000000" + "00040000";

    /** dpip -6 route show: ops 0, flags RTF_FORWARD, nothing else. */
    static final String DPIP_SHOW6 = "00000000" + "00".repeat(96) + "00040000";

    private void set(final int id, final byte[] body) throws Exception
    {
        final SockoptResponse r = client.set(id, body);
        assertEquals(r.errstr(), Edpvs.OK, r.errcode());
    }

    @Test
    public void shouldApplyDpipsAddOnEveryWorkerAndShowItAsDpvsDoes() throws Exception
    {
        awaitWorkersSee(-1);
        assertEquals(DPIP_ADD6, HexFormat.of().formatHex(conf(Route6Conf.OPS_ADD, "2001:db8::", 64, "2001:db8::1",
            "::", "dpdk0", 0, RouteConf.RTF_FORWARD)));
        final SockoptResponse add = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL,
            HexFormat.of().parseHex(DPIP_ADD6));
        assertEquals(add.errstr(), Edpvs.OK, add.errcode());
        assertEquals(0, add.body().length);
        // OK means every worker applied it: their lookups now find it
        awaitWorkersSee(route(0, Route6.GATEWAY, "2001:db8::1"));
        assertEquals("the gateway's high half too", addr("2001:db8::1")[0], outs[1].nextHopHi);
        assertEquals(1500, outs[2].mtu);
        assertEquals(1, core.size());
        assertEquals(0, core4.size());
        assertTrue(core.lcoreCounts(), core.lcoreCounts().matches("(?s)master lcore 0: 1 IPv6 routes\\s+lcore [12]: "
            + "1 IPv6 routes\\s+lcore [12]: 1 IPv6 routes\\s+"));

        // dpip -6 route show: the count and DPVS's record (ops 0, mtu: the port's)
        final SockoptResponse show = client.get(Route6Conf.SOCKOPT_GET_ROUTE6_SHOW,
            HexFormat.of().parseHex(DPIP_SHOW6));
        assertEquals(Edpvs.OK, show.errcode());
        assertEquals("01000000" + "00000000"
            + "20010db8" + "00".repeat(12) + "40000000" + "00".repeat(40)
            + "6470646b30" + "00".repeat(11)
            + "20010db8" + "00".repeat(11) + "01"
            + "dc050000" + "00040000", HexFormat.of().formatHex(show.body()));
        assertEquals("inet6 2001:db8::/64 via 2001:db8::1 dev dpdk0 mtu 1500 scope global\n",
            new RouteCommands(core4, core).list6().replace(System.lineSeparator(), "\n"));

        final SockoptResponse again = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL,
            HexFormat.of().parseHex(DPIP_ADD6));
        assertEquals(Edpvs.EXIST, again.errcode());
        assertEquals("route6 exists: 2001:db8::/64 dev dpdk0", again.errstr());

        // dpip -6 route del 2001:db8::/64 dev dpdk1: not that device's route
        assertEquals(Edpvs.NOTEXIST, client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_DEL,
            "2001:db8::", 64, "::", "::", "dpdk1", 0, RouteConf.RTF_FORWARD)).errcode());
        // the same id 33, ops 3; bits after the length do not count (DPVS masks the destination)
        final SockoptResponse del = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_DEL,
            "2001:db8::77", 64, "::", "::", "dpdk0", 0, RouteConf.RTF_FORWARD));
        assertEquals(del.errstr(), Edpvs.OK, del.errcode());
        awaitWorkersSee(-1);
        final SockoptResponse gone = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_DEL,
            "2001:db8::", 64, "::", "::", "dpdk0", 0, RouteConf.RTF_FORWARD));
        assertEquals(Edpvs.NOTEXIST, gone.errcode());
        assertEquals("no route6 2001:db8::/64 dev dpdk0", gone.errstr());
        assertEquals("dpip needs the 4-byte count even for none", "00000000", HexFormat.of().formatHex(
            client.get(Route6Conf.SOCKOPT_GET_ROUTE6_SHOW, HexFormat.of().parseHex(DPIP_SHOW6)).body()));
        assertEquals("00000000", HexFormat.of().formatHex(client.get(Route6Conf.SOCKOPT_GET_ROUTE6_SHOW, null)
            .body()));
        assertEquals(1, core.added.get());
        assertEquals(1, core.deleted.get());
    }

    /** The longest match wins on every worker, a delete brings the shorter one back, ::/0 catches the rest. */
    @Test
    public void shouldRouteByTheLongestMatchOnEveryWorker() throws Exception
    {
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "::", 0, "fe80::1", "::", "dpdk0", 0,
            RouteConf.RTF_FORWARD));
        awaitWorkersSee(route(0, Route6.GATEWAY, "fe80::1"));
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "2001:db8::", 32, "::", "2001:db8::1",
            "dpdk1", 0, RouteConf.RTF_FORWARD));
        awaitWorkersSee(route(1, Route6.CONNECTED, "2001:db8::5"));
        assertEquals("the route's source reaches the data path", addr("2001:db8::1")[1], outs[1].srcLo);
        assertEquals("dpdk1's mtu", 9000, outs[1].mtu);
        // dpip -6 route add 2001:db8::5 dev dpdk0 scope host: flags 0x800 alone, /128
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "2001:db8::5", 128, "::", "::", "dpdk0",
            0, RouteConf.RTF_LOCALIN));
        awaitWorkersSee(route(0, Route6.LOCAL, "2001:db8::5"));
        // a /64 in between, with its own mtu: the /128 still wins for ::5, the /64 for ::6
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "2001:db8::", 64, "2001:db8::fe", "::",
            "dpdk0", 1280, RouteConf.RTF_FORWARD));
        probeAddr.set(addr("2001:db8::6"));
        awaitWorkersSee(route(0, Route6.GATEWAY, "2001:db8::fe"));
        assertEquals(1280, outs[2].mtu);
        probeAddr.set(addr("2001:db8::5"));
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_DEL, "2001:db8::5", 128, "::", "::", "dpdk0",
            0, RouteConf.RTF_LOCALIN));
        awaitWorkersSee(route(0, Route6.GATEWAY, "2001:db8::fe"));
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_DEL, "2001:db8::", 64, "::", "::", "dpdk0",
            0, RouteConf.RTF_FORWARD));
        awaitWorkersSee(route(1, Route6.CONNECTED, "2001:db8::5"));
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_DEL, "2001:db8::", 32, "::", "::", "dpdk1",
            0, RouteConf.RTF_FORWARD));
        awaitWorkersSee(route(0, Route6.GATEWAY, "fe80::1"));
        final String onWorkers = core.lookupOnWorkers(addr("3000::1")[0], addr("3000::1")[1]);
        assertTrue(onWorkers, onWorkers.contains("lcore 1: inet6 default via fe80::1 dev dpdk0 mtu 1500 scope global"));
        assertTrue(onWorkers, onWorkers.contains("lcore 2: inet6 default via fe80::1 dev dpdk0 mtu 1500 scope global"));
        assertEquals("IPv4 untouched", "", new RouteCommands(core4, core).list());
        // Gogo's route:lookup takes either family; route:lcores and route:stats count both
        final RouteCommands gogo = new RouteCommands(core4, core);
        assertTrue(gogo.lookup("3000::1"), gogo.lookup("3000::1").contains(
            "lcore 2: inet6 default via fe80::1 dev dpdk0 mtu 1500 scope global"));
        assertTrue(gogo.lookup("10.1.2.3"), gogo.lookup("10.1.2.3").contains("lcore 1: no route"));
        assertEquals("not an IPv6 address: 3000::g", gogo.lookup("3000::g"));
        assertEquals("not an IPv4 address: 10.1.2", gogo.lookup("10.1.2"));
        assertTrue(gogo.lcores(), gogo.lcores().contains("lcore 1: 1 IPv6 routes"));
        assertTrue(gogo.stats(), gogo.stats().contains("IPv6 routes 1; added 4, deleted 3, flushed 0, refused 0"));
    }

    /** GET 35 lists longest prefix first, oldest first within a length; "dev X" lists that port's only. */
    @Test
    public void shouldListRoutesLongestFirst() throws Exception
    {
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "::", 0, "fe80::1", "::", "dpdk0", 0,
            RouteConf.RTF_FORWARD));
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "2001:db8:1::", 64, "::",
            "2001:db8:1::1", "dpdk1", 0, RouteConf.RTF_FORWARD));
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "2001:db8:1::1", 128, "::", "::",
            "dpdk1", 0, RouteConf.RTF_LOCALIN));
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "2001:db8:2::", 64, "::", "::", "dpdk0",
            1400, RouteConf.RTF_FORWARD));
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "2001:db8:3::1", 128, "::", "::",
            "dpdk0", 0, RouteConf.RTF_KNI));
        assertEquals("inet6 2001:db8:1::1/128 dev dpdk1 mtu 9000 scope host\n"
            + "inet6 2001:db8:3::1/128 dev dpdk0 mtu 1500 scope kni_host\n"
            + "inet6 2001:db8:1::/64 src 2001:db8:1::1 dev dpdk1 mtu 9000 scope link\n"
            + "inet6 2001:db8:2::/64 dev dpdk0 mtu 1400 scope link\n"
            + "inet6 default via fe80::1 dev dpdk0 mtu 1500 scope global\n",
            new RouteCommands(core4, core).list6().replace(System.lineSeparator(), "\n"));
        final SockoptResponse dev1 = client.get(Route6Conf.SOCKOPT_GET_ROUTE6_SHOW, conf(0, "::", 0, "::", "::",
            "dpdk1", 0, RouteConf.RTF_FORWARD));
        assertEquals(Edpvs.OK, dev1.errcode());
        final ByteBuffer b = ByteBuffer.wrap(dev1.body()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, b.getInt(0));
        assertEquals(4 + 2 * Route6Conf.SIZE, dev1.body().length);
        assertEquals(128, b.getInt(4 + Route6Conf.DST_PLEN_OFFSET));
        assertEquals(RouteConf.RTF_LOCALIN, b.getInt(4 + Route6Conf.FLAGS_OFFSET));
        assertEquals(64, b.getInt(4 + Route6Conf.SIZE + Route6Conf.DST_PLEN_OFFSET));
        assertEquals(9000, b.getInt(4 + Route6Conf.SIZE + Route6Conf.MTU_OFFSET));
        assertEquals(5, core.size());
    }

    @Test
    public void shouldRefuseBadRequestsAsDpvsDoes() throws Exception
    {
        SockoptResponse r = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, new byte[103]);
        assertEquals(Edpvs.INVAL, r.errcode());
        assertEquals("dp_vs_route6_conf is 104 bytes, got 103", r.errstr());
        assertEquals(Edpvs.INVAL, client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, new byte[112]).errcode());
        for (final int ops : new int[] {0, Route6Conf.OPS_GET, Route6Conf.OPS_FLUSH, 5, -1})
        {
            r = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(ops, "2001:db8::", 64, "::", "::", "dpdk0", 0,
                RouteConf.RTF_FORWARD));
            assertEquals("ops " + ops, Edpvs.INVAL, r.errcode());
            assertEquals("ops " + ops + ": SET 33 takes 2 (add) or 3 (del)", r.errstr());
        }
        r = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "2001:db8::", 129, "::", "::",
            "dpdk0", 0, RouteConf.RTF_FORWARD));
        assertEquals(Edpvs.INVAL, r.errcode());
        assertEquals("dst prefix length 129: want 0..128", r.errstr());
        final byte[] badSrc = conf(Route6Conf.OPS_ADD, "2001:db8::", 64, "::", "::", "dpdk0", 0,
            RouteConf.RTF_FORWARD);
        ByteBuffer.wrap(badSrc).order(ByteOrder.LITTLE_ENDIAN).putInt(Route6Conf.SRC_PLEN_OFFSET, -1);
        r = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, badSrc);
        assertEquals("src prefix length -1: want 0..128", r.errstr());
        final byte[] badPrefsrc = conf(Route6Conf.OPS_DEL, "2001:db8::", 64, "::", "::", "dpdk0", 0,
            RouteConf.RTF_FORWARD);
        ByteBuffer.wrap(badPrefsrc).order(ByteOrder.LITTLE_ENDIAN).putInt(Route6Conf.PREFSRC_PLEN_OFFSET, 200);
        r = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, badPrefsrc);
        assertEquals(Edpvs.INVAL, r.errcode());
        assertEquals("prefsrc prefix length 200: want 0..128", r.errstr());
        r = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "2001:db8::", 64, "::", "::",
            "dpdk7", 0, RouteConf.RTF_FORWARD));
        assertEquals(Edpvs.INVAL, r.errcode());
        assertEquals("no such device: \"dpdk7\"", r.errstr());
        r = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "2001:db8::", 64, "::", "::",
            "", 0, RouteConf.RTF_FORWARD));
        assertEquals("no device at all", Edpvs.INVAL, r.errcode());
        r = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_FLUSH, new byte[50]);
        assertEquals(Edpvs.INVAL, r.errcode());
        assertEquals("dp_vs_route6_conf is 104 bytes, got 50", r.errstr());
        r = client.get(Route6Conf.SOCKOPT_GET_ROUTE6_SHOW, conf(0, "::", 0, "::", "::", "dpdk7", 0,
            RouteConf.RTF_FORWARD));
        assertEquals("show dev of an unknown device", Edpvs.NOTEXIST, r.errcode());
        assertEquals("no such device: \"dpdk7\"", r.errstr());
        assertEquals(14, core.refused.get());
        assertEquals(0, core.size());
        assertEquals(0, core.multicastFailures.get());
        // the IPv4 ids are not ours: an IPv6 conf there is refused by the IPv4 table (112 bytes wanted)
        assertEquals(Edpvs.INVAL, client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, HexFormat.of().parseHex(DPIP_ADD6))
            .errcode());
    }

    @Test
    public void shouldFlushEveryTable() throws Exception
    {
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "2001:db8::", 64, "::", "::", "dpdk0", 0,
            RouteConf.RTF_FORWARD));
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "::", 0, "fe80::1", "::", "dpdk1", 0,
            RouteConf.RTF_FORWARD));
        set(RouteConf.SOCKOPT_SET_ROUTE_ADD, RouteCoreTest.detail(2, 0, 0x400, 0, "10.0.0.0", 8, "0.0.0.0",
            "0.0.0.0", "dpdk0"));
        awaitWorkersSee(route(0, Route6.CONNECTED, "2001:db8::5"));
        // what dpip -6 route flush would send: ops 4, flags RTF_FORWARD
        set(Route6Conf.SOCKOPT_SET_ROUTE6_FLUSH, conf(Route6Conf.OPS_FLUSH, "::", 0, "::", "::", "", 0,
            RouteConf.RTF_FORWARD));
        awaitWorkersSee(-1);
        assertEquals(0, core.size());
        assertEquals("the IPv4 table keeps its route", 1, core4.size());
        assertTrue(core.lcoreCounts(), core.lcoreCounts().matches("(?s)master lcore 0: 0 IPv6 routes\\s+lcore \\d: 0 "
            + "IPv6 routes\\s+lcore \\d: 0 IPv6 routes\\s+"));
        assertEquals("00000000", HexFormat.of().formatHex(client.get(Route6Conf.SOCKOPT_GET_ROUTE6_SHOW, null)
            .body()));
        // the same route can come back; an empty flush body is taken too
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, conf(Route6Conf.OPS_ADD, "2001:db8::", 64, "::", "::", "dpdk0", 0,
            RouteConf.RTF_FORWARD));
        awaitWorkersSee(route(0, Route6.CONNECTED, "2001:db8::5"));
        set(Route6Conf.SOCKOPT_SET_ROUTE6_FLUSH, null);
        awaitWorkersSee(-1);
        assertEquals(2, core.flushed.get());
    }

    /**
     * A worker that does not answer in time: the client gets the failure naming that lcore, the master keeps
     * nothing, and the worker that applied the add has it undone.
     */
    @Test
    public void shouldFailAndUndoAChangeAWorkerDidNotAcknowledgeInTime() throws Exception
    {
        core.stop();
        start(20_000);
        awaitWorkersSee(-1);
        final AtomicInteger stalls = new AtomicInteger();
        final JobHandle stall = lcores.register(JobSpec.loop("stall", LcoreRole.FWD_WORKER, lcoreId ->
        {
            if (2 == lcoreId)
            {
                stalls.incrementAndGet();
                try
                {
                    Thread.sleep(300);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            return 0;
        }));
        try
        {
            await("lcore 2 stalling", () -> stalls.get() > 0);
            final SockoptResponse r = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL,
                HexFormat.of().parseHex(DPIP_ADD6));
            assertEquals(Edpvs.MSG_DROP, r.errcode());
            assertTrue(r.errstr(), r.errstr().startsWith("route6 add not applied: "));
            assertTrue(r.errstr(), r.errstr().endsWith("no answer from lcores 2"));
            assertEquals(1, core.multicastFailures.get());
        }
        finally
        {
            stall.close();
        }
        assertEquals(0, core.size());
        awaitWorkersSee(-1);
        final long[] at = {lcores.lcores().get(1).loops(), lcores.lcores().get(2).loops()};
        await("more iterations of both workers", () -> lcores.lcores().get(1).loops() >= at[0] + 2
            && lcores.lcores().get(2).loops() >= at[1] + 2);
        awaitWorkersSee(-1);
        assertEquals("00000000", HexFormat.of().formatHex(client.get(Route6Conf.SOCKOPT_GET_ROUTE6_SHOW, null)
            .body()));
    }

    @Test
    public void shouldRemoveEverythingItRegisteredAtStop() throws Exception
    {
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, HexFormat.of().parseHex(DPIP_ADD6));
        awaitWorkersSee(route(0, Route6.GATEWAY, "2001:db8::1"));
        core.stop();
        assertEquals(Edpvs.NOTSUPP, client.get(Route6Conf.SOCKOPT_GET_ROUTE6_SHOW, null).errcode());
        assertEquals(Edpvs.NOTSUPP, client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL,
            HexFormat.of().parseHex(DPIP_ADD6)).errcode());
        assertEquals(Edpvs.NOTSUPP, client.set(Route6Conf.SOCKOPT_SET_ROUTE6_FLUSH, null).errcode());
        assertFalse(lcores.jobs(1).stream().anyMatch(j -> Route6Core.JOB_NAME.equals(j.name())));
        assertFalse(msg.manager().types().stream().anyMatch(t -> MsgIds.ROUTE6 == t.id()
            || Route6Core.MSG_ROUTE6_COUNT == t.id() || Route6Core.MSG_ROUTE6_LOOKUP == t.id()));
        // the IPv4 table is another registration: it still answers
        assertEquals(Edpvs.OK, client.get(RouteConf.SOCKOPT_GET_ROUTE_SHOW, null).errcode());
        // the message types and the sockopt ranges are free again: a new instance registers the same ones
        start(200_000);
        awaitWorkersSee(-1);
        set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, HexFormat.of().parseHex(DPIP_ADD6));
        awaitWorkersSee(route(0, Route6.GATEWAY, "2001:db8::1"));
    }
}
