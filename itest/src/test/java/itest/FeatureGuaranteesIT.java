package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.wiring.BundleWiring;

import itest.bundles.FeatureProbe;
import itest.bundles.FeatureProbeActivator;
import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgReply;
import platform.msgmgr.api.MsgTypeHandle;
import platform.msgmgr.api.MsgTypeSpec;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * Issue 14's guarantees with packets flowing: a feature bundle with one of every registration ({@link FeatureProbe}:
 * message types, jobs, a timer, a hook, a packet receiver, a sockopt range) is stopped and started, and updated to a
 * new version, while netif's synthetic port forwards packets through its hook (route and neighbour set, so every
 * packet is forwarded) and clients flood its message types and its sockopts.
 * <ul>
 * <li>after each stop none of its code runs again (its callbacks fail loudly and count a violation if called);</li>
 * <li>its messages in flight are dropped and counted, and every message a send accepted is either handled or
 * counted dropped; synchronous senders and control-socket clients waiting on it get an answer at once, never a
 * hang;</li>
 * <li>another bundle's messages and the packets lose nothing: sent equals received, received packets equal
 * forwarded packets;</li>
 * <li>its ids, hook and receiver slots are free for its next version (each restart registers them again);</li>
 * <li>after uninstall and refresh, the class loaders of all its revisions are garbage-collected.</li>
 * </ul>
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeatureGuaranteesIT extends BaseTest
{
    private static final int CYCLES = 6;
    private static final String V2 = FeatureProbe.SYMBOLIC_NAME + "-2";
    private static final String IMPORTS = "org.osgi.framework;version=\"[1.10,2)\","
        + "platform.lcore.api;version=\"[1.0,2)\",platform.msgmgr.api;version=\"[2.0,3)\","
        + "platform.sockopt.api;version=\"[1.0,2)\",modules.netif.api;version=\"[1.1,2)\"";
    /** Another bundle's message type (the test's own), sent to while the probe comes and goes. */
    private static final int BYSTANDER_TYPE = 320;
    /** Far beyond any answer's time; a call this long is a hang. */
    private static final long HANG_NS = TimeUnit.SECONDS.toNanos(2);

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() throws Exception
    {
        final Path conf = Paths.get("target", "netif-guarantees-" + System.nanoTime() + ".conf").toAbsolutePath();
        Files.writeString(conf, "port syn0 driver synthetic rate 20000 src 192.168.0.0/16 dst 10.0.0.0/8 size 60 "
            + "proto udp\nqueue 1 syn0 rx 0 tx 0\n", StandardCharsets.UTF_8);
        return new Option[] {baseConfiguration(), frameworkProperty("platform.netif.conf").value(conf.toString()),
            bundle(reactorJar("itest.modules.stats.jar")), bundle(reactorJar("itest.modules.netif.jar")),
            bundle(reactorJar("itest.modules.route.jar")), bundle(reactorJar("itest.modules.neigh.jar")),
            testBundle(FeatureProbe.SYMBOLIC_NAME, "1.0.0", FeatureProbe.SYMBOLIC_NAME, FeatureProbeActivator.class,
                IMPORTS, FeatureProbe.class),
            testBundle(FeatureProbe.SYMBOLIC_NAME, "2.0.0", V2, FeatureProbeActivator.class, IMPORTS,
                FeatureProbe.class)};
    }

    /** The packet counters of every forwarding lcore, each lcore's read on that lcore in one snapshot. */
    private Map<String, Long> packets()
    {
        String stats = execute0("netif:stats");
        for (int i = 0; i < 50 && stats.contains("no answer"); i++)
        {
            sleep(20);
            stats = execute0("netif:stats");
        }
        assertFalse(stats, stats.contains("no answer"));
        final Map<String, Long> sums = new TreeMap<>();
        final Matcher m = Pattern.compile(" ([a-z_0-9]+) (\\d+)").matcher(stats);
        while (m.find())
        {
            sums.merge(m.group(1), Long.parseLong(m.group(2)), Long::sum);
        }
        return sums;
    }

    private String execute0(final String command)
    {
        try
        {
            return execute(processor, command);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(command, ex);
        }
    }

    /** What a flooding client saw: its calls, the answers by code, and its longest call. */
    private static final class Client
    {
        final AtomicLong accepted = new AtomicLong();
        final Map<Integer, AtomicLong> codes = new ConcurrentHashMap<>();
        final AtomicLong longestNs = new AtomicLong();
        final AtomicReference<String> failure = new AtomicReference<>();

        void answered(final int rc, final long startNs)
        {
            codes.computeIfAbsent(rc, k -> new AtomicLong()).incrementAndGet();
            longestNs.accumulateAndGet(System.nanoTime() - startNs, Math::max);
        }

        long code(final int rc)
        {
            final AtomicLong n = codes.get(rc);
            return null == n ? 0 : n.get();
        }
    }

    @Test
    public void aFeatureStoppedOrUpdatedUnderTrafficKeepsEveryPromise() throws Exception
    {
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        awaitLcoresRunning(awaitService(LcoreScheduler.class));
        final MsgManager msg = awaitService(MsgManager.class);
        final SockoptClient socket = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(10));
        await("route and neigh sockopts served", () -> getOk(socket, 32) && getOk(socket, 72));
        execute0("route:add 10.0.0.0/8 via 192.0.2.1 dev syn0");
        execute0("neigh:add 192.0.2.1 lladdr 02:00:00:00:aa:01 dev syn0");
        final long forwarding = packets().getOrDefault("opackets", 0L);
        await(() -> "packets forwarded: " + packets(), () -> packets().getOrDefault("opackets", 0L) > forwarding);

        final ConcurrentMap<String, AtomicLong> tripwire = new ConcurrentHashMap<>();
        final Hashtable<String, Object> props = new Hashtable<>();
        props.put("itest.tripwire", "true");
        final ServiceRegistration<?> tripwireReg = context.registerService(ConcurrentMap.class.getName(), tripwire,
            props);
        // another bundle's type: every message a send accepted must arrive
        final AtomicLong bystanderReceived = new AtomicLong();
        final int worker = msg.workerLcoreIds()[0];
        final MsgTypeHandle bystander = msg.register(MsgTypeSpec.unicast(BYSTANDER_TYPE, "bystander",
            MsgPriority.NORM, m ->
            {
                bystanderReceived.incrementAndGet();
                return Edpvs.OK;
            }), worker);
        final long droppedBefore = droppedAfterTheirTypeWent();
        final Map<String, Long> before = packets();

        Bundle probe = context.installBundle(testBundleLocation(FeatureProbe.SYMBOLIC_NAME));
        final List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        final AtomicBoolean run = new AtomicBoolean(true);
        final Client asyncProbe = new Client();
        final Client syncProbe = new Client();
        final Client sockopt = new Client();
        final Client other = new Client();
        final List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> flood(run, asyncProbe, () -> msg.sendAsync(FeatureProbe.UC_TYPE, worker, null),
            true), "async-probe"));
        threads.add(new Thread(() -> flood(run, syncProbe, () -> msg.sendSync(FeatureProbe.UC_TYPE, worker, null,
            10_000_000, new MsgReply()), false), "sync-probe"));
        threads.add(new Thread(() -> flood(run, sockopt, () -> socket.get(FeatureProbe.SO_MULTICAST, null).errcode(),
            false), "sockopt-probe"));
        threads.add(new Thread(() -> flood(run, other, () -> msg.sendAsync(BYSTANDER_TYPE, worker, null), true),
            "bystander"));
        try
        {
            String serving = "1.0.0";
            for (int cycle = 0; cycle < CYCLES; cycle++)
            {
                if (Bundle.ACTIVE != probe.getState())
                {
                    probe.start();
                }
                else
                {
                    // a new version replaces the running one: the old revision is stopped, the new one started
                    final String next = "1.0.0".equals(serving) ? "2.0.0" : "1.0.0";
                    try (InputStream in = URI.create(testBundleLocation("1.0.0".equals(next)
                        ? FeatureProbe.SYMBOLIC_NAME : V2)).toURL().openStream())
                    {
                        loaders.add(new WeakReference<>(probe.adapt(BundleWiring.class).getClassLoader()));
                        probe.update(in);
                    }
                    refresh(probe);
                    serving = next;
                }
                assertEquals(Bundle.ACTIVE, probe.getState());
                final String version = serving;
                final int c = cycle;
                await("cycle " + c + ": version " + version + " serves", () -> version.equals(versionServed(
                    socket)));
                if (0 == cycle)
                {
                    threads.forEach(Thread::start);
                }
                // traffic through every registration while it runs
                final Map<String, Long> was = new TreeMap<>();
                for (final String what : FeatureProbe.WHAT)
                {
                    was.put(what, calls(tripwire, what));
                }
                await(() -> "cycle " + c + ": the probe called " + tripwire, () -> calls(tripwire, "hook")
                    > was.get("hook") + 2000 && calls(tripwire, "uc") > was.get("uc") + 200
                    && calls(tripwire, "loop") > was.get("loop") + 50 && calls(tripwire, "timer") > was.get("timer")
                    + 20);
                // and a burst queued for it when it goes (it takes 50 us a message): those are dropped and counted
                for (int i = 0; i < 100; i++)
                {
                    asyncProbe.answered(msg.sendAsync(FeatureProbe.UC_TYPE, worker, null), System.nanoTime());
                }
                if (0 == cycle % 3)
                {
                    probe.stop();
                    assertRegistrationsGone(msg);
                }
            }
            loaders.add(new WeakReference<>(probe.adapt(BundleWiring.class).getClassLoader()));
            probe.stop();
            assertRegistrationsGone(msg);
            sleep(200); // the clients go on against the stopped bundle
        }
        finally
        {
            run.set(false);
            for (final Thread t : threads)
            {
                t.join(30_000);
            }
        }

        for (final Client c : List.of(asyncProbe, syncProbe, sockopt, other))
        {
            assertNull(c.failure.get());
            assertTrue("a call hung: " + TimeUnit.NANOSECONDS.toMillis(c.longestNs.get()) + " ms",
                c.longestNs.get() < HANG_NS);
        }
        // no code of a stopped revision ran; every kind of callback did run while registered
        for (final String what : FeatureProbe.WHAT)
        {
            assertEquals("violations of " + what + ": " + tripwire, 0L, tripwire.getOrDefault("violation." + what,
                new AtomicLong()).get());
            if (!"receiver".equals(what)) // nothing sends its ethertype: registered, never called
            {
                assertTrue("the probe's " + what + " ran: " + tripwire, calls(tripwire, what) > 0);
            }
        }
        // its messages: every one a send accepted was handled or, in flight at a stop, dropped and counted
        final long dropped = droppedAfterTheirTypeWent() - droppedBefore;
        assertTrue("messages in flight at a stop, dropped and counted: " + dropped, dropped > 0);
        final long accepted = asyncProbe.code(Edpvs.OK) + syncProbe.code(Edpvs.OK) + syncProbe.code(Edpvs.MSG_DROP);
        assertEquals("accepted " + asyncProbe.codes + " " + syncProbe.codes + ", handled " + calls(tripwire, "uc")
            + ", dropped " + dropped, accepted, calls(tripwire, "uc") + dropped);
        assertTrue("sync senders answered NOTEXIST once it was gone: " + syncProbe.codes,
            syncProbe.code(Edpvs.NOTEXIST) > 0);
        assertTrue("socket clients answered NOTSUPP once it was gone: " + sockopt.codes,
            sockopt.code(Edpvs.NOTSUPP) > 0 && sockopt.code(Edpvs.OK) > 0);
        assertEquals("socket answers other than OK and NOTSUPP: " + sockopt.codes, sockopt.code(Edpvs.OK)
            + sockopt.code(Edpvs.NOTSUPP), sum(sockopt));

        // the other bundle's messages: all arrived
        await(() -> "bystander sent " + other.codes + ", received " + bystanderReceived,
            () -> other.code(Edpvs.OK) == bystanderReceived.get());
        bystander.close();
        // the packets: every one received was forwarded, none dropped, and many flowed
        final Map<String, Long> after = packets();
        final long received = after.get("ipackets") - before.get("ipackets");
        assertTrue("packets flowed: " + received, received > 1000);
        assertEquals("received = forwarded, " + before + " -> " + after, received,
            after.get("opackets") - before.get("opackets"));
        for (final String drop : List.of("bad_header", "no_route", "no_neigh", "neigh_drop", "ttl_exceeded",
            "hook_drop", "hook_stolen", "not_handled", "to_kni", "kni_full", "tx_full", "receiver_drop"))
        {
            assertEquals(drop + ": " + before + " -> " + after, before.get(drop), after.get(drop));
        }

        // the figures of the run, for the record
        System.out.printf("guarantees: %d packets forwarded; probe calls %s; its messages accepted %d, handled %d, "
            + "dropped in flight %d; socket answers %s; bystander messages %d sent, all received%n", received,
            tripwire, accepted, calls(tripwire, "uc"), dropped, sockopt.codes, other.code(Edpvs.OK));

        // every revision's class loader can go once it is uninstalled and refreshed
        probe.uninstall();
        refresh(probe);
        probe = null;
        tripwireReg.unregister();
        assertTrue(loaders.size() >= 2);
        awaitCollected(loaders);
    }

    private long droppedAfterTheirTypeWent()
    {
        final Matcher m = Pattern.compile("dropped after their type went: (\\d+)").matcher(execute0("msg:stats"));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    private static long calls(final Map<String, AtomicLong> tripwire, final String what)
    {
        final AtomicLong n = tripwire.get("call." + what);
        return null == n ? 0 : n.get();
    }

    private static long sum(final Client c)
    {
        return c.codes.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private static String versionServed(final SockoptClient socket)
    {
        try
        {
            final SockoptResponse r = socket.get(FeatureProbe.SO_VERSION, null);
            return r.ok() ? new String(r.body(), StandardCharsets.US_ASCII) : r.errstr();
        }
        catch (final java.io.IOException ex)
        {
            return ex.toString();
        }
    }

    /** None of the probe's registrations is listed any more. */
    private void assertRegistrationsGone(final MsgManager msg)
    {
        assertTrue(msg.types().toString(), msg.types().stream().noneMatch(t -> t.id() == FeatureProbe.MC_TYPE
            || t.id() == FeatureProbe.UC_TYPE));
        final String listed = execute0("lcore:jobs") + execute0("lcore:timers") + execute0("netif:hooks")
            + execute0("sockopt:list");
        for (final String name : List.of("probe_loop", "probe_slow", "probe_hook", "probe_rx", FeatureProbe.SYMBOLIC_NAME))
        {
            assertFalse(name + " still listed:\n" + listed, listed.contains(name));
        }
    }

    /** A call that returns a code. */
    private interface Call
    {
        int call() throws Exception;
    }

    private static void flood(final AtomicBoolean run, final Client c, final Call call, final boolean async)
    {
        while (run.get() && null == c.failure.get())
        {
            final long start = System.nanoTime();
            try
            {
                c.answered(call.call(), start);
            }
            catch (final Exception ex)
            {
                c.failure.set(Thread.currentThread().getName() + ": " + ex);
            }
            if (async)
            {
                // a tenth of the worker: the probe's callback takes 50 us a message
                java.util.concurrent.locks.LockSupport.parkNanos(500_000);
            }
        }
    }
}
