package modules.netif.impl;

import platform.metrics.api.MetricsSink;
import platform.metrics.api.MetricsSource;

/**
 * Netif's figures for the metrics endpoint (platform.metrics): per port and queue the packets, bytes and errors,
 * per forwarding lcore the drops by reason, what went elsewhere than the wire, and DPVS's lcore counters, the
 * packet pool. Everything is read at scrape time from another thread, each counter whole (opaque reads of what the
 * lcores store), never by a message to an lcore: a scrape costs the data path nothing. Registered by
 * {@link NetifMetricsRegistration} only when the endpoint's API is wired: this class needs it to load.
 */
final class NetifMetrics implements MetricsSource
{
    /** Reasons of {@link LcoreNetif#NAMES} that are drops; the others hand the packet on. */
    private static final boolean[] DROP = new boolean[LcoreNetif.NAMES.length];

    static
    {
        for (final int reason : new int[] {LcoreNetif.BAD_HEADER, LcoreNetif.NO_ROUTE, LcoreNetif.NO_NEIGH,
            LcoreNetif.NEIGH_DROP, LcoreNetif.TTL_EXCEEDED, LcoreNetif.HOOK_DROP, LcoreNetif.NOT_HANDLED,
            LcoreNetif.KNI_FULL, LcoreNetif.TX_FULL, LcoreNetif.RECEIVER_DROP})
        {
            DROP[reason] = true;
        }
    }

    private final NetifCore core;

    NetifMetrics(final NetifCore core)
    {
        this.core = core;
    }

    @Override
    public void collect(final MetricsSink sink)
    {
        for (int id = 0; id < core.portCount(); id++)
        {
            final NetifCore.Port p = core.port(id);
            if (null != p)
            {
                port(sink, p);
            }
        }
        for (final int lcore : core.workerIds())
        {
            final long[] c = core.lcoreCounters(lcore);
            if (null != c)
            {
                lcore(sink, Integer.toString(lcore), c);
            }
        }
        sink.gauge("dplane_netif_mbufs", "Packet buffers of the pool, by state", core.pool().inUse(), "state",
            "in_use");
        sink.gauge("dplane_netif_mbufs", "Packet buffers of the pool, by state", core.pool().available(), "state",
            "available");
        sink.counter("dplane_netif_mbuf_alloc_failures_total", "Packet buffer allocations that found the pool empty",
            core.pool().allocFailures());
    }

    private static void port(final MetricsSink sink, final NetifCore.Port p)
    {
        final String port = p.conf.name;
        sink.gauge("dplane_port_info", "A port: its driver, device and MAC", 1, "port", port, "driver",
            p.dev.driver(), "device", p.dev.device(), "mac", NetifCore.info(p).macText());
        sink.gauge("dplane_port_up", "1 when the port is administratively up", p.dev.up() ? 1 : 0, "port", port);
        sink.gauge("dplane_port_link_up", "1 when the port's link is up", p.dev.linkUp() ? 1 : 0, "port", port);
        final PortStats s = p.stats;
        for (int q = 0; q < s.rxQueues(); q++)
        {
            final String queue = Integer.toString(q);
            sink.counter("dplane_port_received_packets_total", "Packets received on the port's receive queue",
                s.rxQueue(q, PortStats.IPACKETS), "port", port, "queue", queue);
            sink.counter("dplane_port_received_bytes_total", "Bytes received on the port's receive queue",
                s.rxQueue(q, PortStats.IBYTES), "port", port, "queue", queue);
            sink.counter("dplane_port_receive_errors_total", "Received packets dropped for bad headers on the queue",
                s.rxQueue(q, PortStats.IERRORS), "port", port, "queue", queue);
        }
        for (int q = 0; q < s.txQueues(); q++)
        {
            final String queue = Integer.toString(q);
            sink.counter("dplane_port_sent_packets_total", "Packets sent on the port's transmit queue",
                s.txQueue(q, PortStats.OPACKETS), "port", port, "queue", queue);
            sink.counter("dplane_port_sent_bytes_total", "Bytes sent on the port's transmit queue",
                s.txQueue(q, PortStats.OBYTES), "port", port, "queue", queue);
            sink.counter("dplane_port_send_errors_total", "Packets the port's transmit queue did not take",
                s.txQueue(q, PortStats.OERRORS), "port", port, "queue", queue);
        }
        sink.counter("dplane_port_device_receive_errors_total", "Receive errors the device reported",
            p.dev.rxErrors(), "port", port);
        sink.counter("dplane_port_device_missed_packets_total", "Packets the device dropped before the data plane "
            + "read them", p.dev.rxMissed(), "port", port);
    }

    private static void lcore(final MetricsSink sink, final String lcore, final long[] c)
    {
        for (int r = 0; r < LcoreNetif.NAMES.length; r++)
        {
            if (DROP[r])
            {
                sink.counter("dplane_netif_dropped_packets_total", "Packets the lcore's data path dropped, by reason",
                    c[r], "lcore", lcore, "reason", LcoreNetif.NAMES[r]);
            }
            else
            {
                sink.counter("dplane_netif_handed_over_packets_total", "Packets the lcore's data path handed to a "
                    + "hook, the kernel (KNI), a feature's receiver, or sent for a feature", c[r], "lcore", lcore,
                    "to", LcoreNetif.NAMES[r]);
            }
        }
        // DPVS's netif lcore counters (modules.stats), in LcoreNetif.LCORE_NAMES order after the drops
        final int base = LcoreNetif.NAMES.length;
        sink.counter("dplane_lcore_rx_bursts_total", "Receive bursts of the lcore (DPVS pktburst)", c[base],
            "lcore", lcore);
        sink.counter("dplane_lcore_rx_empty_bursts_total", "Receive bursts that returned nothing (zpktburst)",
            c[base + 1], "lcore", lcore);
        sink.counter("dplane_lcore_rx_full_bursts_total", "Receive bursts that returned a full burst (fpktburst)",
            c[base + 2], "lcore", lcore);
        sink.counter("dplane_lcore_received_packets_total", "Packets the lcore received (ipackets)", c[base + 5],
            "lcore", lcore);
        sink.counter("dplane_lcore_received_bytes_total", "Bytes the lcore received (ibytes)", c[base + 6],
            "lcore", lcore);
        sink.counter("dplane_lcore_sent_packets_total", "Packets the lcore sent (opackets)", c[base + 7], "lcore",
            lcore);
        sink.counter("dplane_lcore_sent_bytes_total", "Bytes the lcore sent (obytes)", c[base + 8], "lcore", lcore);
        sink.counter("dplane_lcore_dropped_packets_total", "Packets the lcore dropped in software (dropped)",
            c[base + 9], "lcore", lcore);
    }
}
