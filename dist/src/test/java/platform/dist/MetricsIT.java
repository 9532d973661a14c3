package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

/**
 * The shipped distribution's metrics endpoint (platform.metrics in bundle/3): it answers on the port given with
 * -D, with the platform's series and those of the shipped features; it keeps answering every scrape while
 * modules.netif is moved out of {@code deploy/} and back (uninstalled and refreshed, then installed), netif's series
 * going and coming back; a {@code deploy/platform.metrics.cfg} moves it to another port and turns it off. Every port
 * is a free one of the test's own, never the default 9404.
 */
public class MetricsIT
{
    @Rule
    public final Timeout timeout = Timeout.seconds(120);

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
    }

    private static String url(final int port)
    {
        return "http://127.0.0.1:" + port + "/metrics";
    }

    /** @return the page, or null when nothing answers 200 there. */
    private static String scrape(final int port)
    {
        try
        {
            final HttpURLConnection c = (HttpURLConnection)new URL(url(port)).openConnection();
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

    /** Writes {@code deploy/platform.metrics.cfg} as an operator should: elsewhere, then moved in. */
    private static void configure(final PlatformProcess p, final String text) throws IOException
    {
        final Path staged = p.home().resolve("platform.metrics.cfg");
        Files.writeString(staged, text);
        Files.move(staged, p.home().resolve("deploy").resolve("platform.metrics.cfg"),
            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void awaitPage(final PlatformProcess p, final int port, final String what,
        final Predicate<String> condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String page = scrape(port);
        while (null == page || !condition.test(page))
        {
            assertTrue(what + " not within 30 s; last page:\n" + page + "\n" + p.describe(),
                System.nanoTime() < deadline);
            Thread.sleep(50);
            page = scrape(port);
        }
    }

    @Test
    public void theDistributionServesMetricsOnItsConfiguredPort() throws Exception
    {
        final int port = freePort();
        try (PlatformProcess p = PlatformProcess.start("metrics", List.of("-D" + PlatformProcess.METRICS_PORT + "="
            + port, "-Dfelix.fileinstall.poll=300")))
        {
            p.awaitLog("metrics on " + url(port), Duration.ofSeconds(60));
            p.awaitLog("blacklist started for modules.blklst", Duration.ofSeconds(60));
            p.awaitLog("routing table started for", Duration.ofSeconds(60));
            p.awaitLog("netif started from", Duration.ofSeconds(60));
            assertNotNull("no answer on " + url(port) + "; " + p.describe(), scrape(port));
            final List<String> expected = List.of(
                "dplane_lcore_loops_total{lcore=\"0\",role=\"MASTER\"} ",
                "dplane_lcore_idle_ratio{lcore=\"1\",role=\"FWD_WORKER\"} ",
                "dplane_job_calls_total{job=\"msg_master_job\",lcore=\"0\",role=\"MASTER\",type=\"LOOP\"} ",
                "dplane_msg_ring_capacity_messages{lcore=\"1\",priority=\"NORM\"} ",
                "dplane_sockopt_requests_total{ids=\"9000-9003\",kind=\"get\",sockopt=\"sockopt\"} ",
                // the shipped features' message types and ranges
                "msg_type=\"blklst_add\"",
                "dplane_sockopt_requests_total{ids=\"76\",kind=\"get\",sockopt=\"blklst\"} ",
                // netif's figures (its source is registered just after its start is logged): the default synthetic
                // port, drops by reason
                "dplane_port_received_packets_total{port=\"syn0\",queue=\"0\"} ",
                "dplane_netif_dropped_packets_total{lcore=\"1\",reason=\"no_route\"} ");
            awaitPage(p, port, "the platform's and the features' series " + expected,
                text -> expected.stream().allMatch(text::contains));

            // netif moved out of deploy/ (stopped, uninstalled, the bundles wired to it refreshed) and back, under a
            // client scraping without pause: every scrape answered, netif's series go and come back
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicInteger answered = new AtomicInteger();
            final AtomicInteger failed = new AtomicInteger();
            final Thread scraper = new Thread(() ->
            {
                while (!stop.get())
                {
                    (null == scrape(port) ? failed : answered).incrementAndGet();
                }
            }, "metrics-it-scraper");
            scraper.start();
            try
            {
                final Path deployed;
                try (Stream<Path> jars = Files.list(p.home().resolve("deploy")))
                {
                    deployed = jars.filter(f -> f.getFileName().toString().startsWith("modules.netif-")).findFirst()
                        .orElseThrow();
                }
                final Path aside = p.home().resolve(deployed.getFileName());
                Files.move(deployed, aside, StandardCopyOption.ATOMIC_MOVE);
                awaitPage(p, port, "netif's series gone", text -> !text.contains("dplane_port_"));
                Files.move(aside, deployed, StandardCopyOption.ATOMIC_MOVE);
                awaitPage(p, port, "netif's series back",
                    text -> text.contains("dplane_port_received_packets_total{port=\"syn0\",queue=\"0\"} "));
                // and the client kept scraping after it came back (a fast machine may get here in a few scrapes)
                final int back = answered.get();
                final long deadline = System.nanoTime() + 10_000_000_000L;
                while (answered.get() < Math.max(back + 2, 11) && System.nanoTime() < deadline)
                {
                    Thread.sleep(5);
                }
            }
            finally
            {
                stop.set(true);
                scraper.join(10_000);
            }
            assertEquals("scrapes not answered through netif's redeploy (of " + (answered.get() + failed.get())
                + ")", 0, failed.get());
            assertTrue("scrapes answered: " + answered.get(), answered.get() > 10);

            // moved by a configuration dropped into deploy/
            final int other = freePort();
            configure(p, "port = " + other + "\n");
            p.awaitLog("metrics on " + url(other), Duration.ofSeconds(30));
            assertNotNull(p.describe(), scrape(other));
            assertNull("still answering on the old port", scrape(port));

            // and turned off
            configure(p, "enabled = false\nport = " + other + "\n");
            p.awaitLog("metrics endpoint off (enabled=false)", Duration.ofSeconds(30));
            assertNull("still answering with enabled=false", scrape(other));
            assertTrue(p.describe(), p.isAlive());
            assertTrue("console errors: " + p.stderr(), !p.stderr().contains("ERROR"));
        }
    }
}
