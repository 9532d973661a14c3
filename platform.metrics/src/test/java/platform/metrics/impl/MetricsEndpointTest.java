package platform.metrics.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import platform.lcore.api.Edpvs;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.metrics.api.MetricsSource;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgReply;
import platform.msgmgr.api.MsgTypeHandle;
import platform.msgmgr.api.MsgTypeSpec;
import platform.msgmgr.impl.TestMsgManagers;
import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptSpec;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.impl.TestSockoptServers;

/**
 * The endpoint over real running lcores, a real message manager and a real control socket, scraped through its
 * HTTP port and parsed from the text format.
 */
public class MetricsEndpointTest
{
    private static final int MSG_ECHO = 200;
    private static final int GET_ID = 7_300;

    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private TestSockoptServers.Running sockopt;
    private SockoptClient client;
    private PlatformCollector collector;
    private MetricsServer server;
    private MsgTypeHandle echo;
    private SockoptHandle range;
    private JobHandle job;

    @Before
    public void setUp() throws IOException
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        final Path socket = Files.createTempDirectory("metrics").resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        client = SockoptClient.of(socket, Duration.ofSeconds(5));
        collector = new PlatformCollector();
        collector.lcores(lcores);
        collector.msg(msg.manager());
        collector.sockopts(sockopt.registry());
        server = new MetricsServer("127.0.0.1", 0, collector);
        echo = msg.manager().register(MsgTypeSpec.unicast(MSG_ECHO, "test_echo", MsgPriority.NORM,
            m -> Edpvs.OK), 1);
        // GET 7300 answers 4 bytes; GET 7301 fails with EDPVS_INVAL
        range = sockopt.registry().register(SockoptSpec.builder("test_range").get(GET_ID, GET_ID + 1,
            (request, reply) ->
            {
                if (GET_ID + 1 == request.id())
                {
                    return Edpvs.INVAL;
                }
                reply.body(4).putInt(0, 42);
                return Edpvs.OK;
            }).build());
        job = lcores.register(JobSpec.loop("test_probe", LcoreRole.FWD_WORKER, lcoreId -> 0));
    }

    @After
    public void tearDown()
    {
        if (null != server)
        {
            server.close();
        }
        job.close();
        range.close();
        echo.close();
        sockopt.close();
        msg.close();
        TestLcores.stop(lcores);
    }

    private Scrape scrape() throws IOException
    {
        return Scrape.of(server.url());
    }

    /** Scrapes until the series has the value (5 s at most): counters an lcore writes after the fact. */
    private void awaitValue(final double expected, final String name, final String... labels) throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Double v = scrape().value(name, labels);
        while ((null == v || v != expected) && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
            v = scrape().value(name, labels);
        }
        assertEquals(name, expected, v, 0);
    }

    /** Sync sends with a generous timeout (2 s): a loaded CI host must not turn one into a drop. */
    private void sendEcho(final int n)
    {
        final MsgReply r = new MsgReply();
        for (int i = 0; i < n; i++)
        {
            assertEquals(Edpvs.OK, msg.manager().sendSync(MSG_ECHO, 1, null, 2_000_000, r));
        }
    }

    @Test
    public void shouldServeTheTextFormatOnTheBoundPort() throws IOException
    {
        assertTrue(server.port() > 0);
        assertTrue(server.url(), server.url().startsWith("http://127.0.0.1:" + server.port() + "/metrics"));
        final Scrape s = scrape();
        assertTrue(s.contentType(), s.contentType().startsWith("text/plain"));
        assertTrue(s.contentType(), s.contentType().contains("version=0.0.4"));
        assertEquals("counter", s.type("dplane_lcore_loops_total"));
        assertEquals("gauge", s.type("dplane_lcore_idle_ratio"));
        sendEcho(64); // the message manager times 1 in 64 sync sends by default
        assertEquals("summary", scrape().type("dplane_msg_sync_latency_seconds"));
        assertEquals(1.0, s.value("dplane_metrics_scrapes_total"), 0);
        assertEquals(3.0, scrape().value("dplane_metrics_scrapes_total"), 0);
    }

    @Test
    public void shouldAnswerHealthAndOpenMetricsWhenAsked() throws IOException
    {
        final java.net.HttpURLConnection health = (java.net.HttpURLConnection)new java.net.URL(
            "http://127.0.0.1:" + server.port() + "/-/healthy").openConnection();
        assertEquals(200, health.getResponseCode());
        health.disconnect();
        final java.net.HttpURLConnection om = (java.net.HttpURLConnection)new java.net.URL(server.url())
            .openConnection();
        om.setRequestProperty("Accept", "application/openmetrics-text; version=1.0.0");
        assertEquals(200, om.getResponseCode());
        assertTrue(om.getContentType(), om.getContentType().startsWith("application/openmetrics-text"));
        final String text = new String(om.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        om.disconnect();
        assertTrue(text, text.contains("# TYPE dplane_lcore_loops counter") && text.endsWith("# EOF\n"));
    }

    @Test
    public void shouldShowEveryLcoreWithMovingLoopsAndAnIdleShare() throws Exception
    {
        final Scrape first = scrape();
        for (final String[] l : new String[][] {{"0", "MASTER"}, {"1", "FWD_WORKER"}, {"2", "FWD_WORKER"}})
        {
            assertNotNull(l[0], first.value("dplane_lcore_loops_total", "lcore", l[0], "role", l[1]));
            final double idle = first.value("dplane_lcore_idle_ratio", "lcore", l[0], "role", l[1]);
            assertTrue("idle ratio " + idle, idle >= 0 && idle <= 1);
            assertEquals(1, first.values("dplane_lcore_info", "lcore", l[0], "role", l[1]).size());
        }
        final double before = first.value("dplane_lcore_loops_total", "lcore", "1", "role", "FWD_WORKER");
        Thread.sleep(50);
        final double after = scrape().value("dplane_lcore_loops_total", "lcore", "1", "role", "FWD_WORKER");
        assertTrue(before + " -> " + after, after > before);
    }

    @Test
    public void shouldShowJobCallsPerLcore() throws Exception
    {
        final String[] labels = {"job", "test_probe", "role", "FWD_WORKER", "type", "LOOP", "lcore", "2"};
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Double calls = scrape().value("dplane_job_calls_total", labels);
        while ((null == calls || calls == 0) && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
            calls = scrape().value("dplane_job_calls_total", labels);
        }
        assertNotNull(calls);
        assertTrue(calls > 0);
        final Scrape s = scrape();
        assertEquals(0.0, s.value("dplane_job_failures_total", labels), 0);
        assertEquals(0.0, s.value("dplane_job_quarantined", labels), 0);
        assertNotNull(s.value("dplane_job_time_seconds_total", labels));
        assertNotNull(s.value("dplane_job_max_seconds", labels));
        // a job of another role is not on a worker
        assertTrue(s.values("dplane_job_calls_total", "job", "test_probe", "lcore", "0").isEmpty());
    }

    @Test
    public void shouldCountMessagesAsTheyAreSentAndShowTheirLatency() throws IOException
    {
        final String[] labels = {"msg_type", "test_echo", "msg_id", Integer.toString(MSG_ECHO), "lcore", "1"};
        assertEquals(0.0, scrape().value("dplane_msg_sent_total", labels), 0);
        sendEcho(10);
        Scrape s = scrape();
        assertEquals(10.0, s.value("dplane_msg_sent_total", labels), 0);
        assertEquals(10.0, s.value("dplane_msg_received_total", labels), 0);
        // the lcore counts a message finished after it released the sender: the count reaches 10 right after
        awaitValue(10.0, "dplane_msg_finished_total", labels);
        s = scrape();
        assertEquals(0.0, s.value("dplane_msg_dropped_total", labels), 0);
        assertEquals(0.0, s.value("dplane_msg_timeouts_total", labels), 0);
        sendEcho(54);
        s = scrape();
        assertEquals(64.0, s.value("dplane_msg_sent_total", labels), 0);
        // the histogram samples every 64th round trip (the default latency sample), and every dropped one
        final Double count = s.value("dplane_msg_sync_latency_seconds_count", labels);
        assertNotNull(s.text(), count);
        assertTrue("latency count " + count, count >= 1 && count <= 64);
        double previous = 0;
        for (final String q : new String[] {"0.5", "0.9", "0.99", "0.999"})
        {
            final String[] ql = {"msg_type", "test_echo", "msg_id", Integer.toString(MSG_ECHO), "lcore", "1",
                "quantile", q};
            final Double v = s.value("dplane_msg_sync_latency_seconds", ql);
            assertNotNull(q, v);
            assertTrue(q + " " + v, v > 0 && v < 10 && v >= previous);
            previous = v;
        }
        assertTrue(s.value("dplane_msg_sync_latency_max_seconds", labels) >= previous);
        // a type goes with its registration
        echo.close();
        assertNull(scrape().value("dplane_msg_sent_total", labels));
    }

    @Test
    public void shouldShowEveryRingsFill() throws IOException
    {
        final Scrape s = scrape();
        for (final String lcore : new String[] {"0", "1", "2"})
        {
            for (final String p : new String[] {"HIGH", "NORM", "LOW"})
            {
                final Double fill = s.value("dplane_msg_ring_messages", "lcore", lcore, "priority", p);
                final Double capacity = s.value("dplane_msg_ring_capacity_messages", "lcore", lcore, "priority", p);
                assertNotNull(lcore + " " + p, fill);
                assertNotNull(lcore + " " + p, capacity);
                assertTrue(capacity > 0 && fill >= 0 && fill <= capacity);
            }
        }
    }

    @Test
    public void shouldCountSockoptRequestsAndErrorsPerRange() throws Exception
    {
        final String[] labels = {"sockopt", "test_range", "kind", "get", "ids", GET_ID + "-" + (GET_ID + 1)};
        assertEquals(0.0, scrape().value("dplane_sockopt_requests_total", labels), 0);
        assertTrue(client.get(GET_ID, new byte[0]).ok());
        assertTrue(client.get(GET_ID, new byte[0]).ok());
        assertFalse(client.get(GET_ID + 1, new byte[0]).ok());
        final Scrape s = scrape();
        assertEquals(3.0, s.value("dplane_sockopt_requests_total", labels), 0);
        assertEquals(1.0, s.value("dplane_sockopt_errors_total", labels), 0);
        range.close();
        assertNull(scrape().value("dplane_sockopt_requests_total", labels));
    }

    @Test
    public void shouldServeSourcesWhileTheyAreBoundAndCountBadSamples() throws IOException
    {
        final MetricsSource good = sink ->
        {
            sink.counter("dplane_test_packets_total", "Test packets", 5, "port", "dpdk0", "queue", "0");
            sink.gauge("dplane_test_up", "Test gauge", 1, "port", "dpdk0");
        };
        final MetricsSource bad = sink ->
        {
            sink.counter("dplane_test_bad", "no _total suffix", 1);
            sink.gauge("dplane_test_up", "other labels", 1, "queue", "0");
            sink.gauge("dplane test", "bad name", 1);
            sink.gauge("dplane_test_odd", "odd labels", 1, "port");
            sink.counter("dplane_test_packets_total", "twice the same labels", 7, "port", "dpdk0", "queue", "0");
            throw new IllegalStateException("test: a source that throws");
        };
        collector.bindSource(good);
        collector.bindSource(bad);
        Scrape s = scrape();
        assertEquals(5.0, s.value("dplane_test_packets_total", "port", "dpdk0", "queue", "0"), 0);
        assertEquals(1.0, s.value("dplane_test_up", "port", "dpdk0"), 0);
        assertEquals(5.0, s.value("dplane_metrics_rejected_samples_total"), 0);
        assertEquals(1.0, s.value("dplane_metrics_source_failures_total"), 0);
        // the platform's own series are still there
        assertNotNull(s.value("dplane_lcore_loops_total", "lcore", "0", "role", "MASTER"));
        collector.unbindSource(good);
        collector.unbindSource(bad);
        s = scrape();
        assertFalse(s.has("dplane_test_packets_total"));
        assertFalse(s.has("dplane_test_up"));
    }

    @Test(timeout = 20_000)
    public void shouldNotReturnFromUnbindWhileAScrapeCallsTheSource() throws Exception
    {
        final CountDownLatch inCollect = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean unbound = new AtomicBoolean();
        final AtomicBoolean calledAfterUnbind = new AtomicBoolean();
        final MetricsSource slow = sink ->
        {
            if (unbound.get())
            {
                calledAfterUnbind.set(true);
            }
            inCollect.countDown();
            try
            {
                release.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            sink.gauge("dplane_test_slow", "slow", 1);
        };
        collector.bindSource(slow);
        final Thread scraper = new Thread(() ->
        {
            try
            {
                scrape();
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        scraper.start();
        assertTrue(inCollect.await(10, TimeUnit.SECONDS));
        final Thread unbinder = new Thread(() ->
        {
            collector.unbindSource(slow);
            unbound.set(true);
        });
        unbinder.start();
        unbinder.join(200);
        assertTrue("unbind returned while the source was being called", unbinder.isAlive());
        release.countDown();
        unbinder.join(10_000);
        scraper.join(10_000);
        assertTrue(unbound.get());
        assertFalse(scrape().has("dplane_test_slow"));
        assertFalse(calledAfterUnbind.get());
    }

    @Test
    public void shouldServeNoSeriesOfAServiceThatWent() throws IOException
    {
        collector.unsetMsg(msg.manager());
        collector.unsetSockopts(sockopt.registry());
        Scrape s = scrape();
        assertFalse(s.has("dplane_msg_sent_total"));
        assertFalse(s.has("dplane_msg_ring_messages"));
        assertFalse(s.has("dplane_sockopt_requests_total"));
        assertTrue(s.has("dplane_lcore_loops_total"));
        collector.unsetLcores(lcores);
        s = scrape();
        assertFalse(s.has("dplane_lcore_loops_total"));
        assertTrue(s.has("dplane_metrics_scrapes_total"));
        // clearing with a service that is not the bound one (a greedy rebind's late unbind) keeps the bound one
        collector.lcores(lcores);
        collector.unsetLcores(TestLcores.masterAndTwoWorkers());
        assertTrue(scrape().has("dplane_lcore_loops_total"));
    }

    @Test
    public void shouldStopListeningAndEndItsThreadsWhenClosed() throws Exception
    {
        scrape();
        final int port = server.port();
        server.close();
        server = null;
        try
        {
            Scrape.of("http://127.0.0.1:" + port + "/metrics");
            fail("still answering after close");
        }
        catch (final ConnectException expected)
        {
            // closed
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (metricsThreads() > 0 && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        assertEquals(0, metricsThreads());
    }

    @Test
    public void shouldRefuseAPortInUse() throws IOException
    {
        try (MetricsServer second = new MetricsServer("127.0.0.1", server.port(), collector))
        {
            fail("bound a port in use: " + second.url());
        }
        catch (final IOException expected)
        {
            // the first keeps serving
            assertTrue(scrape().has("dplane_lcore_loops_total"));
        }
    }

    private static long metricsThreads()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("metrics-http-") && t.isAlive()).count();
    }

    @Test
    public void shouldResolveSettingsConfigurationThenPropertiesThenDefaults()
    {
        assertEquals(new Settings(true, "127.0.0.1", 9404), Settings.of(true, "", -1, null, null));
        assertEquals(new Settings(true, "0.0.0.0", 9500), Settings.of(true, "", -1, "0.0.0.0", "9500"));
        assertEquals(new Settings(true, "::1", 0), Settings.of(true, " ::1 ", 0, "0.0.0.0", "9500"));
        assertEquals(new Settings(false, "127.0.0.1", 9404), Settings.of(false, "", -1, "", " "));
        for (final String bad : new String[] {"x", "70000", "-2"})
        {
            try
            {
                Settings.of(true, "", -1, null, bad);
                fail(bad);
            }
            catch (final IllegalArgumentException expected)
            {
                assertTrue(expected.getMessage(), expected.getMessage().contains("port"));
            }
        }
    }

    @Test
    public void shouldListEveryFamilyOnceWithHelp() throws IOException
    {
        sendEcho(8);
        final String text = scrape().text();
        Files.writeString(Path.of("target", "metrics-sample.txt"), text);
        final List<String> typeLines = text.lines().filter(l -> l.startsWith("# TYPE ")).toList();
        assertEquals(typeLines.size(), typeLines.stream().distinct().count());
        assertEquals(typeLines.size(), text.lines().filter(l -> l.startsWith("# HELP ")).count());
        for (final String l : typeLines)
        {
            assertTrue(l, l.startsWith("# TYPE dplane_"));
        }
    }
}
