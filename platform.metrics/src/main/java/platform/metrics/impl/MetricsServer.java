package platform.metrics.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The Prometheus client's HTTP exporter (on the JDK's {@code com.sun.net.httpserver}) serving one collector on
 * {@code /metrics} (and {@code /-/healthy}), with a registry of its own (never the client's static default
 * registry, which would outlive the bundle) and a small pool of daemon threads that {@link #close()} ends.
 */
final class MetricsServer implements AutoCloseable
{
    /** Scrapes served at once; more wait in the queue. */
    private static final int THREADS = 2;
    private static final long CLOSE_WAIT_MS = 5_000;
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final HTTPServer server;
    private final ExecutorService executor;
    private final String address;

    /**
     * Binds and starts serving.
     *
     * @param address   the address to listen on.
     * @param port      the port, 0 for any free one.
     * @param collector what every scrape returns.
     * @throws IOException when the address cannot be bound (in use, not local).
     */
    MetricsServer(final String address, final int port, final MultiCollector collector) throws IOException
    {
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        final int n = SERVERS.incrementAndGet();
        final AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            r ->
            {
                final Thread t = new Thread(r, "metrics-http-" + n + "-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        // idle threads end, so an unused endpoint holds no thread but the JDK server's dispatcher
        ((ThreadPoolExecutor)executor).allowCoreThreadTimeOut(true);
        final InetAddress bind = InetAddress.getByName(address);
        try
        {
            this.server = HTTPServer.builder().inetAddress(bind).port(port).registry(registry)
                .executorService(executor).buildAndStart();
        }
        catch (final IOException | RuntimeException ex)
        {
            executor.shutdownNow();
            throw ex;
        }
        this.address = bind.getHostAddress();
    }

    /** @return the port bound (the one chosen when 0 was asked). */
    int port()
    {
        return server.getPort();
    }

    /** @return the URL of the metrics page. */
    String url()
    {
        final String host = address.contains(":") ? "[" + address + "]" : address;
        return "http://" + host + ":" + port() + "/metrics";
    }

    /** Stops listening, then waits (up to 5 s) for the scrapes being served; the threads end. */
    @Override
    public void close()
    {
        server.close();
        executor.shutdown();
        try
        {
            if (!executor.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS))
            {
                executor.shutdownNow();
            }
        }
        catch (final InterruptedException ex)
        {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
