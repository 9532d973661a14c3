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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.netif.api.HookHandle;
import modules.netif.api.HookPoint;
import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;
import modules.netif.api.Netif;
import modules.netif.api.PacketReceiver;
import modules.netif.api.PortInfo;
import modules.netif.api.ReceiverHandle;
import modules.netif.api.Route4;
import modules.route.api.RouteConf;
import modules.route.api.RouteSpec;
import platform.lcore.api.Edpvs;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.impl.TestMsgManagers;
import platform.sockopt.api.Sockopt;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;
import platform.sockopt.impl.TestSockoptServers;

/**
 * The routing table on real lcores (master 0, workers 1 and 2), a real message manager and a real control socket:
 * dpip's bytes in, DPVS's bytes out, and each worker's own table checked by a LOOP job on that worker calling
 * {@code lookup4} as netif's forwarding loop does.
 */
public class RouteCoreTest
{
    /** Two ports as netif would have them: dpdk0 (id 0, mtu 1500) and dpdk1 (id 1, mtu 9000). */
    static final class Ports implements Netif
    {
        private final List<PortInfo> ports = List.of(
            new PortInfo(0, "dpdk0", "synthetic", "", new byte[6], 1500, 1, 1, true, true, false),
            new PortInfo(1, "dpdk1", "synthetic", "", new byte[6], 9000, 1, 1, true, true, false));

        @Override
        public HookHandle registerHook(final HookPoint point, final int priority, final String name,
            final InetHook hook)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<PortInfo> ports()
        {
            return ports;
        }

        @Override
        public int portId(final String name)
        {
            return "dpdk0".equals(name) ? 0 : "dpdk1".equals(name) ? 1 : -1;
        }

        @Override
        public MbufPool pool()
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public int xmit(final int lcoreId, final Mbuf m, final int port)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public ReceiverHandle registerPacketType(final int ethertype, final String name, final PacketReceiver r)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public ReceiverHandle registerProtocol(final int protocol, final String name, final PacketReceiver r)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public int output4(final int lcoreId, final Mbuf m)
        {
            throw new UnsupportedOperationException();
        }
    }

    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private TestSockoptServers.Running sockopt;
    private RouteCore core;
    private SockoptClient client;
    private JobHandle probe;
    /** The address the probe job looks up on every worker. */
    private final AtomicInteger probeAddr = new AtomicInteger(ip("192.168.0.5"));
    /** Per lcore: its last lookup as port << 40 | kind << 32 | next hop, -1 for no route, -2 before any. */
    private final AtomicLongArray seen = new AtomicLongArray(64);
    private final Route4[] outs = new Route4[64];

