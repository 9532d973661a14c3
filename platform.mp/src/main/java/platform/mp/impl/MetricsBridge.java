package platform.mp.impl;

import java.util.Map;

import platform.metrics.api.MetricsSink;
import platform.metrics.api.MetricsSource;

/**
 * The one class that names platform.metrics' whiteboard API ({@link MetricsSource}, e.g. modules.netif's ports and
 * drop reasons): loaded only when such a source is bound, so that platform.mp resolves and runs without
 * platform.metrics (the package is imported optionally and dynamically). A source's samples become statistics
 * segment counters named after the metric without its {@code dplane_} prefix and {@code _total} suffix, then each
 * label value after a dot, in the labels' order:
 * {@code dplane_port_received_packets_total{port="dpdk0",queue="0"}} is {@code port_received_packets.dpdk0.0}.
 * Gauges too, rounded to an integer. Names over 48 bytes are cut by the segment.
 */
final class MetricsBridge implements MetricsSink
{
    private final Map<String, Long> out;

    private MetricsBridge(final Map<String, Long> out)
    {
        this.out = out;
    }

    /**
     * Adds a source's current values.
     *
     * @param source a {@link MetricsSource} service object.
     * @param out    name to value, in segment order.
     */
    static void collect(final Object source, final Map<String, Long> out)
    {
        ((MetricsSource) source).collect(new MetricsBridge(out));
    }

    @Override
    public void counter(final String name, final String help, final double value, final String... labels)
    {
        put(name, value, labels);
    }

    @Override
    public void gauge(final String name, final String help, final double value, final String... labels)
    {
        put(name, value, labels);
    }

    private void put(final String name, final double value, final String... labels)
    {
        if (null == name || Double.isNaN(value))
        {
            return;
        }
        out.put(counterName(name, labels), Math.round(value));
    }

    /**
     * @param name   the metric's name.
     * @param labels names and values, alternating.
     * @return the segment's name for the sample.
     */
    static String counterName(final String name, final String... labels)
    {
        String base = name.startsWith("dplane_") ? name.substring("dplane_".length()) : name;
        if (base.endsWith("_total"))
        {
            base = base.substring(0, base.length() - "_total".length());
        }
        final StringBuilder sb = new StringBuilder(base);
        for (int i = 1; null != labels && i < labels.length; i += 2)
        {
            // a value is text: a blank would split "NAME VALUE" lines (MpCli stats)
            sb.append('.').append(null == labels[i] ? "" : labels[i].replace(' ', '_'));
        }
        return sb.toString();
    }
}
