package modules.netif.impl;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.netif.api.InetHook;
import modules.netif.api.NeighOutput;
import modules.netif.api.NetifNicConf;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import modules.netif.cli.NetifLinkCtl;
import modules.stats.api.LcoreCounters;
import modules.stats.api.LcoreStats;
import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.impl.TestMsgManagers;
import platform.sockopt.cli.DplaneCtl;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;
import platform.sockopt.impl.TestSockoptServers;

/**
 * DPVS's NIC sockopts on real lcores (master 0, workers 1 and 2), a real message manager and a real control
 * socket, with synthetic ports forwarding from syn0 to syn1: dpip's conversations ({@code link show}: GET 60, then
 * GET 61 per NIC, with {@code -s} GET 62; {@code link set}: SET 54) byte for byte, and dplanectl's text.
 */
public class NetifSockoptsTest
{
    private static final String CONF = "port syn0 driver synthetic rxq 2 txq 2 rate 10000 mac 02:00:00:00:00:aa\n"
        + "port syn1 driver synthetic rxq 1 txq 1 rate 1\n"
        + "queue 1 syn0 rx 0 tx 0\nqueue 2 syn0 rx 1 tx 1\nqueue 1 syn1 rx 0 tx 0\n";

    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private TestSockoptServers.Running sockopt;
    private NetifCore core;
    private SockoptClient client;
    private Path socket;
    private final Map<Integer, LcoreCounters> counters = new ConcurrentHashMap<>();
    private final LcoreStats stats = id -> counters.computeIfAbsent(id, LcoreCounters::new);

    /** Everything out of syn1 through a gateway. */
    private static final RouteLookup ROUTE = (lcoreId, daddr, out) ->
    {
        out.set(1, 0x0a090909, Route4.GATEWAY);
        return true;
    };

