package platform.mp.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.mp.client.MpSecondary;
import platform.mp.client.MpStats;
import platform.msgmgr.api.MsgMode;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgTypeInfo;
import platform.msgmgr.impl.TestMsgManagers;
import platform.sockopt.api.Sockopt;
import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptRange;
import platform.sockopt.api.SockoptSpec;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.impl.TestSockoptServers;

/**
 * The platform's counters in the statistics segment, from real running lcores, a real message manager and a real
 * control socket: a secondary reads them with no request, they move, a service that goes away takes its counters
 * out, and the segment's capacity bounds them (the rest counted in {@code stats.truncated}).
 */
public class MpPlatformStatsTest
{
    private static final int SOCKOPT_ID = 8800;

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private TestSockoptServers.Running sockopt;
    private Path socket;
    private MpPrimary primary;
    private MpSecondary s;

    @Before
    public void start() throws IOException
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        socket = tmp.newFolder("ctl").toPath().resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        primary = new MpPrimary(tmp.newFolder("mp").toPath(), 256);
        primary.platform.lcores = lcores;
        primary.platform.msgs = msg.manager();
        primary.platform.sockopts = sockopt.registry();
        s = MpSecondary.attach(primary.dir);
    }

    @After
    public void stop()
    {
        s.close();
        primary.close();
        sockopt.close();
        msg.close();
        TestLcores.stop(lcores);
    }

    @Test
    public void shouldShowThePlatformsCountersMovingWithNoRequest() throws Exception
    {
        final String loops = "lcore." + lcores.masterLcoreId() + ".loops";
        MpTesting.await("lcore counters in the segment", 5000, () -> s.stats().containsKey(loops));
        final long first = s.stats().get(loops);
        MpTesting.await("the master's loops move", 5000, () -> s.stats().get(loops) > first);
        final Map<String, Long> st = s.stats();
        for (final int id : new int[] {lcores.masterLcoreId(), lcores.lcoreIds(platform.lcore.api.LcoreRole
            .FWD_WORKER)[0]})
        {
            for (final String c : new String[] {"loops", "loops_per_sec", "idle_bp", "big_loops", "jobs",
                "job_calls", "job_failures"})
            {
                assertTrue("lcore." + id + "." + c + " in " + st.keySet(), st.containsKey("lcore." + id + "." + c));
            }
            assertTrue(st.get("lcore." + id + ".idle_bp") <= 10_000);
        }
        assertTrue("the message manager's jobs run on the lcores", st.get("lcore." + lcores.masterLcoreId()
            + ".jobs") > 0);
        assertTrue(st.containsKey("msg.sent"));
        assertEquals(0L, (long) st.get(MpPrimary.STATS_TRUNCATED));
        // the channel's own counters stay first, in their order
        assertEquals(List.of(MpPrimary.STATS), List.copyOf(st.keySet()).subList(0, MpPrimary.STATS.length));

        // a sockopt range appears with its first request and counts the next
        try (SockoptHandle h = sockopt.registry().register(SockoptSpec.builder("mptest")
            .get(SOCKOPT_ID, SOCKOPT_ID, (req, rep) -> 0).build()))
        {
            MpTesting.await("the range listed", 5000, () -> s.stats().containsKey("sockopt.mptest.get.calls"));
            final long before = s.stats().get("sockopt.calls");
            final SockoptClient c = SockoptClient.of(socket, Duration.ofSeconds(5));
            c.get(SOCKOPT_ID, new byte[0]);
            c.get(SOCKOPT_ID, new byte[0]);
            MpTesting.await("two GETs counted", 5000, () -> s.stats().get("sockopt.mptest.get.calls") == 2
                && s.stats().get("sockopt.calls") == before + 2);
        }
        MpTesting.await("the closed range is gone", 5000, () -> !s.stats().containsKey("sockopt.mptest.get.calls"));

        // the message manager goes away: its counters leave the segment, the others stay
        primary.platform.msgs = null;
        MpTesting.await("msg counters gone", 5000, () -> !s.stats().containsKey("msg.sent"));
        assertTrue(s.stats().containsKey(loops));
    }

    @Test
    public void shouldSumMessageAndSockoptCountersByName()
    {
        final Map<String, Long> out = new LinkedHashMap<>();
        PlatformCounters.messages(List.of(
            new MsgTypeInfo(1, "route_add", 0, MsgMode.MULTICAST, MsgPriority.NORM, "a", 5, 4, 3, 1, 0, 0, 1, 0),
            new MsgTypeInfo(1, "route_add", 1, MsgMode.MULTICAST, MsgPriority.NORM, "a", 5, 5, 5, 0, 0, 0, 0, 2)),
            out);
        assertEquals(10L, (long) out.get("msg.sent"));
        assertEquals(9L, (long) out.get("msg.received"));
        assertEquals(1L, (long) out.get("msg.ring_full"));
        assertEquals(2L, (long) out.get("msg.late_replies"));
        assertEquals(10L, (long) out.get("msg.route_add.sent"));
        assertEquals(1L, (long) out.get("msg.route_add.dropped"));
        out.clear();
        PlatformCounters.sockopts(List.of(new SockoptRange(Sockopt.SET, 1, 2, 1, "blklst", "b", 7, 1),
            new SockoptRange(Sockopt.GET, 3, 3, 1, "blklst", "b", 2, 0)), out);
        assertEquals(9L, (long) out.get("sockopt.calls"));
        assertEquals(1L, (long) out.get("sockopt.errors"));
        assertEquals(7L, (long) out.get("sockopt.blklst.set.calls"));
        assertEquals(2L, (long) out.get("sockopt.blklst.get.calls"));
    }

    @Test
    public void shouldCutWhatDoesNotFitAndCountIt() throws Exception
    {
        // a region of 20 entries: the channel's 11, stats.truncated, and 8 of the platform's
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(MpStats.size(20));
        final String[] names = new String[30];
        final long[] values = new long[30];
        for (int i = 0; i < names.length; i++)
        {
            names[i] = "c" + i + "x".repeat(60);
            values[i] = i;
        }
        MpStats.format(b);
        MpStats.update(b, names, values, MpStats.capacity(b));
        final Map<String, Long> m = MpStats.read(b);
        assertEquals(20, m.size());
        // a name over 48 bytes is cut to 48
        assertEquals(19L, (long) m.get(("c19" + "x".repeat(60)).substring(0, 48)));
        assertFalse(m.containsKey("c20"));
    }

    @Test(timeout = 60_000)
    public void shouldPutTheFeaturesMetricsSourcesInTheSegmentAndNeverCallARemovedOne() throws Exception
    {
        assertEquals("port_received_packets.dpdk0.0",
            MetricsBridge.counterName("dplane_port_received_packets_total", "port", "dpdk0", "queue", "0"));
        assertEquals("netif_mbufs.in_use", MetricsBridge.counterName("dplane_netif_mbufs", "state", "in_use"));
        assertEquals("a blank would split MpCli's lines", "x.a_b", MetricsBridge.counterName("x", "l", "a b"));
        final java.util.concurrent.atomic.AtomicLong packets = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicBoolean removed = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicInteger callsAfterRemoval =
            new java.util.concurrent.atomic.AtomicInteger();
        final platform.metrics.api.MetricsSource port = sink ->
        {
            inside.incrementAndGet();
            try
            {
                sink.counter("dplane_port_received_packets_total", "packets", packets.incrementAndGet(), "port",
                    "dpdk0", "queue", "0");
                sink.gauge("dplane_port_link_up", "link", 1, "port", "dpdk0");
                // slow enough that a removal often meets a running collection
                Thread.sleep(20);
                if (removed.get())
                {
                    callsAfterRemoval.incrementAndGet();
                }
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            finally
            {
                inside.decrementAndGet();
            }
        };
        final platform.metrics.api.MetricsSource broken = sink ->
        {
            throw new IllegalStateException("test");
        };
        final Object portKey = new Object();
        primary.platform.addSource("broken", broken);
        primary.platform.addSource(portKey, port);
        MpTesting.await("the port's counter in the segment", 5000,
            () -> s.stats().containsKey("port_received_packets.dpdk0.0"));
        final long first = s.stats().get("port_received_packets.dpdk0.0");
        MpTesting.await("moving", 5000, () -> s.stats().get("port_received_packets.dpdk0.0") > first);
        assertEquals(1L, (long) s.stats().get("port_link_up.dpdk0"));
        assertTrue("the failing source is counted", primary.platform.sourceFailures.get() > 0);
        assertTrue("the platform's counters are still there", s.stats().containsKey("msg.sent"));
        // removed while the timer may be inside it: once removeSource returns it is neither running nor called
        MpTesting.await("a collection running", 5000, () -> inside.get() > 0);
        assertTrue(null != primary.platform.removeSource(portKey));
        removed.set(true);
        assertEquals("not running after the removal returned", 0, inside.get());
        MpTesting.await("its counters gone", 5000, () -> !s.stats().containsKey("port_received_packets.dpdk0.0"));
        Thread.sleep(3 * MpPrimary.STATS_PERIOD_MS);
        assertEquals("never called after its removal", 0, callsAfterRemoval.get());
    }
}
