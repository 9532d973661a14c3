package modules.netif.impl;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.netif.api.HookHandle;
import modules.netif.api.HookPoint;
import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.NeighOutput;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import modules.stats.api.LcoreCounters;
import modules.stats.api.LcoreStats;
import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.impl.TestMsgManagers;

/**
 * The packet path on real lcores (master 0, workers 1 and 2) and a real message manager, with ports on the real
 * driver SPI: synthetic ports, and a test-fed port for exact frames.
 */
public class NetifCoreTest
{
    private static final byte[] GW_MAC = {2, 0, 0, 0, 0x77, 0x77};

    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private NetifCore core;
    private final FeedDriver feed = new FeedDriver();
    private final Map<Integer, LcoreCounters> counters = new ConcurrentHashMap<>();
    private final LcoreStats stats = id -> counters.computeIfAbsent(id, LcoreCounters::new);

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

    private NetifCore start(final String conf) throws Exception
    {
        final Map<String, PortDriver> drivers = Drivers.all();
        drivers.put("feed", feed);
        core = new NetifCore(lcores, msg.manager(), stats, NetifConfig.parse("test.conf", new StringReader(conf)),
            drivers);
        core.start();
        return core;
    }

    /** Routes every destination out of port 1 through a gateway 10.9.9.9, except 10.1.1.1, which is ours. */
    private static final RouteLookup ROUTE = (lcoreId, daddr, out) ->
    {
        if (0x0a010101 == daddr)
        {
            out.set(0, daddr, Route4.LOCAL);
            return true;
        }
        out.set(1, 0x0a090909, Route4.GATEWAY);
        return true;
    };

