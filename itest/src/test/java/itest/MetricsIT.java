package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import platform.lcore.api.LcoreScheduler;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.client.SockoptClient;

/**
 * The metrics endpoint in Felix: platform.metrics (with the Prometheus client embedded) resolves and serves the
 * platform's series on the port the framework property gives; while modules.blklst is started, stopped and started
 * again under a client that scrapes without pause, every scrape is answered, and the blacklist's series (its message
 * types, its sockopt range, its job) come, go and come back. Netif's port, queue and drop series (its
 * {@code MetricsSource}) move with its synthetic traffic and go and come back with the bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MetricsIT extends BaseTest
{
    private static final String PORT = "itest.metrics.port";
    private static final String BLKLST_JAR = "itest.modules.blklst.jar.uri";
    /** A series of the blacklist's multicast type on the master, its range, its INIT job. */
    private static final Pattern BLKLST_MSG = Pattern.compile(
        "^dplane_msg_sent_total\\{lcore=\"0\",msg_id=\"\\d+\",msg_type=\"blklst_add\"\\} (\\S+)$", Pattern.MULTILINE);
    private static final Pattern BLKLST_SOCKOPT = Pattern.compile(
        "^dplane_sockopt_requests_total\\{ids=\"76\",kind=\"get\",sockopt=\"blklst\"\\} (\\S+)$", Pattern.MULTILINE);
    private static final Pattern BLKLST_JOB = Pattern.compile(
        "^dplane_job_calls_total\\{job=\"blklst_init\",lcore=\"\\d+\",role=\"FWD_WORKER\",type=\"INIT\"\\} ",
        Pattern.MULTILINE);

    @Configuration
    public Option[] config()
    {
        final int port = freePort();
        return new Option[] {baseConfiguration(),
            // a port of this run's own: never the default 9404, which a running platform may hold
            frameworkProperty("platform.metrics.port").value(Integer.toString(port)),
            systemProperty(PORT).value(Integer.toString(port)),
            bundle(reactorJar("itest.platform.metrics.jar")),
            // netif (with its synthetic port) publishes its figures through the endpoint's whiteboard
            bundle(reactorJar("itest.modules.stats.jar")), bundle(reactorJar("itest.modules.netif.jar")),
            systemProperty(BLKLST_JAR).value(reactorJar("itest.modules.blklst.jar"))};
    }

    private static int freePort()
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static String url()
    {
        return "http://127.0.0.1:" + System.getProperty(PORT) + "/metrics";
    }

    /** @return the page, or null when the endpoint does not answer 200. */
    private static String scrape()
    {
        try
        {
            final HttpURLConnection c = (HttpURLConnection)new URL(url()).openConnection();
            c.setConnectTimeout(2_000);
            c.setReadTimeout(5_000);
            try
            {
                if (200 != c.getResponseCode())
                {
                    return null;
                }
                try (InputStream in = c.getInputStream())
                {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            finally
            {
                c.disconnect();
            }
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    private static boolean blklstSeries(final String page)
    {
        return null != page && BLKLST_MSG.matcher(page).find() && BLKLST_SOCKOPT.matcher(page).find()
            && BLKLST_JOB.matcher(page).find();
    }

    private static boolean noBlklstSeries(final String page)
    {
        return null != page && !page.contains("blklst");
    }

    @Test
    public void theEndpointServesThePlatformAndKeepsAnsweringWhileAFeatureComesAndGoes() throws Exception
    {
        final LcoreScheduler lcores = awaitService(LcoreScheduler.class);
        awaitLcoresRunning(lcores);
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        await("the endpoint answers on " + url(), () -> null != scrape());

        final AtomicReference<String> last = new AtomicReference<>();
        await(() -> "the platform's series; last page:\n" + last.get(), () ->
        {
            final String page = scrape();
            last.set(page);
            return null != page && page.contains("dplane_lcore_loops_total{lcore=\"0\",role=\"MASTER\"}")
                && page.contains("dplane_lcore_idle_ratio{lcore=\"1\",role=\"FWD_WORKER\"}")
                && page.contains("job=\"msg_master_job\"") && page.contains("msg_type=\"HELLO\"")
                && page.contains("dplane_msg_ring_capacity_messages{lcore=\"0\",priority=\"HIGH\"}")
                && page.contains("dplane_sockopt_requests_total{ids=\"9000-9003\",kind=\"get\",sockopt=\"sockopt\"}");
        });
        assertTrue(last.get(), noBlklstSeries(last.get()));

        // a client that scrapes without pause for the whole test: every scrape must be answered
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final Thread scraper = new Thread(() ->
        {
            while (!stop.get())
            {
                if (null == scrape())
                {
                    failed.incrementAndGet();
                }
                else
                {
                    answered.incrementAndGet();
                }
            }
        }, "itest-scraper");
        scraper.start();
        try
        {
            final SockoptClient client = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(5));
            final Bundle blklst = context.installBundle(System.getProperty(BLKLST_JAR));
            for (int cycle = 0; cycle < 3; cycle++)
            {
                blklst.start();
                await(() -> "the blacklist's series; last page:\n" + last.get(), () ->
                {
                    final String page = scrape();
                    last.set(page);
                    return blklstSeries(page);
                });
                // its counters move: GET 76 requests counted
                final double before = value(BLKLST_SOCKOPT, last.get());
                await("GET 76 answered", () -> getOk(client, 76));
                await("GET 76 counted", () -> value(BLKLST_SOCKOPT, scrape()) > before);
                // the client scraped while the feature was there (a fast machine finishes a cycle in a few scrapes)
                final int whileThere = answered.get();
                await("scrapes while the blacklist runs", () -> answered.get() >= whileThere + 2);

                blklst.stop();
                await(() -> "the blacklist's series gone; last page:\n" + last.get(), () ->
                {
                    final String page = scrape();
                    last.set(page);
                    return noBlklstSeries(page);
                });
                // the platform's series stayed
                assertTrue(last.get().contains("dplane_lcore_loops_total{lcore=\"0\",role=\"MASTER\"}"));
                final int whileGone = answered.get();
                await("scrapes while the blacklist is stopped", () -> answered.get() >= whileGone + 2);
            }
            blklst.uninstall();
        }
        finally
        {
            stop.set(true);
            scraper.join(10_000);
        }
        assertEquals("scrapes not answered (of " + (answered.get() + failed.get()) + ")", 0, failed.get());
        assertTrue("scrapes answered: " + answered.get(), answered.get() > 10);
    }

    @Test
    public void netifsPortQueueAndDropSeriesMoveAndComeAndGoWithTheBundle() throws Exception
    {
        final LcoreScheduler lcores = awaitService(LcoreScheduler.class);
        awaitLcoresRunning(lcores);
        final Bundle netif = installedBundle("modules.netif");
        final Pattern queue0 = Pattern.compile(
            "^dplane_port_received_packets_total\\{port=\"syn0\",queue=\"0\"\\} (\\S+)$", Pattern.MULTILINE);
        final Pattern noRoute = Pattern.compile(
            "^dplane_netif_dropped_packets_total\\{lcore=\"1\",reason=\"no_route\"\\} (\\S+)$", Pattern.MULTILINE);
        final AtomicReference<String> last = new AtomicReference<>();
        for (int cycle = 0; cycle < 2; cycle++)
        {
            await(() -> "netif's series moving; last page:\n" + last.get(), () ->
            {
                final String page = scrape();
                last.set(page);
                return value(queue0, page) > 0 && value(noRoute, page) > 0
                    && page.contains("dplane_port_sent_packets_total{port=\"syn0\",queue=\"0\"}")
                    && page.contains("dplane_lcore_received_packets_total{lcore=\"1\"}");
            });
            final double before = value(queue0, last.get());
            await("syn0 queue 0 receiving", () -> value(queue0, scrape()) > before);

            netif.stop();
            await(() -> "netif's series gone; last page:\n" + last.get(), () ->
            {
                final String page = scrape();
                last.set(page);
                return null != page && !page.contains("dplane_port_") && !page.contains("dplane_netif_")
                    && page.contains("dplane_lcore_loops_total{lcore=\"0\",role=\"MASTER\"}");
            });
            netif.start();
        }
    }

    private static double value(final Pattern series, final String page)
    {
        final Matcher m = series.matcher(null == page ? "" : page);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
