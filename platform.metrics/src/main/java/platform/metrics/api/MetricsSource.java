package platform.metrics.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Figures a bundle offers to the metrics endpoint, registered as an OSGi service. {@link #collect} is called at
 * every scrape on the endpoint's HTTP thread, never on an lcore: it reads counters the lcores keep (each value whole,
 * as their owners publish them) and must not wait for an lcore. Once the service's unregistration returns,
 * {@link #collect} is not called again.
 */
@ConsumerType
public interface MetricsSource
{
    /**
     * Writes the current values.
     *
     * @param sink where the values go; valid only during this call.
     */
    void collect(MetricsSink sink);
}