    /** Writes the gateway's MAC and the port's own and sends: what a neighbour bundle does once resolved. */
    private NeighOutput neigh()
    {
        return (lcoreId, m, port, nextHop) ->
        {
            System.arraycopy(GW_MAC, 0, m.array(), m.offset(), 6);
            System.arraycopy(core.ports().get(port).mac(), 0, m.array(), m.offset() + 6, 6);
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

    @Test(timeout = 30_000)
    public void shouldMoveSyntheticTrafficThroughTheWorkersAndCountNoRouteDropsWithoutARouteService()
        throws Exception
    {
        start("port syn0 driver synthetic rxq 2 txq 2 rate 20000\nqueue 1 syn0 rx 0 tx 0\nqueue 2 syn0 rx 1 tx 1\n");
        final NetifCore.Port p = core.port(0);
        await("packets on both queues", () -> p.stats.rxQueue(0, PortStats.IPACKETS) > 100
            && p.stats.rxQueue(1, PortStats.IPACKETS) > 100);
        await("every packet dropped as no-route", () -> total(LcoreNetif.NO_ROUTE) > 200);
        core.stop();
        final long in = p.stats.rxTotal(PortStats.IPACKETS);
        assertEquals("received = dropped for no route", in, total(LcoreNetif.NO_ROUTE));
        assertEquals("burst counters of the lcores", in, counters.get(1).ipackets() + counters.get(2).ipackets());
        assertEquals("dropped in the lcore counters", in, counters.get(1).dropped() + counters.get(2).dropped());
        assertEquals("every buffer back in the pool", 0, core.pool().inUse());
        final long[] totals = core.totals();
        assertEquals("ipackets in the snapshot", in, totals[LcoreNetif.NAMES.length + 5]);
        assertEquals("dropped in the snapshot", in, totals[LcoreNetif.NAMES.length + 9]);
        core = null;
    }

    @Test(timeout = 30_000)
    public void shouldRunTheEmbeddedDefaultWithAQueuePerWorker() throws Exception
    {
        core = new NetifCore(lcores, msg.manager(), stats, NetifConfig.defaults(new int[] {1, 2}), Drivers.all());
        core.start();
        assertEquals(core.refusedPorts().toString(), 1, core.ports().size());
        assertEquals(List.of(1, 2), core.workerIds());
        await("both workers receive", () -> counters.get(1).ipackets() > 0 && counters.get(2).ipackets() > 0);
    }

    @Test(timeout = 30_000)
    public void shouldForwardWithTtlDecrementedChecksumUpdatedAndMacsRewritten() throws Exception
    {
        start("port in0 driver feed\nport out0 driver feed\nqueue 1 in0 rx 0 tx 0\nqueue 1 out0 rx 0 tx 0\n");
        core.routeLookup(ROUTE);
        core.neighOutput(neigh());
        final byte[] mac0 = core.ports().get(0).mac();
        for (int ttl = 2; ttl < 66; ttl++)
        {
            feed.in.add(FeedDriver.udp(mac0, 0xc0a80001 + ttl, 0x0a000001, ttl, 60 + ttl));
        }
        await("64 frames out", () -> feed.out.size() == 64);
        int ttl = 2;
        for (final byte[] f : feed.out)
        {
            final ByteBuffer b = ByteBuffer.wrap(f);
            assertArrayEquals(GW_MAC, java.util.Arrays.copyOfRange(f, 0, 6));
            assertArrayEquals(core.ports().get(1).mac(), java.util.Arrays.copyOfRange(f, 6, 12));
            assertEquals(ttl - 1, f[14 + 8] & 0xff);
            assertEquals("header checksum valid after the incremental update", 0, Ipv4.checksum(f, 14, 20));
            final byte[] expect = FeedDriver.udp(mac0, 0xc0a80001 + ttl, 0x0a000001, ttl - 1, 60 + ttl);
            assertEquals("checksum equals a full recomputation", ByteBuffer.wrap(expect).getShort(24),
                b.getShort(24));
            ttl++;
        }
        assertEquals(64, core.port(1).stats.txTotal(PortStats.OPACKETS));
        assertEquals(0, core.pool().inUse());
    }

    /** DPVS's burst buckets: 70 frames waiting are read as bursts of 32, 32 and 6, then empty bursts. */
    @Test(timeout = 30_000)
    public void shouldCountBurstsInDpvsBuckets() throws Exception
    {
        final byte[] mac0 = Macs.local(0);
        for (int i = 0; i < 70; i++)
        {
            feed.in.add(FeedDriver.udp(mac0, 1, 0x0a000001, 64, 60));
        }
        // one worker polls both ports (they share the test driver's input): every burst is lcore 1's
        start("port in0 driver feed\nport out0 driver feed\nqueue 1 in0 rx 0 tx 0\nqueue 1 out0 rx 0 tx 0\n");
        await("70 received", () -> counters.get(1).ipackets() == 70);
        final LcoreCounters c = counters.get(1);
        await("an empty burst after", () -> c.zpktburst() > 0);
        // stopped, so that the empty bursts stop counting while the counters are compared
        core.stop();
        core = null;
        assertEquals("full bursts", 2, c.fpktburst());
        assertEquals("bursts over half full", 2, c.h2fpktburst());
        assertEquals("bursts up to half full, empty ones included", c.zpktburst() + 1, c.z2hpktburst());
        assertEquals(c.zpktburst() + 3, c.pktburst());
        assertEquals(70 * 60, c.ibytes());
    }

    @Test(timeout = 30_000)
    public void shouldDropBadHeadersTtlOneAndNonIpv4WithTheirOwnCounters() throws Exception
    {
        start("port in0 driver feed\nport out0 driver feed\nqueue 1 in0 rx 0 tx 0\nqueue 1 out0 rx 0 tx 0\n");
        core.routeLookup(ROUTE);
        core.neighOutput(neigh());
        final byte[] mac0 = core.ports().get(0).mac();
        final byte[] good = FeedDriver.udp(mac0, 0xc0a80001, 0x0a000001, 64, 60);
        final byte[] badSum = good.clone();
        badSum[14 + 10] ^= 1;
        final byte[] badVersion = good.clone();
        badVersion[14] = 0x65;
        final byte[] shortIhl = good.clone();
        shortIhl[14] = 0x44;
        final byte[] tooLong = good.clone();
        tooLong[14 + 2] = 0x10;
        final byte[] runt = java.util.Arrays.copyOf(good, 20);
        final byte[] ttl1 = FeedDriver.udp(mac0, 0xc0a80001, 0x0a000001, 1, 60);
        final byte[] arp = good.clone();
        arp[12] = 0x08;
        arp[13] = 0x06;
        final byte[] tiny = new byte[10];
        for (final byte[] f : List.of(badSum, badVersion, shortIhl, tooLong, runt, tiny))
        {
            feed.in.add(f);
        }
        feed.in.add(ttl1);
        feed.in.add(arp);
        feed.in.add(good);
        await("the good frame out", () -> feed.out.size() == 1);
        await("all counted", () -> total(LcoreNetif.BAD_HEADER) == 6 && total(LcoreNetif.TTL_EXCEEDED) == 1
            && total(LcoreNetif.NOT_HANDLED) == 1);
        assertEquals(6, core.port(0).stats.rxTotal(PortStats.IERRORS));
        assertEquals(0, core.pool().inUse());
    }

    @Test(timeout = 30_000)
    public void shouldRunHooksInPriorityOrderAndHonourDropAndStolen() throws Exception
    {
        start("port in0 driver feed\nport out0 driver feed\nqueue 1 in0 rx 0 tx 0\nqueue 1 out0 rx 0 tx 0\n");
        core.routeLookup(ROUTE);
        core.neighOutput(neigh());
        final List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicLong stolenFreed = new AtomicLong();
        final HookHandle late = core.registerHook(HookPoint.PRE_ROUTING, 200, "late", (id, pt, m) ->
        {
            order.add("late");
            return InetHook.ACCEPT;
        });
        final HookHandle early = core.registerHook(HookPoint.PRE_ROUTING, 10, "early", (id, pt, m) ->
        {
            order.add("early");
            // TTL 9 is dropped here, TTL 8 is stolen (and freed by the hook)
            final int ttl = m.u8(m.l3Offset() + 8);
            if (9 == ttl)
            {
                return InetHook.DROP;
            }
            if (8 == ttl)
            {
                m.pool().free(id, m);
                stolenFreed.incrementAndGet();
                return InetHook.STOLEN;
            }
            return InetHook.ACCEPT;
        });
        final HookHandle fwd = core.registerHook(HookPoint.FORWARD, 0, "fwd", (id, pt, m) ->
        {
            order.add("fwd");
            return InetHook.ACCEPT;
        });
        final HookHandle post = core.registerHook(HookPoint.POST_ROUTING, 0, "post", (id, pt, m) ->
        {
            order.add("post:" + m.u8(m.l3Offset() + 8));
            return InetHook.ACCEPT;
        });
        try
        {
            core.registerHook(HookPoint.PRE_ROUTING, 5, "late", (id, pt, m) -> InetHook.ACCEPT);
            fail("a second hook named late at PRE_ROUTING was accepted");
        }
        catch (final IllegalArgumentException ex)
        {
            assertTrue(ex.getMessage(), ex.getMessage().contains("late"));
        }
        final byte[] mac0 = core.ports().get(0).mac();
        feed.in.add(FeedDriver.udp(mac0, 1, 0x0a000001, 64, 60));
        await("forwarded", () -> feed.out.size() == 1);
        assertEquals(List.of("early", "late", "fwd", "post:63"), new ArrayList<>(order));
        order.clear();
        feed.in.add(FeedDriver.udp(mac0, 1, 0x0a000001, 9, 60));
        feed.in.add(FeedDriver.udp(mac0, 1, 0x0a000001, 8, 60));
        await("dropped and stolen", () -> total(LcoreNetif.HOOK_DROP) == 1 && total(LcoreNetif.HOOK_STOLEN) == 1);
        assertEquals(List.of("early", "early"), new ArrayList<>(order));
        assertEquals(1, stolenFreed.get());
        assertEquals(4, core.hooks().size());
        for (final HookHandle h : List.of(late, early, fwd, post))
        {
            h.close();
            assertFalse(h.isRegistered());
        }
        assertEquals(0, core.hooks().size());
        assertEquals(1, feed.out.size());
        await("pool full", () -> 0 == core.pool().inUse());
    }

    @Test(timeout = 30_000)
    public void shouldCountLogAndDropWhenAHookThrowsAndKeepForwarding() throws Exception
    {
        start("port in0 driver feed\nport out0 driver feed\nqueue 1 in0 rx 0 tx 0\nqueue 1 out0 rx 0 tx 0\n");
        core.routeLookup(ROUTE);
        core.neighOutput(neigh());
        final HookHandle bad = core.registerHook(HookPoint.FORWARD, 0, "bad", (id, pt, m) ->
        {
            if (7 == m.u8(m.l3Offset() + 8))
            {
                throw new IllegalStateException("hook bug");
            }
            return InetHook.ACCEPT;
        });
        final byte[] mac0 = core.ports().get(0).mac();
        for (int i = 0; i < 10; i++)
        {
            feed.in.add(FeedDriver.udp(mac0, 1, 0x0a000001, 7, 60));
        }
        feed.in.add(FeedDriver.udp(mac0, 1, 0x0a000001, 64, 60));
        await("the good one out", () -> feed.out.size() == 1);
        assertEquals(10, core.hookFailures());
        assertEquals(10, total(LcoreNetif.HOOK_DROP));
        assertEquals(10, core.hooks().get(0).failures.get());
        bad.close();
        assertEquals(0, core.pool().inUse());
    }

    /**
     * The hook guarantee: once close() returns, no lcore calls the hook again, also when close() lands while a
     * worker is inside it. Without the grace period in HookChain.remove, this fails.
     */
    @Test(timeout = 60_000)
    public void shouldNeverCallAHookAfterCloseReturns() throws Exception
    {
        start("port syn0 driver synthetic rxq 2 txq 2 rate 0\nqueue 1 syn0 rx 0 tx 0\nqueue 2 syn0 rx 1 tx 1\n");
        core.routeLookup(ROUTE);
        for (int round = 0; round < 100; round++)
        {
            final AtomicLong calls = new AtomicLong();
            final HookHandle h = core.registerHook(HookPoint.PRE_ROUTING, 0, "victim", (id, pt, m) ->
            {
                calls.incrementAndGet();
                // stay inside the call a while, so close() often lands mid-call
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
            assertEquals("hook called after close() returned (round " + round + ")", atClose, calls.get());
        }
    }

    /**
     * A route service going away (its bundle stopping: DS unbinds it) is never called again once the unbind
     * returned. Without the grace period in NetifCore.routeLookup(null), this fails.
     */
    @Test(timeout = 60_000)
    public void shouldNeverCallARouteServiceAfterItWasUnbound() throws Exception
    {
        start("port syn0 driver synthetic rxq 2 txq 2 rate 0\nqueue 1 syn0 rx 0 tx 0\nqueue 2 syn0 rx 1 tx 1\n");
        for (int round = 0; round < 100; round++)
        {
            final AtomicLong calls = new AtomicLong();
            core.routeLookup((lcoreId, daddr, out) ->
            {
                calls.incrementAndGet();
                final long until = System.nanoTime() + 5_000;
                while (System.nanoTime() < until)
                {
                    Thread.onSpinWait();
                }
                calls.incrementAndGet();
                return false;
            });
            await("route service called", () -> calls.get() > 0);
            core.routeLookup(null);
            final long atUnbind = calls.get();
            assertEquals("unbind returned while a lookup was in progress (round " + round + ")", 0, atUnbind % 2);
            final long rx = core.port(0).stats.rxTotal(PortStats.IPACKETS);
            await("more packets", () -> core.port(0).stats.rxTotal(PortStats.IPACKETS) > rx + 64);
            assertEquals("route service called after unbind (round " + round + ")", atUnbind, calls.get());
        }
    }

    @Test(timeout = 30_000)
    public void shouldSendFromAnotherThreadThroughMasterXmit() throws Exception
    {
        start("port in0 driver feed\nport out0 driver feed rxq 2 txq 2\nqueue 1 in0 rx 0 tx 0\n"
            + "queue 1 out0 rx 0 tx 0\nqueue 2 out0 rx 1 tx 1\n");
        final byte[] frame = FeedDriver.udp(new byte[6], 1, 2, 64, 100);
        for (int i = 0; i < 100; i++)
        {
            final Mbuf m = core.pool().alloc(-1);
            System.arraycopy(frame, 0, m.array(), m.offset(), frame.length);
            m.length(frame.length);
            assertEquals(Edpvs.OK, core.xmit(-1, m, 1));
        }
        await("100 frames out", () -> feed.out.size() == 100);
        final NetifCore.Port p = core.port(1);
        assertEquals(100, p.stats.txTotal(PortStats.OPACKETS));
        assertTrue("both transmit queues used", p.stats.txQueue(0, PortStats.OPACKETS) > 0
            && p.stats.txQueue(1, PortStats.OPACKETS) > 0);
        assertEquals(Edpvs.NOTEXIST, core.xmit(-1, core.pool().alloc(-1), 7));
        await("pool full", () -> 0 == core.pool().inUse());
    }

    @Test(timeout = 30_000)
    public void shouldCountTransmitQueueOverflowAsDrops() throws Exception
    {
        start("port in0 driver feed\nport out0 driver feed\nqueue 1 in0 rx 0 tx 0\nqueue 1 out0 rx 0 tx 0\n");
        core.routeLookup(ROUTE);
        core.neighOutput(neigh());
        feed.txFull = true;
        final byte[] mac0 = core.ports().get(0).mac();
        for (int i = 0; i < 40; i++)
        {
            feed.in.add(FeedDriver.udp(mac0, 1, 0x0a000001, 64, 60));
        }
        await("40 counted as tx full", () -> total(LcoreNetif.TX_FULL) == 40);
        assertEquals(40, core.port(1).stats.txTotal(PortStats.OERRORS) + core.port(0).stats.txTotal(
            PortStats.OERRORS));
        await("pool full", () -> 0 == core.pool().inUse());
    }

    private static void refused(final String conf, final String expect) throws Exception
    {
        final LcoreScheduler l = TestLcores.masterAndTwoWorkers();
        try
        {
            final Map<String, PortDriver> drivers = Drivers.all();
            final NetifCore c = new NetifCore(l, null, id -> new LcoreCounters(id),
                NetifConfig.parse("bad.conf", new StringReader(conf)), drivers);
            c.stop();
            fail("accepted: " + conf);
        }
        catch (final NetifConfig.ConfigException ex)
        {
            assertTrue(ex.getMessage() + " lacks " + expect, ex.getMessage().contains(expect));
        }
        finally
        {
            TestLcores.stop(l);
        }
    }

    @Test(timeout = 30_000)
    public void shouldRefuseABadQueueAssignmentNamingTheLine() throws Exception
    {
        final String port = "port syn0 driver synthetic rxq 2 txq 2\n";
        refused(port + "queue 0 syn0 rx 0 tx 0\nqueue 2 syn0 rx 1 tx 1\n",
            "bad.conf:2: lcore 0 is not a FWD_WORKER");
        refused(port + "queue 1 syn0 rx 0,1 tx 0\nqueue 2 syn0 rx 1 tx 1\n",
            "bad.conf:3: rx queue 1 of port syn0 is already polled (bad.conf:2)");
        refused(port + "queue 1 syn0 rx 0,2 tx 0\n", "bad.conf:2: port syn0 has 2 rx queues, no rx queue 2");
        refused(port + "queue 1 syn0 rx 0 tx 0\n", "rx queue 1 of port syn0 is polled by no lcore");
        refused(port + "queue 1 syn0 rx 0 tx 0\nqueue 2 syn0 rx 1 tx 0\n",
            "bad.conf:3: tx queue 0 of port syn0 already belongs to lcore 1");
        refused(port + "queue 1 nope rx 0 tx 0\n", "bad.conf:2: no port nope");
        refused(port + "queue 1 syn0 rx 0 tx 0\nqueue 1 syn0 rx 1 tx 1\n", "bad.conf:3: lcore 1 already has port");
    }

    @Test
    public void shouldRefuseBadLinesNamingThem() throws Exception
    {
        final String[][] cases = {
            {"bogus 1\n", "t:1: unknown keyword bogus"},
            {"\n# c\nport a driver\n", "t:3: want: port <name> driver"},
            {"port abcdefghijklmnop driver synthetic\n", "t:1: port name abcdefghijklmnop"},
            {"port a driver synthetic\nport a driver synthetic\n", "t:2: port a is already defined at t:1"},
            {"queue 64 a rx 0 tx 0\n", "t:1: lcore 64: want 0..63"},
            {"queue 1 a rx x tx 0\n", "t:1: rx queue x: not a number"},
            {"mbufs 10\n", "t:1: mbufs 10: want 64.."},
            {"port a driver synthetic rate\n", "t:1: want: port <name> driver"},
            {"port a driver synthetic rate 1 rate 2\n", "t:1: option rate given twice"},
        };
        for (final String[] c : cases)
        {
            try
            {
                NetifConfig.parse("t", new StringReader(c[0]));
                fail("accepted: " + c[0]);
            }
            catch (final NetifConfig.ConfigException ex)
            {
                assertTrue(ex.getMessage() + " lacks " + c[1], ex.getMessage().contains(c[1]));
            }
        }
    }

    @Test(timeout = 30_000)
    public void shouldRefuseAPortThatCannotOpenAndRunTheOthers() throws Exception
    {
        start("port syn0 driver synthetic rate 100\nport bad0 driver synthetic size 10\nport x0 driver nosuch\n"
            + "port typo0 driver synthetic rat 5\nqueue 1 syn0 rx 0 tx 0\nqueue 2 bad0 rx 0 tx 0\n");
        assertEquals(1, core.ports().size());
        final List<String> refused = core.refusedPorts();
        assertEquals(refused.toString(), 3, refused.size());
        assertTrue(refused.get(0), refused.get(0).startsWith("test.conf:2: port bad0: size 10"));
        assertTrue(refused.get(1), refused.get(1).startsWith("test.conf:3: port x0: no driver nosuch"));
        assertTrue(refused.get(2), refused.get(2).contains("test.conf:4: port typo0: unknown option rat"));
        await("syn0 runs", () -> core.port(0).stats.rxTotal(PortStats.IPACKETS) > 0);
    }

    @Test(timeout = 30_000)
    public void shouldRemoveEverythingAtStopAndStartAgain() throws Exception
    {
        start("port syn0 driver synthetic rxq 2 txq 2 rate 5000\nqueue 1 syn0 rx 0 tx 0\nqueue 2 syn0 rx 1 tx 1\n");
        core.registerHook(HookPoint.LOCAL_IN, 0, "h", (id, pt, m) -> InetHook.ACCEPT);
        assertTrue(lcores.jobs(-1).stream().anyMatch(j -> NetifCore.JOB_RECV_FWD.equals(j.name())));
        assertTrue(msg.manager().types().stream().anyMatch(t -> 5 == t.id()));
        core.stop();
        assertEquals("queue list cleared at stop", "", counters.get(1).queues());
        assertTrue(lcores.jobs(-1).stream().noneMatch(j -> j.name().startsWith("recv_fwd")
            || j.name().equals("xmit")));
        assertTrue(msg.manager().types().stream().noneMatch(t -> 5 == t.id() || 8 == t.id()));
        assertEquals(0, core.hooks().size());
        core = null;
        start("port syn0 driver synthetic rxq 2 txq 2 rate 5000\nqueue 1 syn0 rx 0 tx 0\nqueue 2 syn0 rx 1 tx 1\n");
        await("runs again", () -> core.port(0).stats.rxTotal(PortStats.IPACKETS) > 10);
        final String stats = new NetifCommands(core).stats();
        assertTrue(stats, stats.contains("lcore 1: bad_header 0 no_route"));
        final String lc = new NetifCommands(core).lcores();
        assertEquals("lcore 1: syn0:rx0 tx0\nlcore 2: syn0:rx1 tx1\n", lc.replace(System.lineSeparator(), "\n"));
        assertNotNull(new NetifCommands(core).ports());
        assertEquals(String.format("%-16s%-16s", "syn0:rx1", "syn0:tx1"), counters.get(2).queues());
    }
}
