package modules.netif.impl;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.NeighOutput;
import modules.netif.api.ReceiverHandle;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import modules.stats.api.LcoreCounters;
import modules.stats.api.LcoreStats;
import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.impl.TestMsgManagers;

/**
 * netif API 1.1 on real lcores and a real message manager: the receivers of an ethertype and of a local IPv4
 * protocol, and {@code output4} for packets a feature builds, on a worker and from another thread.
 */
public class NetifReceiverTest
{
    private static final byte[] GW_MAC = {2, 0, 0, 0, 0x77, 0x77};
    /** Ours: 10.1.1.1 on port 0; everything else out of port 1 through 10.9.9.9. */
    private static final int LOCAL = 0x0a010101;

    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private NetifCore core;
    private final FeedDriver feed = new FeedDriver();
    private final Map<Integer, LcoreCounters> counters = new ConcurrentHashMap<>();
    private final LcoreStats stats = id -> counters.computeIfAbsent(id, LcoreCounters::new);

    private static final RouteLookup ROUTE = (lcoreId, daddr, out) ->
    {
        if (LOCAL == daddr)
        {
            out.set(0, daddr, Route4.LOCAL);
            return true;
        }
        out.set(1, 0x0a090909, Route4.GATEWAY);
        return true;
    };

    @Before
    public void setUp()
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
    }

    @After
    public void tearDown()
    {
        if (null != core)
        {
            core.stop();
        }
        msg.close();
        TestLcores.stop(lcores);
    }

    private void start(final String conf) throws Exception
    {
        final Map<String, PortDriver> drivers = Drivers.all();
        drivers.put("feed", feed);
        core = new NetifCore(lcores, msg.manager(), stats, NetifConfig.parse("test.conf", new StringReader(conf)),
            drivers);
        core.start();
        core.routeLookup(ROUTE);
        core.neighOutput(neigh());
    }

    private void startFeed() throws Exception
    {
        start("port in0 driver feed\nport out0 driver feed\nqueue 1 in0 rx 0 tx 0\nqueue 1 out0 rx 0 tx 0\n");
    }

    private NeighOutput neigh()
    {
        return (lcoreId, m, port, nextHop) ->
        {
            if (port >= core.ports().size())
            {
                core.pool().free(lcoreId, m);
                return InetHook.DROP;
            }
            System.arraycopy(GW_MAC, 0, m.array(), m.offset(), 6);
            System.arraycopy(core.ports().get(port).mac(), 0, m.array(), m.offset() + 6, 6);
            m.put16(12, 0x0800);
            return Edpvs.OK == core.xmit(lcoreId, m, port) ? InetHook.ACCEPT : InetHook.DROP;
        };
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

    private long total(final int counter)
    {
        return core.totals()[counter];
    }

    private static byte[] arp(final byte[] dstMac, final int marker)
    {
        final byte[] f = new byte[60];
        final ByteBuffer b = ByteBuffer.wrap(f);
        b.put(dstMac).put(new byte[] {2, 0, 0x5e, 0, 0, 1}).putShort((short)0x0806);
        b.putShort((short)1).putShort((short)0x0800).put((byte)6).put((byte)4).putShort((short)1);
        b.putInt(38, marker);
        return f;
    }

    private static byte[] withProto(final byte[] udp, final int proto)
    {
        final byte[] f = udp.clone();
        f[14 + 9] = (byte)proto;
        f[14 + 10] = 0;
        f[14 + 11] = 0;
        final int sum = Ipv4.checksum(f, 14, 20);
        f[14 + 10] = (byte)(sum >> 8);
        f[14 + 11] = (byte)sum;
        return f;
    }

    @Test(timeout = 30_000)
    public void shouldHandAnEthertypeToItsReceiverAndHonourItsVerdict() throws Exception
    {
        startFeed();
        final byte[] mac0 = core.ports().get(0).mac();
        final AtomicInteger verdict = new AtomicInteger(InetHook.STOLEN);
        final AtomicLong calls = new AtomicLong();
        final AtomicInteger port = new AtomicInteger(-1);
        final ReceiverHandle h = core.registerPacketType(0x0806, "arp", (lcoreId, p, m) ->
        {
            calls.incrementAndGet();
            port.set(p);
            final int v = verdict.get();
            if (InetHook.STOLEN == v)
            {
                // a receiver that takes a packet owns it: this one just frees it
                assertEquals(0x0806, m.u16(12));
                core.pool().free(lcoreId, m);
            }
            if (-1 == v)
            {
                throw new IllegalStateException("a receiver failing");
            }
            return v;
        });
        assertEquals("ethertype 0x0806", h.key());
        assertTrue(core.receivers().contains((Receivers.Entry)h));

        feed.in.add(arp(mac0, 1));
        await("stolen", () -> 1 == total(LcoreNetif.RECEIVED));
        assertEquals(0, port.get());
        verdict.set(InetHook.ACCEPT);
        feed.in.add(arp(mac0, 2));
        await("given back: no KNI tap, so not handled", () -> 1 == total(LcoreNetif.NOT_HANDLED));
        verdict.set(InetHook.DROP);
        feed.in.add(arp(mac0, 3));
        await("dropped", () -> 1 == total(LcoreNetif.RECEIVER_DROP));
        verdict.set(-1);
        feed.in.add(arp(mac0, 4));
        await("a throw drops and counts", () -> 2 == total(LcoreNetif.RECEIVER_DROP)
            && 1 == ((Receivers.Entry)h).failures.get());
        assertEquals(4, calls.get());
        try
        {
            core.registerPacketType(0x0806, "again", (lcoreId, p, m) -> InetHook.ACCEPT);
            fail("a second receiver of one ethertype");
        }
        catch (final IllegalArgumentException expected)
        {
            assertTrue(expected.getMessage(), expected.getMessage().contains("has a receiver already"));
        }
        try
        {
            core.registerPacketType(0x0800, "ipv4", (lcoreId, p, m) -> InetHook.ACCEPT);
            fail("IPv4 goes through the hooks and protocols");
        }
        catch (final IllegalArgumentException expected)
        {
            assertTrue(expected.getMessage(), expected.getMessage().contains("0x800"));
        }
        h.close();
        assertFalse(h.isRegistered());
        feed.in.add(arp(mac0, 5));
        await("without a receiver: not handled", () -> 2 == total(LcoreNetif.NOT_HANDLED));
        assertEquals(4, calls.get());
        await("pool full", () -> 0 == core.pool().inUse());
    }

    @Test(timeout = 30_000)
    public void shouldDeliverALocalProtocolAfterLocalInAndLetOtherProtocolsThrough() throws Exception
    {
        startFeed();
        final byte[] mac0 = core.ports().get(0).mac();
        final AtomicLong udp = new AtomicLong();
        final AtomicLong localIn = new AtomicLong();
        core.registerHook(modules.netif.api.HookPoint.LOCAL_IN, 0, "count", (id, pt, m) ->
        {
            localIn.incrementAndGet();
            return InetHook.ACCEPT;
        });
        final ReceiverHandle h = core.registerProtocol(17, "udp", (lcoreId, p, m) ->
        {
            assertEquals("the IPv4 header", 14, m.l3Offset());
            assertEquals(LOCAL, m.u32(14 + 16));
            udp.incrementAndGet();
            core.pool().free(lcoreId, m);
            return InetHook.STOLEN;
        });
        assertEquals("ipv4 protocol 17", h.key());
        feed.in.add(FeedDriver.udp(mac0, 0xc0a80001, LOCAL, 64, 60));
        feed.in.add(withProto(FeedDriver.udp(mac0, 0xc0a80001, LOCAL, 64, 60), 1));
        feed.in.add(FeedDriver.udp(mac0, 0xc0a80001, 0x0a000002, 64, 60));
        await("udp to us delivered, icmp without a receiver not handled, the other forwarded",
            () -> 1 == udp.get() && 1 == total(LcoreNetif.NOT_HANDLED) && 1 == feed.out.size());
        assertEquals("both local packets passed LOCAL_IN", 2, localIn.get());
        assertEquals(1, total(LcoreNetif.RECEIVED));
        await("pool full", () -> 0 == core.pool().inUse());
    }

    /**
     * A receiver answering on its lcore with output4 (as an ICMP echo responder does), and output4 from another
     * thread, which travels to a worker as a message.
     */
    @Test(timeout = 30_000)
    public void shouldRouteWhatAFeatureBuildsFromAWorkerAndFromAnotherThread() throws Exception
    {
        startFeed();
        final byte[] mac0 = core.ports().get(0).mac();
        final AtomicLong localOut = new AtomicLong();
        core.registerHook(modules.netif.api.HookPoint.LOCAL_OUT, 0, "count", (id, pt, m) ->
        {
            localOut.incrementAndGet();
            return InetHook.ACCEPT;
        });
        core.registerProtocol(17, "echo", (lcoreId, p, m) ->
        {
            // swap the addresses: the answer goes back through the routing path
            final int s = m.u32(14 + 12);
            m.put32(14 + 12, m.u32(14 + 16));
            m.put32(14 + 16, s);
            return Edpvs.OK == core.output4(lcoreId, m) ? InetHook.STOLEN : InetHook.STOLEN;
        });
        feed.in.add(FeedDriver.udp(mac0, 0xc0a80009, LOCAL, 64, 60));
        await("the answer out", () -> 1 == feed.out.size());
        final byte[] out = feed.out.poll();
        assertArrayEquals(GW_MAC, Arrays.copyOfRange(out, 0, 6));
        assertEquals(LOCAL, ByteBuffer.wrap(out).getInt(14 + 12));
        assertEquals(0xc0a80009, ByteBuffer.wrap(out).getInt(14 + 16));

        // from the test thread: a MASTER_XMIT without a port, routed on a worker
        for (int i = 0; i < 10; i++)
        {
            final Mbuf m = core.pool().alloc(-1);
            final byte[] f = FeedDriver.udp(new byte[6], LOCAL, 0x0a000002 + i, 64, 60);
            System.arraycopy(f, 0, m.array(), m.offset(), f.length);
            m.length(f.length);
            assertEquals(Edpvs.OK, core.output4(-1, m));
        }
        await("10 more out", () -> 10 == feed.out.size());
        assertEquals("LOCAL_OUT ran for each", 11, localOut.get());
        assertEquals(11, total(LcoreNetif.LOCAL_OUT));

        // no route: freed and counted
        core.routeLookup(null);
        final Mbuf m = core.pool().alloc(-1);
        final byte[] f = FeedDriver.udp(new byte[6], LOCAL, 0x0a000002, 64, 60);
        System.arraycopy(f, 0, m.array(), m.offset(), f.length);
        m.length(f.length);
        assertEquals(Edpvs.OK, core.output4(-1, m));
        await("no route counted", () -> 1 == total(LcoreNetif.NO_ROUTE));
        await("pool full", () -> 0 == core.pool().inUse());
    }

    /**
     * The receiver guarantee: once close() returns, no lcore calls it again, also when close() lands while a
     * worker is inside it. Without the grace period in Receivers.remove, this fails.
     */
    @Test(timeout = 60_000)
    public void shouldNeverCallAReceiverAfterCloseReturns() throws Exception
    {
        // every destination is ours: each synthetic UDP packet goes to the protocol's receiver
        start("port syn0 driver synthetic rxq 2 txq 2 rate 0\nqueue 1 syn0 rx 0 tx 0\nqueue 2 syn0 rx 1 tx 1\n");
        core.routeLookup((lcoreId, daddr, out) ->
        {
            out.set(0, daddr, Route4.LOCAL);
            return true;
        });
        for (int round = 0; round < 100; round++)
        {
            final AtomicLong calls = new AtomicLong();
            final ReceiverHandle h = core.registerProtocol(17, "victim", (id, p, m) ->
            {
                calls.incrementAndGet();
                final long until = System.nanoTime() + 5_000;
                while (System.nanoTime() < until)
                {
                    Thread.onSpinWait();
                }
                calls.incrementAndGet();
                return InetHook.ACCEPT;
            });
            await("victim runs", () -> calls.get() > 0);
            h.close();
            final long atClose = calls.get();
            assertEquals("close() returned while a call was in progress (round " + round + ")", 0, atClose % 2);
            final long rx = core.port(0).stats.rxTotal(PortStats.IPACKETS);
            await("more packets", () -> core.port(0).stats.rxTotal(PortStats.IPACKETS) > rx + 64);
            assertEquals("receiver called after close() returned (round " + round + ")", atClose, calls.get());
        }
    }

    @Test(timeout = 30_000)
    public void shouldCloseABundlesReceiversWhenItReleasesNetif() throws Exception
    {
        startFeed();
        final BundleNetif bundle = new BundleNetif(core, "bundle-a");
        bundle.registerPacketType(0x0806, "arp", (lcoreId, p, m) -> InetHook.ACCEPT);
        bundle.registerProtocol(1, "icmp", (lcoreId, p, m) -> InetHook.ACCEPT);
        core.registerProtocol(17, "netif's own", (lcoreId, p, m) -> InetHook.ACCEPT);
        assertEquals(3, core.receivers().size());
        bundle.release();
        assertEquals(1, core.receivers().size());
        assertEquals("netif's own", core.receivers().get(0).name);
        // the freed slots take the next version's receivers
        bundle.registerProtocol(1, "icmp", (lcoreId, p, m) -> InetHook.ACCEPT);
        assertEquals(2, core.receivers().size());
    }
}
