package modules.neigh.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;

import modules.neigh.api.NeighConf;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import modules.netif.impl.TestNetif;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.LcoreTimers;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.impl.TestMsgManagers;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;
import platform.sockopt.impl.TestSockoptServers;

/**
 * What the neighbour tests share: real lcores (master 0, workers 1 and 2) with their timers, a real message
 * manager, a real control socket and a real netif on them with one test port {@code dpdk0} (netif's FeedDriver:
 * two rx queues, one per worker, two tx queues), and routes answered by a lambda: 10.0.0.1 is ours on dpdk0,
 * 10.0.0.0/24 is connected there with source 10.0.0.1, 172.16.0.0/16 is connected without a source.
 */
abstract class NeighFixture
{
    static final int LOCAL = ip("10.0.0.1");
    static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** The routes of the tests, as the route bundle would answer them. */
    static final RouteLookup ROUTES = (lcoreId, daddr, out) ->
    {
        if (LOCAL == daddr)
        {
            out.set(0, daddr, Route4.LOCAL);
            return true;
        }
        if (0x0a0000 == daddr >>> 8)
        {
            out.set(0, daddr, Route4.CONNECTED);
            out.src = LOCAL;
            return true;
        }
        if (0xac10 == daddr >>> 16)
        {
            out.set(0, daddr, Route4.CONNECTED);
            return true;
        }
        return false;
    };

    LcoreScheduler lcores;
    TestMsgManagers.Running msg;
    LcoreTimers timers;
    TestSockoptServers.Running sockopt;
    SockoptClient client;
    TestNetif net;
    NeighCore core;
    byte[] portMac;

    @Before
    public void setUp() throws Exception
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        timers = TestLcores.timers(lcores, "neigh-test");
        final Path socket = Files.createTempDirectory("neigh").resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        client = SockoptClient.of(socket, Duration.ofSeconds(10));
        net = TestNetif.start(lcores, msg.manager(), netifConf());
        net.routeLookup(routes());
        portMac = net.netif().ports().get(0).mac();
    }

    /** @return netif's configuration for the test. */
    String netifConf()
    {
        return "port dpdk0 driver feed rxq 2 txq 2\nqueue 1 dpdk0 rx 0 tx 0\nqueue 2 dpdk0 rx 1 tx 1\n";
    }

    /** @return the route lookup of the test. */
    RouteLookup routes()
    {
        return ROUTES;
    }

    /** Starts the neighbour table and binds it to netif, as DS would. */
    void start(final NeighSettings settings, final String statics)
    {
        core = new NeighCore(lcores, msg.manager(), net.netif(), timers, settings, statics, null, "test");
        core.routeLookup(routes());
        core.start(sockopt.registry());
        net.neighOutput(core);
    }

    /** Unbinds it from netif (DS unregisters the service first), then stops it. */
    void stopNeigh()
    {
        net.neighOutput(null);
        core.stop();
    }

    @After
    public void tearDown()
    {
        if (null != core)
        {
            stopNeigh();
        }
        net.close();
        sockopt.close();
        TestLcores.release(timers);
        msg.close();
        TestLcores.stop(lcores);
    }

    /**
     * @param reachMs reachable (and probe, delay) time.
     * @param retransMs between ARP requests.
     * @param probes  ARP requests per resolution.
     * @param qlen    packets held per neighbour.
     */
    static NeighSettings settings(final long reachMs, final long retransMs, final int probes, final int qlen)
    {
        return new NeighSettings(64, qlen, 8, reachMs * MS, reachMs * MS, reachMs * MS, retransMs * MS, probes,
            2_000_000);
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

    static byte[] mac(final String text)
    {
        final byte[] m = new byte[6];
        final String[] p = text.split(":");
        for (int i = 0; i < 6; i++)
        {
            m[i] = (byte)Integer.parseInt(p[i], 16);
        }
        return m;
    }

    /** The body dpip sends for add, del and show: a dp_vs_neigh_conf. */
    static byte[] conf(final int af, final String ip, final String mac, final String ifname)
    {
        final ByteBuffer b = ByteBuffer.allocate(NeighConf.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(NeighConf.AF_OFFSET, af);
        if (null != ip)
        {
            b.order(ByteOrder.BIG_ENDIAN).putInt(NeighConf.IP_OFFSET, ip(ip)).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (null != mac)
        {
            b.put(NeighConf.MAC_OFFSET, mac(mac));
        }
        b.put(NeighConf.IFNAME_OFFSET, ifname.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** A row as DPVS fills it. */
    static byte[] row(final String ip, final String mac, final int state, final int queued, final int flag,
        final int cid)
    {
        final byte[] r = conf(NeighConf.AF_INET, ip, mac, "dpdk0");
        final ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(NeighConf.STATE_OFFSET, state).putInt(NeighConf.QUE_NUM_OFFSET, queued);
        b.put(NeighConf.FLAG_OFFSET, (byte)flag).put(NeighConf.CID_OFFSET, (byte)cid);
        return r;
    }

    /** GET 72 with an all-zero body; checks dpip's length rule. */
    ByteBuffer show() throws IOException
    {
        final SockoptResponse r = client.get(NeighConf.SOCKOPT_GET_NEIGH_SHOW, new byte[NeighConf.SIZE]);
        assertEquals(r.errstr(), 0, r.errcode());
        final ByteBuffer b = ByteBuffer.wrap(r.body()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("len == 4 + 52 n", NeighConf.ARRAY_HEADER + b.getInt(0) * NeighConf.SIZE, r.body().length);
        return b;
    }

    /** @return the rows of GET 72 as dpip prints them. */
    List<String> showLines() throws IOException
    {
        final ByteBuffer b = show();
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < b.getInt(0); i++)
        {
            lines.add(NeighConf.describe(b, NeighConf.ARRAY_HEADER + i * NeighConf.SIZE));
        }
        return lines;
    }

    /** An ARP frame from a neighbour: Ethernet source {@code sha}. */
    static byte[] arp(final int op, final byte[] ethDst, final byte[] sha, final int sip, final byte[] tha,
        final int tip)
    {
        final ByteBuffer b = ByteBuffer.allocate(60);
        b.put(ethDst).put(sha).putShort((short)0x0806).putShort((short)1).putShort((short)0x0800).put((byte)6)
            .put((byte)4).putShort((short)op).put(sha).putInt(sip).put(tha).putInt(tip);
        return b.array();
    }

    static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    static final byte[] ZERO_MAC = new byte[6];

    /** Takes the sent frames until {@code n} of the given ethertype were seen; the others are kept in order. */
    List<byte[]> awaitSent(final int ethertype, final int n, final List<byte[]> others) throws InterruptedException
    {
        final List<byte[]> got = new ArrayList<>();
        await(n + " frames of type 0x" + Integer.toHexString(ethertype) + " sent", () ->
        {
            byte[] f;
            while (null != (f = net.sent()))
            {
                if (ethertype == (((f[12] & 0xff) << 8) | (f[13] & 0xff)))
                {
                    got.add(f);
                }
                else if (null != others)
                {
                    others.add(f);
                }
            }
            return got.size() >= n;
        });
        return got;
    }

    static void await(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(2);
        }
    }

    /** Waits until every buffer is back in netif's pool. */
    void awaitPoolFull() throws InterruptedException
    {
        await("every buffer back in the pool", () -> 0 == net.netif().pool().inUse());
        assertTrue(net.netif().pool().available() > 0);
    }
}
