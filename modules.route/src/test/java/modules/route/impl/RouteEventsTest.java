package modules.route.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.slf4j.LoggerFactory;

import platform.common.EventPublisher;

import modules.route.api.Route6Conf;
import modules.route.api.RouteConf;
import modules.route.api.RouteSpec;
import platform.lcore.api.Edpvs;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.impl.TestMsgManagers;
import platform.mp.impl.RecordingMpChannel;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;
import platform.sockopt.impl.TestSockoptServers;

/**
 * {@code route.change} events on real lcores (master 0, workers 1 and 2), a real message manager and a real control
 * socket: what an applied IPv4 and IPv6 change publishes, in dpip's words, on the publisher's thread and never on
 * the master lcore; nothing for a refused or failed change, nothing (and no thread) without platform.mp's channel;
 * a channel whose publish blocks does not hold the master lcore. The channel is a recording double of
 * {@link RecordingMpChannel}, behind the bundle's real {@link MpSink} (the secondary end to end is itest's MpEventsIT).
 */
public class RouteEventsTest
{
    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private TestSockoptServers.Running sockopt;
    private RouteCore core;
    private Route6Core core6;
    private SockoptClient client;
    private EventPublisher events;
    private final RecordingMpChannel channel = new RecordingMpChannel();

    @Before
    public void setUp() throws IOException
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        final Path socket = Files.createTempDirectory("route-events").resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        client = SockoptClient.of(socket, Duration.ofSeconds(10));
        start(200_000);
    }

    private void start(final long timeoutUs)
    {
        events = new EventPublisher("route-events", 16, LoggerFactory.getLogger("route-events"));
        core = new RouteCore(lcores, msg.manager(), new RouteCoreTest.Ports(), 1024, timeoutUs, "test");
        core6 = new Route6Core(lcores, msg.manager(), new RouteCoreTest.Ports(), 1024, timeoutUs, "test");
        core.events(events);
        core6.events(events);
        core.start(sockopt.registry());
        core6.start(sockopt.registry());
    }

    @After
    public void tearDown()
    {
        core6.stop();
        core.stop();
        events.close();
        sockopt.close();
        msg.close();
        TestLcores.stop(lcores);
    }

    private static boolean publisherThreadAlive()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> "route-events".equals(t.getName()) && t.isAlive());
    }

    private String next() throws InterruptedException
    {
        return channel.next();
    }

    private static byte[] add4(final String dst, final int plen, final String gw, final String ifname)
    {
        return RouteCoreTest.detail(2, 0, RouteConf.RTF_FORWARD, 0, dst, plen, "0.0.0.0", gw, ifname);
    }

    @Test
    public void withoutAChannelChangesWorkAndNothingIsPublished() throws Exception
    {
        final SockoptResponse add = client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, add4("10.0.1.0", 24, "10.0.0.1",
            "dpdk0"));
        assertEquals(add.errstr(), Edpvs.OK, add.errcode());
        assertEquals(Edpvs.OK, client.set(RouteConf.SOCKOPT_SET_ROUTE_DEL, add4("10.0.1.0", 24, "0.0.0.0",
            "dpdk0")).errcode());
        assertFalse(events.active());
        assertFalse("no publishing thread without a channel", publisherThreadAlive());
        assertEquals(0, events.published() + events.dropped());
    }

    @Test
    public void everyAppliedChangeIsPublishedInDpipsWordsOffTheMasterLcore() throws Exception
    {
        events.bind("mp", MpSink.of(channel));
        final SockoptResponse add = client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, add4("10.0.1.0", 24, "10.0.0.1",
            "dpdk0"));
        assertEquals(add.errstr(), Edpvs.OK, add.errcode());
        assertEquals("route-events | route.change | ADD inet 10.0.1.0/24 via 10.0.0.1 src 0.0.0.0 dev dpdk0 mtu 1500 "
            + "tos 0 scope global metric 0 proto auto", next());

        // refused: nothing published
        assertEquals(Edpvs.EXIST, client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, add4("10.0.1.0", 24, "10.0.0.1",
            "dpdk0")).errcode());
        assertEquals(Edpvs.NOTEXIST, client.set(RouteConf.SOCKOPT_SET_ROUTE_DEL, add4("10.9.0.0", 16, "0.0.0.0",
            "dpdk0")).errcode());
        // a host route from another bundle (Routes.add), then the delete
        assertEquals(Edpvs.OK, core.add(new RouteSpec(RouteCoreTest.ip("10.0.0.7"), 32, RouteConf.RTF_LOCALIN, 0, 0,
            0, 0, "dpdk1")));
        assertEquals("route-events | route.change | ADD inet 10.0.0.7/32 via 0.0.0.0 src 0.0.0.0 dev dpdk1 mtu 9000 "
            + "tos 0 scope host metric 0 proto auto", next());
        assertEquals(Edpvs.OK, client.set(RouteConf.SOCKOPT_SET_ROUTE_DEL, add4("10.0.1.0", 24, "0.0.0.0",
            "dpdk0")).errcode());
        assertEquals("route-events | route.change | DEL inet 10.0.1.0/24 via 10.0.0.1 src 0.0.0.0 dev dpdk0 mtu 1500 "
            + "tos 0 scope global metric 0 proto auto", next());
        assertEquals(Edpvs.OK, client.set(RouteConf.SOCKOPT_SET_ROUTE_FLUSH, new byte[0]).errcode());
        assertEquals("route-events | route.change | FLUSH inet", next());

        // IPv6: dpip -6 route add 2001:db8::/64 via 2001:db8::1 dev dpdk0, then flush
        final SockoptResponse add6 = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, Route6CoreTest.conf(
            Route6Conf.OPS_ADD, "2001:db8::", 64, "2001:db8::1", "::", "dpdk0", 0, RouteConf.RTF_FORWARD));
        assertEquals(add6.errstr(), Edpvs.OK, add6.errcode());
        assertEquals("route-events | route.change | ADD inet6 2001:db8::/64 via 2001:db8::1 dev dpdk0 mtu 1500 "
            + "scope global", next());
        final SockoptResponse del6 = client.set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, Route6CoreTest.conf(
            Route6Conf.OPS_DEL, "2001:db8::", 64, "::", "::", "dpdk0", 0, RouteConf.RTF_FORWARD));
        assertEquals(del6.errstr(), Edpvs.OK, del6.errcode());
        assertEquals("route-events | route.change | DEL inet6 2001:db8::/64 via 2001:db8::1 dev dpdk0 mtu 1500 "
            + "scope global", next());
        assertEquals(Edpvs.OK, client.set(Route6Conf.SOCKOPT_SET_ROUTE6_FLUSH, new byte[0]).errcode());
        assertEquals("route-events | route.change | FLUSH inet6", next());
        assertNull("nothing else", channel.poll(200, TimeUnit.MILLISECONDS));
        assertEquals(7, events.published());

        // the channel goes (platform.mp stops): changes still work, nothing is published, the thread ends
        events.unbind("mp");
        assertEquals(Edpvs.OK, client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, add4("10.0.2.0", 24, "10.0.0.1",
            "dpdk0")).errcode());
        assertNull(channel.poll(200, TimeUnit.MILLISECONDS));
        assertFalse(publisherThreadAlive());
    }

    @Test
    public void aChangeAWorkerDidNotAcknowledgeIsNotPublished() throws Exception
    {
        core6.stop();
        core.stop();
        events.close();
        start(20_000);
        events.bind("mp", MpSink.of(channel));
        final AtomicInteger stalls = new AtomicInteger();
        final JobHandle stall = lcores.register(JobSpec.loop("stall", LcoreRole.FWD_WORKER, lcoreId ->
        {
            if (2 == lcoreId)
            {
                stalls.incrementAndGet();
                try
                {
                    Thread.sleep(300);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            return 0;
        }));
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (stalls.get() == 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
            assertEquals(Edpvs.MSG_DROP, client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, add4("10.0.1.0", 24,
                "10.0.0.1", "dpdk0")).errcode());
        }
        finally
        {
            stall.close();
        }
        assertNull("a failed change is not an event", channel.poll(300, TimeUnit.MILLISECONDS));
        assertEquals(0, events.published());
    }

    @Test
    public void aBlockedChannelDoesNotHoldTheMasterLcore() throws Exception
    {
        final CountDownLatch gate = new CountDownLatch(1);
        channel.gate(gate);
        events.bind("mp", MpSink.of(channel));
        final long t0 = System.nanoTime();
        for (int i = 0; i < 10; i++)
        {
            final SockoptResponse r = client.set(RouteConf.SOCKOPT_SET_ROUTE_ADD, add4("10.1." + i + ".0", 24,
                "10.0.0.1", "dpdk0"));
            assertEquals(r.errstr(), Edpvs.OK, r.errcode());
        }
        assertTrue("ten adds answered while the channel blocks",
            System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        gate.countDown();
        for (int i = 0; i < 10; i++)
        {
            final String e = next();
            assertTrue(e, e.startsWith("route-events | route.change | ADD inet 10.1." + i + ".0/24 "));
        }
    }
}
