/**
 * The metrics endpoint's whiteboard: a bundle that has figures of its own to show (a feature's ports, queues and
 * drop counters) registers a {@link platform.metrics.api.MetricsSource} service; the endpoint calls it at every
 * scrape, on the scraping thread, and stops calling it once the service is unregistered (the unregistration waits
 * for a scrape that is calling it).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package platform.metrics.api;
