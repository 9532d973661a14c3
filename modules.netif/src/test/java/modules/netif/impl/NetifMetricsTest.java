package modules.netif.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.stats.api.LcoreCounters;
import modules.stats.api.LcoreStats;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.metrics.api.MetricsSink;
import platform.msgmgr.impl.TestMsgManagers;

/**
 * Netif's metrics source over running lcores and a synthetic port: the per-queue packets, the drops by reason on
 * each worker and the lcore counters are what the data path counted, and they move with the traffic.
 */
public class NetifMetricsTest
{
    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private NetifCore core;
    private final Map<Integer, LcoreCounters> counters = new ConcurrentHashMap<>();
    private final LcoreStats stats = id -> counters.computeIfAbsent(id, LcoreCounters::new);

    /** What a source wrote: "name{k=v,...}" to value, labels in the order written. */
    private static final class Recorded implements MetricsSink
    {
        final Map<String, Double> values = new HashMap<>();
        final Map<String, String> types = new HashMap<>();

        @Override
        public void counter(final String name, final String help, final double value, final String... labels)
        {
            record("counter", name, help, value, labels);
        }

        @Override
        public void gauge(final String name, final String help, final double value, final String... labels)
        {
            record("gauge", name, help, value, labels);
        }

        private void record(final String type, final String name, final String help, final double value,
            final String... labels)
        {
            assertTrue(name, name.startsWith("dplane_") && !help.isEmpty() && 0 == labels.length % 2);
            assertTrue(name, "counter".equals(type) == name.endsWith("_total"));
            final String previousType = types.put(name, type);
            assertTrue(name, null == previousType || previousType.equals(type));
            final StringBuilder key = new StringBuilder(name).append('{');
            for (int i = 0; i < labels.length; i += 2)
            {
                key.append(i > 0 ? "," : "").append(labels[i]).append('=').append(labels[i + 1]);
            }
            assertEquals("written twice: " + key, null, values.put(key.append('}').toString(), value));
        }

        double get(final String series)
        {
            final Double v = values.get(series);
            assertNotNull(series + " not in " + values.keySet(), v);
            return v;
        }
    }

    @Before
    public void setUp() throws Exception
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        core = new NetifCore(lcores, msg.manager(), stats, NetifConfig.parse("test.conf", new StringReader(
            "port syn0 driver synthetic rxq 2 txq 2 rate 20000\nqueue 1 syn0 rx 0 tx 0\nqueue 2 syn0 rx 1 tx 1\n")),
            Drivers.all());
        core.start();
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

    private Recorded collect()
    {
        final Recorded r = new Recorded();
        new NetifMetrics(core).collect(r);
        return r;
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean())
        {
            assertTrue("timed out waiting for: " + what, System.nanoTime() < deadline);
            Thread.sleep(5);
        }
    }

    @Test(timeout = 30_000)
    public void shouldShowQueuePacketsAndNoRouteDropsAsTheyMove() throws Exception
    {
        await("packets on both queues", () -> collect().get("dplane_port_received_packets_total{port=syn0,queue=0}")
            > 50 && collect().get("dplane_port_received_packets_total{port=syn0,queue=1}") > 50);
        final Recorded first = collect();
        assertEquals(1.0, first.get("dplane_port_info{port=syn0,driver=synthetic,device=,mac="
            + core.ports().get(0).macText() + "}"), 0);
        assertEquals(1.0, first.get("dplane_port_up{port=syn0}"), 0);
        assertNotNull(first.get("dplane_port_sent_packets_total{port=syn0,queue=1}"));
        assertEquals(0.0, first.get("dplane_netif_dropped_packets_total{lcore=1,reason=bad_header}"), 0);
        assertNotNull(first.get("dplane_netif_handed_over_packets_total{lcore=2,to=to_kni}"));
        final double drops = first.get("dplane_netif_dropped_packets_total{lcore=1,reason=no_route}");
        await("no-route drops grow on lcore 1", () ->
            collect().get("dplane_netif_dropped_packets_total{lcore=1,reason=no_route}") > drops + 20);

        // stopped, the figures are still and agree with each other: every packet received was dropped for no route
        core.stop();
        final Recorded end = collect();
        core = null;
        final double in = end.get("dplane_port_received_packets_total{port=syn0,queue=0}")
            + end.get("dplane_port_received_packets_total{port=syn0,queue=1}");
        assertEquals(in, end.get("dplane_netif_dropped_packets_total{lcore=1,reason=no_route}")
            + end.get("dplane_netif_dropped_packets_total{lcore=2,reason=no_route}"), 0);
        assertEquals(in, end.get("dplane_lcore_received_packets_total{lcore=1}")
            + end.get("dplane_lcore_received_packets_total{lcore=2}"), 0);
        assertEquals(in, end.get("dplane_lcore_dropped_packets_total{lcore=1}")
            + end.get("dplane_lcore_dropped_packets_total{lcore=2}"), 0);
        assertTrue(end.get("dplane_lcore_rx_bursts_total{lcore=1}") > 0);
        assertEquals(0.0, end.get("dplane_netif_mbufs{state=in_use}"), 0);
    }
}
