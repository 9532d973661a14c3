package platform.metrics.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives the values of a {@link MetricsSource} during one scrape. Names follow Prometheus' conventions: the
 * {@code dplane_} prefix, base units in the name ({@code _seconds}, {@code _bytes}), counters end in {@code _total}.
 * Every sample of a name carries the same label names; a sample that breaks these rules (a bad name or label, a name
 * already used with another type or other labels) is left out and counted in
 * {@code dplane_metrics_rejected_samples_total}, and the others are served.
 */
@ProviderType
public interface MetricsSink
{
    /**
     * A value that only grows (it restarts from 0 when its owner restarts).
     *
     * @param name   the metric name, ending in {@code _total}.
     * @param help   what it counts.
     * @param value  the count.
     * @param labels label names and values, alternating: {@code "port", "dpdk0", "queue", "0"}.
     */
    void counter(String name, String help, double value, String... labels);

    /**
     * A value that goes up and down.
     *
     * @param name   the metric name.
     * @param help   what it measures.
     * @param value  the value now.
     * @param labels label names and values, alternating.
     */
    void gauge(String name, String help, double value, String... labels);
}