    @Before
    public void setUp() throws IOException
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        final Path socket = Files.createTempDirectory("route").resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        client = SockoptClient.of(socket, Duration.ofSeconds(10));
        start(200_000);
        for (int i = 0; i < 64; i++)
        {
            seen.set(i, -2);
            outs[i] = new Route4();
        }
        probe = lcores.register(JobSpec.loop("probe", LcoreRole.FWD_WORKER, lcoreId ->
        {
            final Route4 out = outs[lcoreId];
            seen.set(lcoreId, core.lookup4(lcoreId, probeAddr.get(), out)
                ? (long)out.port << 40 | (long)out.kind << 32 | (out.nextHop & 0xffffffffL) : -1);
            return 0;
        }));
    }

    private void start(final long timeoutUs)
    {
        core = new RouteCore(lcores, msg.manager(), new Ports(), 1024, timeoutUs, "test");
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
        sockopt.close();
        msg.close();
        TestLcores.stop(lcores);
    }

    static int ip(final String dotted)
    {
        int a = 0;
        for (final String b : dotted.split("\\."))
        {
            a = (a << 8) | Integer.parseInt(b);
        }
        return a;
    }

    /**
     * The body dpip sends: a dp_vs_route_detail.
     */
    static byte[] detail(final int af, final int mtu, final int flags, final int metric, final String dst,
        final int plen, final String src, final String gw, final String ifname)
    {
        final ByteBuffer b = ByteBuffer.allocate(RouteConf.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(af).putInt(mtu).putInt(flags).putInt(metric);
        b.order(ByteOrder.BIG_ENDIAN).putInt(RouteConf.DST_OFFSET, ip(dst)).putInt(RouteConf.SRC_OFFSET, ip(src))
            .putInt(RouteConf.GATEWAY_OFFSET, ip(gw)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(RouteConf.DST_PLEN_OFFSET, plen);
        final byte[] n = ifname.getBytes(StandardCharsets.US_ASCII);
        b.put(RouteConf.IFNAME_OFFSET, n);
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
        return (long)port << 40 | (long)kind << 32 | (ip(nextHop) & 0xffffffffL);
    }

    /** The observed bytes of dpip's {@code route add 192.168.0.0/24 via 10.0.0.1 dev dpdk0}. */
    private static final String DPIP_ADD = "02000000" + "00000000" + "00040000" + "00000000"
        + "c0a80000" + "00".repeat(12) + "18000000"
        + "00".repeat(20)
        + "0a000001" + "00".repeat(12) + "00000000"
        + "00".repeat(20)
        + "6470646b30" + "00".repeat(11);

    @Test
    public void shouldApplyDpipsAddOnEveryWorkerAndShowItAsDpvsDoes() throws Exception
    {
        awaitWorkersSee(-1);
        assertEquals(HexFormat.of().formatHex(detail(2, 0, 0x400, 0, "192.168.0.0", 24, "0.0.0.0", "10.0.0.1",
            "dpdk0")), DPIP_ADD);
        final SockoptResponse add = client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, HexFormat.of().parseHex(DPIP_ADD));
        assertEquals(add.errstr(), Edpvs.OK, add.errcode());
        assertEquals(0, add.body().length);
        // OK means every worker applied it: their lookups now find it
        awaitWorkersSee(route(0, Route4.GATEWAY, "10.0.0.1"));
        assertTrue(core.lcoreCounts(), core.lcoreCounts().matches("(?s)master lcore 0: 1 routes\\s+lcore [12]: 1 "
            + "routes\\s+lcore [12]: 1 routes\\s+"));

        // dpip route show: an all-zero body; the reply is the count and DPVS's record (mtu: the port's)
        final SockoptResponse show = client.get(RouteConf.SOCKOPT_GET_ROUTE_SHOW, new byte[RouteConf.SIZE]);
        assertEquals(Edpvs.OK, show.errcode());
        assertEquals("01000000" + "02000000" + "dc050000" + "00040000" + "00000000"
            + "c0a80000" + "00".repeat(12) + "18000000" + "00".repeat(20)
            + "0a000001" + "00".repeat(12) + "00000000" + "00".repeat(20)
            + "6470646b30" + "00".repeat(11), HexFormat.of().formatHex(show.body()));

        final SockoptResponse again = client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, HexFormat.of().parseHex(DPIP_ADD));
        assertEquals(Edpvs.EXIST, again.errcode());
        assertEquals("route exists: 192.168.0.0/24 dev dpdk0", again.errstr());

        // dpip route del 192.168.0.0/24 dev dpdk1: not that device's route
        assertEquals(Edpvs.NOTEXIST, client.set(RouteConf.SOCKOPT_SET_ROUTE_DEL, detail(2, 0, 0x400, 0,
            "192.168.0.0", 24, "0.0.0.0", "0.0.0.0", "dpdk1")).errcode());
        final SockoptResponse del = client.set(RouteConf.SOCKOPT_SET_ROUTE_DEL, detail(2, 0, 0x400, 0,
            "192.168.0.0", 24, "0.0.0.0", "0.0.0.0", "dpdk0"));
        assertEquals(del.errstr(), Edpvs.OK, del.errcode());
        awaitWorkersSee(-1);
        final SockoptResponse gone = client.set(RouteConf.SOCKOPT_SET_ROUTE_DEL, HexFormat.of().parseHex(DPIP_ADD));
        assertEquals(Edpvs.NOTEXIST, gone.errcode());
        assertEquals("no route 192.168.0.0/24 dev dpdk0", gone.errstr());
        assertEquals("dpip needs the 4-byte count even for none", "00000000",
            HexFormat.of().formatHex(client.get(RouteConf.SOCKOPT_GET_ROUTE_SHOW, new byte[RouteConf.SIZE]).body()));
        assertEquals("00000000", HexFormat.of().formatHex(client.get(RouteConf.SOCKOPT_GET_ROUTE_SHOW, null).body()));
    }

    /** The longest match wins on every worker, a delete brings the shorter one back, /0 catches the rest. */
    @Test
    public void shouldRouteByTheLongestMatchOnEveryWorker() throws Exception
    {
        set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 0, 0x400, 5, "0.0.0.0", 0, "0.0.0.0", "10.0.0.254", "dpdk0"));
        awaitWorkersSee(route(0, Route4.GATEWAY, "10.0.0.254"));
        set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 0, 0x400, 0, "192.168.0.0", 16, "0.0.0.0", "0.0.0.0",
            "dpdk1"));
        awaitWorkersSee(route(1, Route4.CONNECTED, "192.168.0.5"));
        // dpip route add 192.168.0.5 dev dpdk0 scope host: flags 0xC00, /32
        set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 0, 0xC00, 0, "192.168.0.5", 32, "0.0.0.0", "0.0.0.0",
            "dpdk0"));
        awaitWorkersSee(route(0, Route4.LOCAL, "192.168.0.5"));
        set(RouteConf.SOCKOPT_SET_ROUTE_DEL, detail(2, 0, 0xC00, 0, "192.168.0.5", 32, "0.0.0.0", "0.0.0.0",
            "dpdk0"));
        awaitWorkersSee(route(1, Route4.CONNECTED, "192.168.0.5"));
        set(RouteConf.SOCKOPT_SET_ROUTE_DEL, detail(2, 0, 0x400, 0, "192.168.0.0", 16, "0.0.0.0", "0.0.0.0",
            "dpdk1"));
        awaitWorkersSee(route(0, Route4.GATEWAY, "10.0.0.254"));
        assertTrue(core.lookupOnWorkers(ip("1.2.3.4")), core.lookupOnWorkers(ip("1.2.3.4")).contains(
            "lcore 1: inet 0.0.0.0/0 via 10.0.0.254 src 0.0.0.0 dev dpdk0 mtu 1500 tos 0 scope global metric 5"));
    }

    /**
     * A DIR-24-8 table is 64 MB: built on the starting thread, never on a worker (whose forwarding and messages it
     * would hold: another bundle's SET timed out behind it on a loaded machine). Measured with the JVM's per-thread
     * allocation counter of each lcore thread, around a restart of the route core with DIR-24-8 tables.
     */
    @Test
    public void shouldBuildTheBigTablesOffTheLcores() throws Exception
    {
        final java.util.concurrent.atomic.AtomicLongArray threadIds = new java.util.concurrent.atomic.AtomicLongArray(3);
        final JobHandle who = lcores.register(JobSpec.loop("who", LcoreRole.FWD_WORKER, lcoreId ->
        {
            threadIds.set(lcoreId, Thread.currentThread().getId());
            return 0;
        }));
        final JobHandle whoMaster = lcores.register(JobSpec.loop("who", LcoreRole.MASTER, lcoreId ->
        {
            threadIds.set(lcoreId, Thread.currentThread().getId());
            return 0;
        }));
        await("every lcore's thread id", () -> threadIds.get(0) != 0 && threadIds.get(1) != 0
            && threadIds.get(2) != 0);
        who.close();
        whoMaster.close();
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)java.lang.management
            .ManagementFactory.getThreadMXBean();
        core.stop();
        final long[] before = new long[3];
        for (int i = 0; i < 3; i++)
        {
            before[i] = mx.getThreadAllocatedBytes(threadIds.get(i));
        }
        core = new RouteCore(lcores, msg.manager(), new Ports(), 1024, 200_000, "test", Lpm.DIR_24_8);
        core.start(sockopt.registry());
        // a route through the master to every worker: each lcore has its table in use
        set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 0, 0x400, 5, "0.0.0.0", 0, "0.0.0.0", "10.0.0.254", "dpdk0"));
        awaitWorkersSee(route(0, Route4.GATEWAY, "10.0.0.254"));
        for (int i = 0; i < 3; i++)
        {
            final long grew = mx.getThreadAllocatedBytes(threadIds.get(i)) - before[i];
            assertTrue("lcore " + i + " allocated " + grew + " bytes", grew < 8L << 20);
        }
    }

    private void set(final int id, final byte[] body) throws Exception
    {
        final SockoptResponse r = client.set(id, body);
        assertEquals(r.errstr(), Edpvs.OK, r.errcode());
    }

    /** The reference's two routes, shown in DPVS's order (longest prefix first) as dpip prints them. */
    @Test
    public void shouldListRoutesInDpvsOrder() throws Exception
    {
        set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 0, 0x400, 5, "0.0.0.0", 0, "0.0.0.0", "10.0.0.254", "dpdk0"));
        set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 1500, 0x400, 0, "10.0.0.0", 24, "10.0.0.1", "0.0.0.0",
            "dpdk0"));
        set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 0, 0xC00, 0, "10.0.0.1", 32, "0.0.0.0", "0.0.0.0", "dpdk1"));
        assertEquals("inet 10.0.0.1/32 via 0.0.0.0 src 0.0.0.0 dev dpdk1 mtu 9000 tos 0 scope host metric 0 proto auto \n"
            + "inet 10.0.0.0/24 via 0.0.0.0 src 10.0.0.1 dev dpdk0 mtu 1500 tos 0 scope link metric 0 proto auto \n"
            + "inet 0.0.0.0/0 via 10.0.0.254 src 0.0.0.0 dev dpdk0 mtu 1500 tos 0 scope global metric 5 proto auto \n",
            new RouteCommands(core, null).list().replace(System.lineSeparator(), "\n"));
        // dpip route show dev dpdk1: that port's routes only
        final SockoptResponse dev1 = client.get(RouteConf.SOCKOPT_GET_ROUTE_SHOW, detail(0, 0, 0, 0, "0.0.0.0", 0,
            "0.0.0.0", "0.0.0.0", "dpdk1"));
        assertEquals(4 + RouteConf.SIZE, dev1.body().length);
        final ByteBuffer b = ByteBuffer.wrap(client.get(RouteConf.SOCKOPT_GET_ROUTE_SHOW, null).body())
            .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3, b.getInt(0));
        assertEquals(4 + 3 * RouteConf.SIZE, b.capacity());
        assertEquals(32, b.getInt(4 + RouteConf.DST_PLEN_OFFSET));
        assertEquals(0xC00, b.getInt(4 + RouteConf.FLAGS_OFFSET));
        assertEquals(24, b.getInt(4 + RouteConf.SIZE + RouteConf.DST_PLEN_OFFSET));
        assertEquals(0, b.getInt(4 + 2 * RouteConf.SIZE + RouteConf.DST_PLEN_OFFSET));
        assertEquals(5, b.getInt(4 + 2 * RouteConf.SIZE + RouteConf.METRIC_OFFSET));
    }

    @Test
    public void shouldRefuseBadRequestsAsDpvsDoes() throws Exception
    {
        SockoptResponse r = client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, new byte[111]);
        assertEquals(Edpvs.INVAL, r.errcode());
        assertEquals("dp_vs_route_detail is 112 bytes, got 111", r.errstr());
        r = client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 0, 0x400, 0, "10.0.0.0", 33, "0.0.0.0", "0.0.0.0",
            "dpdk0"));
        assertEquals(Edpvs.INVAL, r.errcode());
        assertEquals("prefix length 33: want 0..32", r.errstr());
        r = client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 0, 0x400, 0, "10.0.0.0", 8, "0.0.0.0", "0.0.0.0",
            "dpdk7"));
        assertEquals(Edpvs.INVAL, r.errcode());
        assertEquals("no such device: \"dpdk7\"", r.errstr());
        r = client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(10, 0, 0x400, 0, "10.0.0.0", 8, "0.0.0.0", "0.0.0.0",
            "dpdk0"));
        assertEquals(Edpvs.NOTSUPP, r.errcode());
        r = client.set(RouteConf.SOCKOPT_SET_ROUTE_SET, detail(2, 0, 0x400, 0, "10.0.0.0", 8, "0.0.0.0", "0.0.0.0",
            "dpdk0"));
        assertEquals(Edpvs.NOTSUPP, r.errcode());
        r = client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 0, 0xC00, 0, "10.0.0.0", 24, "0.0.0.0", "0.0.0.0",
            "dpdk0"));
        assertEquals("a host route is a /32", Edpvs.INVAL, r.errcode());
        r = client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 0, 0, 0, "10.0.0.0", 24, "0.0.0.0", "0.0.0.0",
            "dpdk0"));
        assertEquals("no forward/local flag", Edpvs.INVAL, r.errcode());
        r = client.get(RouteConf.SOCKOPT_GET_ROUTE_SHOW, detail(0, 0, 0, 0, "0.0.0.0", 0, "0.0.0.0", "0.0.0.0",
            "dpdk7"));
        assertEquals("show dev of an unknown device", Edpvs.NOTEXIST, r.errcode());
        assertEquals(7, core.refused.get());
        assertEquals(0, core.size());
        assertEquals(0, core.multicastFailures.get());
    }

    @Test
    public void shouldTakeAnotherBundlesChangesOnTheMasterLcoreWithTheSameChecks() throws Exception
    {
        // called on the test thread, not an lcore: the change travels to the master as a message
        final RouteSpec connected = new RouteSpec(ip("192.168.0.0"), 24, RouteConf.RTF_FORWARD, 0, ip("192.168.0.1"),
            0, 0, "dpdk1");
        assertEquals(Edpvs.OK, core.add(connected));
        awaitWorkersSee(route(1, Route4.CONNECTED, "192.168.0.5"));
        assertEquals("the preferred source reaches the data path", ip("192.168.0.1"), seenSrc(1));
        assertEquals(Edpvs.EXIST, core.add(connected));
        assertEquals(Edpvs.INVAL, core.add(new RouteSpec(ip("10.0.0.0"), 33, RouteConf.RTF_FORWARD, 0, 0, 0, 0,
            "dpdk0")));
        assertEquals(Edpvs.INVAL, core.add(new RouteSpec(ip("10.0.0.0"), 8, RouteConf.RTF_FORWARD, 0, 0, 0, 0,
            "nosuch")));
        assertEquals("the socket lists it", 1, core.showOrder(-1).size());
        assertEquals(Edpvs.NOTEXIST, core.delete(new RouteSpec(ip("192.168.0.0"), 24, RouteConf.RTF_FORWARD, 0, 0,
            0, 0, "dpdk0")));
        assertEquals(Edpvs.OK, core.delete(connected));
        awaitWorkersSee(-1);
        assertEquals(Edpvs.NOTEXIST, core.delete(connected));
        assertEquals(0, core.size());
    }

    @Test
    public void shouldTakeGogosRouteCommandsWithDpipsWords() throws Exception
    {
        final RouteCommands gogo = new RouteCommands(core, null);
        assertEquals("OK", gogo.add("192.168.0.0/24", "via", "10.0.0.1", "dev", "dpdk0"));
        awaitWorkersSee(route(0, Route4.GATEWAY, "10.0.0.1"));
        assertEquals("route exists: 192.168.0.0/24 dev dpdk0", gogo.add("192.168.0.0/24", "dev", "dpdk1")
            .replaceFirst("^.*\\(-3\\): ", ""));
        assertTrue(gogo.add("10.0.0.0/8", "dev", "nosuch"), gogo.add("10.0.0.0/8", "dev", "nosuch")
            .contains("(-1): no such device"));
        assertTrue(gogo.add("10.0.0.0/8", "bogus"), gogo.add("10.0.0.0/8", "bogus").contains("(-1)"));
        assertTrue(gogo.list(), gogo.list().startsWith("inet 192.168.0.0/24 via 10.0.0.1 src 0.0.0.0 dev dpdk0"));
        assertEquals("OK", gogo.del("192.168.0.0/24", "dev", "dpdk0"));
        awaitWorkersSee(-1);
        assertEquals("OK", gogo.add("10.0.0.0/8", "dev", "dpdk1"));
        assertEquals("OK", gogo.flush());
        assertEquals(0, core.size());
        assertEquals("", gogo.list());
    }

    @Test
    public void shouldAddTheConfigurationsStaticRoutesAllOrNothing() throws Exception
    {
        final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RouteCoreTest.class);
        final Path file = Files.createTempFile("route", ".conf");
        Files.writeString(file, "192.168.0.0/16 via 10.2.0.1 dev dpdk1\n# the default\ndefault via 10.0.0.254 dev dpdk0\n");
        final List<platform.common.StaticConfig.Result> good = platform.common.StaticConfig.apply(RouteComponent.PID,
            "10.7.0.0/16 dev dpdk0", file, RouteWords.staticRoutes(core), log, "static routes");
        assertEquals(good.toString(), 1, good.get(0).applied());
        assertEquals(good.toString(), 2, good.get(1).applied());
        awaitWorkersSee(route(1, Route4.GATEWAY, "10.2.0.1"));
        final List<RouteEntry> routes = core.showOrder(-1);
        assertEquals(routes.toString(), 3, routes.size());

        // a bad line: the file's other routes are taken back, the line and the reason named
        Files.writeString(file, "10.8.0.0/16 via 10.2.0.1 dev dpdk1\n10.9.0.0/16 dev nosuch\n10.10.0.0/16 dev dpdk0\n");
        final platform.common.StaticConfig.Result bad = platform.common.StaticConfig.apply(RouteComponent.PID, "",
            file, RouteWords.staticRoutes(core), log, "static routes").get(0);
        assertTrue(bad.refused());
        assertEquals(file + ":2", bad.bad().where());
        assertEquals("no such device: \"nosuch\" (invalid parameter)", bad.why());
        assertEquals(3, core.showOrder(-1).size());
        for (final String wrong : new String[] {"300.1.1.1/8 dev dpdk0", "10.8.0.0/33 dev dpdk0",
            "192.168.0.0/16 via 10.2.0.1 dev dpdk1"})
        {
            assertTrue(wrong, null != RouteWords.staticRoutes(core).apply(wrong));
        }
        assertEquals(3, core.showOrder(-1).size());
    }

    private int seenSrc(final int lcoreId) throws InterruptedException
    {
        // read on the test thread after the worker's lookups saw the route: its last answer's source
        return outs[lcoreId].src;
    }

    @Test
    public void shouldFlushEveryTable() throws Exception
    {
        set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 0, 0x400, 0, "192.168.0.0", 24, "0.0.0.0", "0.0.0.0", "dpdk0"));
        set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 0, 0x400, 0, "10.0.0.0", 8, "0.0.0.0", "0.0.0.0", "dpdk1"));
        awaitWorkersSee(route(0, Route4.CONNECTED, "192.168.0.5"));
        set(RouteConf.SOCKOPT_SET_ROUTE_FLUSH, new byte[RouteConf.SIZE]);
        awaitWorkersSee(-1);
        assertEquals(0, core.size());
        assertTrue(core.lcoreCounts(), core.lcoreCounts().matches("(?s)master lcore 0: 0 routes\\s+lcore \\d: 0 "
            + "routes\\s+lcore \\d: 0 routes\\s+"));
        assertEquals("00000000", HexFormat.of().formatHex(client.get(RouteConf.SOCKOPT_GET_ROUTE_SHOW, null).body()));
        // the same route can come back
        set(RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 0, 0x400, 0, "192.168.0.0", 24, "0.0.0.0", "0.0.0.0", "dpdk0"));
        awaitWorkersSee(route(0, Route4.CONNECTED, "192.168.0.5"));
    }

    /** 100k dpip adds on one kept-alive connection, then every worker's table checked by lookups on it. */
    @Test
    public void shouldTake100kRoutesInBulk() throws Exception
    {
        // 100k changes in a row on a shared 2-CPU machine: a worker may be off the CPU for more than 200 ms once
        core.stop();
        start(5_000_000);
        final int n = 100_000;
        final long start = System.nanoTime();
        try (SockoptClient.Connection c = client.open())
        {
            for (int i = 0; i < n; i++)
            {
                // 100k distinct /24s in 20.0.0.0/8 .. 21.134.0.0, on both ports
                final int a = (20 << 24) + (i << 8);
                final SockoptResponse r = c.call(Sockopt.SET, RouteConf.SOCKOPT_SET_ROUTE_ADD, detail(2, 0, 0x400, 0,
                    RouteEntry.ip(a), 24, "0.0.0.0", "0.0.0.0", 0 == (i & 1) ? "dpdk0" : "dpdk1"));
                assertEquals(r.errstr(), Edpvs.OK, r.errcode());
            }
        }
        final long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("route: %d adds through the control socket in %d ms (%.0f/s)%n", n, ms, n * 1000.0 / ms);
        assertEquals(n, core.size());
        assertTrue(core.lcoreCounts(), core.lcoreCounts().matches("(?s)master lcore 0: 100000 routes\\s+lcore \\d: "
            + "100000 routes\\s+lcore \\d: 100000 routes\\s+"));
        System.out.print(core.memory());
        // each worker looks its own table up for the first, the middle and the last route
        for (final int i : new int[] {0, 4242, n - 1})
        {
            final int a = (20 << 24) + (i << 8) + 9;
            probeAddr.set(a);
            awaitWorkersSee(route(i & 1, Route4.CONNECTED, RouteEntry.ip(a)));
        }
        final SockoptResponse show = client.get(RouteConf.SOCKOPT_GET_ROUTE_SHOW, null);
        assertEquals(4 + n * RouteConf.SIZE, show.body().length);
        set(RouteConf.SOCKOPT_SET_ROUTE_FLUSH, null);
        awaitWorkersSee(-1);
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
            final SockoptResponse r = client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, HexFormat.of().parseHex(DPIP_ADD));
            assertEquals(Edpvs.MSG_DROP, r.errcode());
            assertTrue(r.errstr(), r.errstr().startsWith("route add not applied: "));
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
        assertEquals("00000000", HexFormat.of().formatHex(client.get(RouteConf.SOCKOPT_GET_ROUTE_SHOW, null).body()));
    }

    @Test
    public void shouldRemoveEverythingItRegisteredAtStop() throws Exception
    {
        set(RouteConf.SOCKOPT_SET_ROUTE_ADD, HexFormat.of().parseHex(DPIP_ADD));
        core.stop();
        assertEquals(Edpvs.NOTSUPP, client.get(RouteConf.SOCKOPT_GET_ROUTE_SHOW, null).errcode());
        assertEquals(Edpvs.NOTSUPP, client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, HexFormat.of().parseHex(DPIP_ADD))
            .errcode());
        assertFalse(lcores.jobs(1).stream().anyMatch(j -> RouteCore.JOB_NAME.equals(j.name())));
        // the message types and the sockopt ranges are free again: a new instance registers the same ones
        start(200_000);
        set(RouteConf.SOCKOPT_SET_ROUTE_ADD, HexFormat.of().parseHex(DPIP_ADD));
        awaitWorkersSee(route(0, Route4.GATEWAY, "10.0.0.1"));
    }
}