    @Before
    public void setUp() throws Exception
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        socket = Files.createTempDirectory("netif").resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        client = SockoptClient.of(socket, Duration.ofSeconds(5));
        core = new NetifCore(lcores, msg.manager(), stats, NetifConfig.parse("test.conf", new StringReader(CONF)),
            Drivers.all());
        core.start(sockopt.registry());
    }

    @After
    public void tearDown()
    {
        if (null != core)
        {
            core.stop();
        }
        sockopt.close();
        msg.close();
        TestLcores.stop(lcores);
    }

    private NeighOutput neigh()
    {
        return (lcoreId, m, port, nextHop) -> Edpvs.OK == core.xmit(lcoreId, m, port) ? InetHook.ACCEPT
            : InetHook.DROP;
    }

    private static byte[] name(final String n)
    {
        return NetifLinkCtl.nameRequest(n, NetifNicConf.NAME_REQUEST_SIZE);
    }

    private static byte[] pad(final String s, final int size)
    {
        final byte[] out = new byte[size];
        final byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    private static byte[] nicSet(final String n, final int flags)
    {
        final ByteBuffer b = ByteBuffer.allocate(52).order(ByteOrder.LITTLE_ENDIAN);
        b.put(pad(n, 32)).position(50);
        b.putShort((short)flags);
        return b.array();
    }

    private static ByteBuffer le(final byte[] b)
    {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(1);
        }
    }

    @Test(timeout = 30_000)
    public void shouldListTheNicsAsGetPortListDoes() throws Exception
    {
        final SockoptResponse r = client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_LIST, new byte[0]);
        assertEquals(0, r.errcode());
        final ByteBuffer want = ByteBuffer.allocate(10 + 2 * 18).order(ByteOrder.LITTLE_ENDIAN);
        want.putShort((short)2).putShort((short)0).putShort((short)2).putShort((short)-1).putShort((short)-1);
        want.putShort((short)0).put(pad("syn0", 16)).putShort((short)1).put(pad("syn1", 16));
        assertArrayEquals(want.array(), r.body());
    }

    @Test(timeout = 30_000)
    public void shouldAnswerPortBasicByteForByteAndShowSetPortsPromiscAndLinkInIt() throws Exception
    {
        final SockoptResponse r = client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_BASIC, name("syn0"));
        assertEquals(0, r.errcode());
        final ByteBuffer want = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        want.put(pad("syn0", 32)).put(pad("02:00:00:00:00:aa", 32)).put(pad("UP", 16)).put(pad("full-duplex", 16))
            .put(pad("fixed-nego", 16)).putInt(10_000).put((byte)2).put((byte)2).put(new byte[3]).put((byte)0)
            .putShort((short)0).putShort((short)1500).put((byte)0).put((byte)0);
        assertArrayEquals(want.array(), r.body());

        // dpip link set syn0 promisc on: the flag bit, and the device itself
        assertEquals(0, client.set(NetifNicConf.SOCKOPT_NETIF_SET_PORT, nicSet("syn0", 0x0001)).errcode());
        assertEquals(0x01, client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_BASIC, name("syn0")).body()[126]);
        assertTrue(core.port(0).dev.promisc());
        assertEquals("syn1 untouched", 0, client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_BASIC, name("syn1"))
            .body()[126]);
        assertEquals(0, client.set(NetifNicConf.SOCKOPT_NETIF_SET_PORT, nicSet("syn0", 0x0002)).errcode());
        assertEquals(0, client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_BASIC, name("syn0")).body()[126]);
        assertFalse(core.port(0).dev.promisc());
        // both on and off: DPVS's if/else takes on
        assertEquals(0, client.set(NetifNicConf.SOCKOPT_NETIF_SET_PORT, nicSet("syn0", 0x0003)).errcode());
        assertTrue(core.port(0).dev.promisc());

        // dpip link set syn1 link down / up
        assertEquals(0, client.set(NetifNicConf.SOCKOPT_NETIF_SET_PORT, nicSet("syn1", 0x0020)).errcode());
        final byte[] down = client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_BASIC, name("syn1")).body();
        assertArrayEquals(pad("DOWN", 16), java.util.Arrays.copyOfRange(down, 64, 80));
        assertEquals(1, le(down).getShort(122));
        assertEquals(1, down[116]);
        assertEquals(0, client.set(NetifNicConf.SOCKOPT_NETIF_SET_PORT, nicSet("syn1", 0x0010)).errcode());
        assertArrayEquals(pad("UP", 16), java.util.Arrays.copyOfRange(
            client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_BASIC, name("syn1")).body(), 64, 80));
        assertEquals(5, core.sockopts().sets.get());
    }

    @Test(timeout = 30_000)
    public void shouldAnswerPortStatsConsistentWithThePortsCountersUnderTraffic() throws Exception
    {
        core.routeLookup(ROUTE);
        core.neighOutput(neigh());
        final NetifCore.Port in = core.port(0);
        final NetifCore.Port out = core.port(1);
        await("traffic both ways", () -> in.stats.rxQueue(1, PortStats.IPACKETS) > 100
            && out.stats.txTotal(PortStats.OPACKETS) > 100);
        final ByteBuffer first = le(client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_STATS, name("syn0")).body());
        assertEquals(720, first.capacity());
        assertTrue(first.getLong(8) > 100);
        Thread.sleep(50);
        final ByteBuffer second = le(client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_STATS, name("syn0")).body());
        assertTrue("ipackets moves", second.getLong(8) > first.getLong(8));
        assertTrue("ibytes moves", second.getLong(24) > first.getLong(24));

        // stop syn0's traffic (dpip link set syn0 link down), let the workers drain, then compare exactly
        assertEquals(0, client.set(NetifNicConf.SOCKOPT_NETIF_SET_PORT, nicSet("syn0", 0x0020)).errcode());
        assertEquals(0, client.set(NetifNicConf.SOCKOPT_NETIF_SET_PORT, nicSet("syn1", 0x0020)).errcode());
        Thread.sleep(100);
        final byte[] body = client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_STATS, name("syn0")).body();
        final ByteBuffer s = le(body);
        assertEquals(720, body.length);
        final long q0 = in.stats.rxQueue(0, PortStats.IPACKETS);
        final long q1 = in.stats.rxQueue(1, PortStats.IPACKETS);
        assertEquals("q_ipackets[0]", q0, s.getLong(72));
        assertEquals("q_ipackets[1]", q1, s.getLong(80));
        assertEquals("ipackets = sum of queues", q0 + q1, s.getLong(8));
        assertEquals("ibytes", in.stats.rxTotal(PortStats.IBYTES), s.getLong(24));
        assertEquals("q_ibytes[1]", in.stats.rxQueue(1, PortStats.IBYTES), s.getLong(328 + 8));
        assertEquals("opackets of syn0 (nothing sent out of it)", 0, s.getLong(16));
        assertEquals("imissed", in.dev.rxMissed(), s.getLong(40));
        assertEquals("ierrors", in.stats.rxTotal(PortStats.IERRORS) + in.dev.rxErrors(), s.getLong(48));
        assertEquals("rx_nombuf", core.pool().allocFailures(), s.getLong(64));
        assertEquals("avail + inuse = pool", core.pool().capacity(), s.getInt(0) + s.getInt(4));
        for (int q = 2; q < 16; q++)
        {
            assertEquals("q_ipackets[" + q + "]", 0, s.getLong(72 + 8 * q));
        }
        assertArrayEquals("padding", new byte[6], java.util.Arrays.copyOfRange(body, 712, 718));
        assertEquals("port_id", 0, s.getShort(718));

        final ByteBuffer o = le(client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_STATS, name("syn1")).body());
        assertEquals("opackets of syn1", out.stats.txTotal(PortStats.OPACKETS), o.getLong(16));
        assertEquals("q_opackets[0] of syn1", out.stats.txQueue(0, PortStats.OPACKETS), o.getLong(200));
        assertEquals("obytes of syn1", out.stats.txTotal(PortStats.OBYTES), o.getLong(32));
        assertEquals("q_obytes[0] of syn1", o.getLong(32), o.getLong(456));
        final ByteBuffer i1 = le(client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_STATS, name("syn1")).body());
        // what was forwarded left through syn1, minus the path's drops (TTL, MASTER_XMIT ring) counted elsewhere
        assertTrue("sent out of syn1 <= received on both", o.getLong(16) > 0
            && o.getLong(16) + o.getLong(56) <= s.getLong(8) + i1.getLong(8));
        assertEquals(1, o.getShort(718));
    }

    @Test(timeout = 30_000)
    public void shouldRefuseMalformedRequestsWithDpvsCodesAndKeepServing() throws Exception
    {
        final int g61 = NetifNicConf.SOCKOPT_NETIF_GET_PORT_BASIC;
        final int g62 = NetifNicConf.SOCKOPT_NETIF_GET_PORT_STATS;
        final int s54 = NetifNicConf.SOCKOPT_NETIF_SET_PORT;
        assertEquals(Edpvs.INVAL, client.get(g61, new byte[0]).errcode());
        final SockoptResponse shortName = client.get(g62, pad("syn0", 31));
        assertEquals(Edpvs.INVAL, shortName.errcode());
        assertEquals("want a NIC name in 32 bytes, got 31", shortName.errstr());
        assertEquals(0, shortName.body().length);
        assertEquals(Edpvs.INVAL, client.get(g61, pad("syn0", 33)).errcode());
        final SockoptResponse unknown = client.get(g61, name("dpdk9"));
        assertEquals(Edpvs.NOTEXIST, unknown.errcode());
        assertEquals("no NIC 'dpdk9'", unknown.errstr());
        assertEquals(Edpvs.NOTEXIST, client.get(g62, name("")).errcode());
        // a name with no NUL in its 32 bytes is no NIC, not a crash
        assertEquals(Edpvs.NOTEXIST, client.get(g61, "x".repeat(32).getBytes(StandardCharsets.US_ASCII))
            .errcode());
        assertEquals(Edpvs.INVAL, client.set(s54, new byte[51]).errcode());
        assertEquals(Edpvs.INVAL, client.set(s54, new byte[0]).errcode());
        assertEquals("unknown name: EDPVS_INVAL as netif_sockopt_set", Edpvs.INVAL,
            client.set(s54, nicSet("dpdk9", 0x0001)).errcode());
        assertEquals(Edpvs.INVAL, client.set(s54, nicSet("", 0x0001)).errcode());
        final SockoptResponse kni = client.set(s54, nicSet("syn0", 0x0040 | 0x0001));
        assertEquals(Edpvs.NOTSUPP, kni.errcode());
        assertEquals("forward2kni not supported on syn0", kni.errstr());
        assertFalse("nothing applied when a part is refused", core.port(0).dev.promisc());
        final byte[] mac = nicSet("syn0", 0);
        System.arraycopy(pad("02:00:00:00:00:01", 18), 0, mac, 32, 18);
        assertEquals(Edpvs.NOTSUPP, client.set(s54, mac).errcode());
        assertEquals(Edpvs.NOTSUPP, client.set(s54, nicSet("syn0", 0x1000)).errcode());
        assertEquals(13, core.sockopts().refused.get());
        // still serving
        assertEquals(0, client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_LIST, new byte[0]).errcode());
        assertEquals(0, client.set(s54, nicSet("syn0", 0)).errcode());
    }

    @Test(timeout = 30_000)
    public void shouldRegisterOnlyItsRangesAndUnregisterThemOnStop() throws Exception
    {
        final String ranges = sockopt.registry().ranges().toString();
        assertTrue(ranges, ranges.contains("54") && ranges.contains("60") && ranges.contains("62"));
        assertEquals(2, sockopt.registry().ranges().stream().filter(r -> r.toString().contains("netif")).count());
        core.stop();
        core = null;
        assertTrue(sockopt.registry().ranges().stream().noneMatch(r -> r.toString().contains("netif")));
    }

    private String[] ctl(final String... words)
    {
        final String[] a = new String[words.length + 2];
        a[0] = "-s";
        a[1] = socket.toString();
        System.arraycopy(words, 0, a, 2, words.length);
        return a;
    }

    @Test(timeout = 30_000)
    public void shouldPrintLinkShowAsDpipDoesThroughDplanectl() throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream o = new PrintStream(out, true, "UTF-8");
        final PrintStream e = new PrintStream(err, true, "UTF-8");
        assertEquals(0, DplaneCtl.run(ctl("link", "set", "syn0", "promisc", "on"), o, e));
        assertEquals(0, DplaneCtl.run(ctl("link", "show"), o, e));
        // dpip's dump_nic_basic, trailing spaces included
        assertEquals("1: syn0: socket 0 mtu 1500 rx-queue 2 tx-queue 2\n"
            + "    UP 10000 Mbps full-duplex fixed-nego promisc \n"
            + "    addr 02:00:00:00:00:aa \n"
            + "2: syn1: socket 0 mtu 1500 rx-queue 1 tx-queue 1\n"
            + "    UP 10000 Mbps full-duplex fixed-nego \n"
            + "    addr 02:00:00:00:00:02 \n", out.toString("UTF-8").replace(System.lineSeparator(), "\n"));
        out.reset();
        assertEquals(0, DplaneCtl.run(ctl("link", "set", "syn0", "link", "down"), o, e));
        Thread.sleep(50);
        assertEquals(0, DplaneCtl.run(ctl("link", "show", "syn0", "--stats"), o, e));
        final ByteBuffer s = le(client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_STATS, name("syn0")).body());
        final String text = out.toString("UTF-8").replace(System.lineSeparator(), "\n");
        assertEquals("1: syn0: socket 0 mtu 1500 rx-queue 2 tx-queue 2\n"
            + "    DOWN 10000 Mbps full-duplex fixed-nego promisc \n"
            + "    addr 02:00:00:00:00:aa \n"
            + String.format("    %-20s%-20s%-20s%-20s\n", "ipackets", "opackets", "ibytes", "obytes")
            + String.format("    %-20d%-20d%-20d%-20d\n", s.getLong(8), s.getLong(16), s.getLong(24), s.getLong(32))
            + String.format("    %-20s%-20s%-20s%-20s\n", "ierrors", "oerrors", "imissed", "rx_nombuf")
            + String.format("    %-20d%-20d%-20d%-20d\n", s.getLong(48), s.getLong(56), s.getLong(40), s.getLong(64))
            + String.format("    %-20s%-20s\n", "mbuf-avail", "mbuf-inuse")
            + String.format("    %-20d%-20d\n", s.getInt(0), s.getInt(4)), text);
        assertTrue(text, s.getLong(8) > 0);

        // an unknown NIC: exit 1 and the platform's text
        out.reset();
        assertEquals(1, DplaneCtl.run(ctl("link", "show", "dpdk9"), o, e));
        assertTrue(err.toString("UTF-8"), err.toString("UTF-8").contains("dplanectl: dpdk9: no NIC 'dpdk9' (-4)"));
        assertEquals(2, DplaneCtl.run(ctl("link", "set", "syn0", "forward2kni", "on"), o, e));
        assertTrue("netif's link replaces modules.stats' (it extends it)",
            DplaneCtl.run(ctl("--help"), o, e) == 0 && out.toString("UTF-8").contains("link show [NIC]"));
    }

    @Test(timeout = 30_000)
    public void shouldCountHeaderDropsAsIerrorsAndQErrorsOfTheirQueue() throws Exception
    {
        core.stop();
        final FeedDriver feed = new FeedDriver();
        final Map<String, PortDriver> drivers = Drivers.all();
        drivers.put("feed", feed);
        core = new NetifCore(lcores, msg.manager(), stats, NetifConfig.parse("feed.conf", new StringReader(
            "port in0 driver feed\nqueue 1 in0 rx 0 tx 0\n")), drivers);
        core.start(sockopt.registry());
        final byte[] mac0 = core.ports().get(0).mac();
        final byte[] good = FeedDriver.udp(mac0, 1, 0x0a000001, 64, 60);
        final byte[] badSum = good.clone();
        badSum[14 + 10] ^= 0x55;
        feed.in.add(new byte[10]);
        feed.in.add(badSum);
        feed.in.add(good);
        await("three frames in", () -> core.port(0).stats.rxTotal(PortStats.IPACKETS) == 3);
        final ByteBuffer s = le(client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_STATS, name("in0")).body());
        assertEquals("ipackets", 3, s.getLong(8));
        assertEquals("ibytes", 10 + 2L * good.length, s.getLong(24));
        assertEquals("ierrors: the short frame and the bad checksum", 2, s.getLong(48));
        assertEquals("q_errors[0]", 2, s.getLong(584));
        assertEquals("q_ipackets[0]", 3, s.getLong(72));
    }
}
