package itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

import itest.bundles.ClosingMsgActivator;
import itest.bundles.CountingMsgType;
import itest.bundles.LeakingMsgActivator;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.Edpvs;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgReply;
import platform.msgmgr.api.MsgTypeHandle;
import platform.msgmgr.api.MsgTypeSpec;
import platform.msgmgr.api.MulticastResult;

/**
 * The message manager in the framework: the built-in types and the {@code msg} commands, a MULTICAST type
 * registered by a feature bundle's activator and answered by the worker lcore, and that bundle stopped while other
 * threads keep sending: every sender gets a result and returns, the callbacks stop when {@code stop()} returns, and
 * the type id is free again. Types a bundle leaves registered are closed when it stops. A type registered and closed
 * over and over while threads send it gives every sender a code.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MsgManagerIT extends BaseTest
{
    /** Timeout of the sends whose success is asserted: generous, the lcores of a loaded machine may be parked. */
    private static final long SEND_TIMEOUT_US = 1_000_000;
    /** Timeout of the sends of the traffic threads, which may get MSG_DROP. */
    private static final long TRAFFIC_TIMEOUT_US = 200_000;
    /** The traffic threads send for this long at most. */
    private static final long TRAFFIC_WINDOW_MS = 2_000;
    /** The traffic threads must have returned this long after being told to stop. */
    private static final long SENDER_END_MS = 5_000;
    /** How long the churn test registers and closes its type. */
    private static final long CHURN_MS = 1_000;
    private static final int CHURN_TYPE_ID = 302;

    /** The default layout: lcore 0 is the master, lcore 1 the only forwarding worker. */
    private static final int MASTER = 0;
    private static final int WORKER = 1;

    @Inject
    private MsgManager msgManager;

    @Inject
    private CommandProcessor processor;

    @Inject
    private LcoreScheduler scheduler;

    @Configuration
    public Option[] configuration()
    {
        return options(baseConfiguration(),
            msgBundle(ClosingMsgActivator.SYMBOLIC_NAME, ClosingMsgActivator.class),
            msgBundle(LeakingMsgActivator.SYMBOLIC_NAME, LeakingMsgActivator.class));
    }

    private Bundle msgBundle;

    @After
    public void uninstallMsgBundle() throws BundleException
    {
        if (null != msgBundle)
        {
            msgBundle.uninstall();
        }
    }

    @Test
    public void builtInTypesAnswerThroughTheCommandsAndTheService() throws Exception
    {
        awaitLcoresRunning(scheduler);
        assertEquals(MASTER, msgManager.masterLcoreId());
        assertArrayEquals(new int[] {WORKER}, msgManager.workerLcoreIds());

        final String hello = execute(processor, "msg:hello " + WORKER);
        assertTrue("msg:hello " + WORKER + " said: " + hello, hello.contains("hello from lcore " + WORKER));

        final String types = execute(processor, "msg:types");
        assertTrue("header:\n" + types, types.startsWith("ID "));
        assertRow(types, typeRow(MsgIds.HELLO, "HELLO", MASTER, "UNICAST", "HIGH", PLATFORM_MSGMGR));
        assertRow(types, typeRow(MsgIds.HELLO, "HELLO", WORKER, "UNICAST", "HIGH", PLATFORM_MSGMGR));
        assertRow(types, typeRow(MsgIds.GET_ALL_SLAVE_ID, "GET_ALL_SLAVE_ID", MASTER, "MULTICAST", "LOW",
            PLATFORM_MSGMGR));
        assertRow(types, typeRow(MsgIds.GET_ALL_SLAVE_ID, "GET_ALL_SLAVE_ID", WORKER, "UNICAST", "IGN",
            PLATFORM_MSGMGR));

        // the same built-ins through the service
        final MsgReply reply = new MsgReply();
        assertEquals(reply.toString(), Edpvs.OK,
            msgManager.sendSync(MsgIds.HELLO, MASTER, null, SEND_TIMEOUT_US, reply));
        assertEquals("HELLO to the master: " + reply, MASTER, reply.reply());
        final MulticastResult slaves = new MulticastResult();
        assertEquals(slaves.toString(), Edpvs.OK,
            msgManager.multicastSync(MsgIds.GET_ALL_SLAVE_ID, null, SEND_TIMEOUT_US, slaves));
        assertEquals("GET_ALL_SLAVE_ID: " + slaves, 1, slaves.count());
        assertEquals(WORKER, slaves.lcore(0));
        assertEquals(WORKER, slaves.reply(0));
    }

    @Test
    public void bundleMulticastTypeIsAnsweredByTheWorkerAndListedWithItsOwner() throws Exception
    {
        final Bundle bundle = msgBundle = installTestBundle(ClosingMsgActivator.SYMBOLIC_NAME);
        bundle.start();
        final Supplier<Map<String, Object>> type = awaitTypeObserver(ClosingMsgActivator.TYPE_NAME);
        final int id = ClosingMsgActivator.TYPE_ID;

        final MulticastResult result = new MulticastResult();
        assertEquals(result.toString(), Edpvs.OK, msgManager.multicastSync(id, "ping", SEND_TIMEOUT_US, result));
        assertEquals("replies: " + result, 1, result.count());
        assertEquals(WORKER, result.lcore(0));
        assertEquals("the worker replies with its lcore id", WORKER, result.reply(0));
        assertFalse(result.failed(0));
        assertEquals(1L << WORKER, result.askedMask());
        assertEquals(0L, result.missingMask());
        assertEquals("worker callback calls", 1L, type.get().get(CountingMsgType.WORKER_CALLS));
        assertEquals("master callback calls", 1L, type.get().get(CountingMsgType.MASTER_CALLS));
        assertEquals(Set.of(WORKER), type.get().get(CountingMsgType.LCORE_IDS));
        assertEquals("the worker callback on lcore-1, the master's on lcore-0", Set.of("lcore-0", "lcore-1"),
            type.get().get(CountingMsgType.THREADS));

        final String owner = owner(bundle);
        final String types = execute(processor, "msg:types");
        assertRow(types, typeRow(id, ClosingMsgActivator.TYPE_NAME, MASTER, "MULTICAST", "NORM", owner));
        assertRow(types, typeRow(id, ClosingMsgActivator.TYPE_NAME, WORKER, "UNICAST", "IGN", owner));

        bundle.stop();
        assertNotListed(id);
        assertEquals(Edpvs.NOTEXIST, msgManager.multicastSync(id, "ping", SEND_TIMEOUT_US, result));
        assertEquals(Edpvs.NOTEXIST, msgManager.sendAsync(id, WORKER, "ping"));
    }

    @Test
    public void stoppingTheBundleMidTrafficReleasesEverySenderAndFreesTheType() throws Exception
    {
        final Bundle bundle = msgBundle = installTestBundle(ClosingMsgActivator.SYMBOLIC_NAME);
        bundle.start();
        final Supplier<Map<String, Object>> type = awaitTypeObserver(ClosingMsgActivator.TYPE_NAME);
        final int id = ClosingMsgActivator.TYPE_ID;
        final MulticastResult warmUp = new MulticastResult();
        assertEquals(warmUp.toString(), Edpvs.OK, msgManager.multicastSync(id, null, SEND_TIMEOUT_US, warmUp));

        final Traffic traffic = new Traffic(msgManager, id);
        traffic.start();
        final long before = workerCalls(type);
        await(() -> "traffic reaches the worker; " + traffic, () -> workerCalls(type) >= before + 500
            && traffic.count("multicastSync", Edpvs.OK) >= 20 && traffic.count("sendSync", Edpvs.OK) >= 20
            && traffic.count("multicastAsync", Edpvs.OK) >= 20);

        final long stopStart = System.nanoTime();
        bundle.stop();
        final long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStart);
        // the activator's close() returned: no worker callback may run any more, while the senders go on
        final long atStop = workerCalls(type);
        awaitIterations(scheduler, QUIET_ITERATIONS);
        final long quiet = workerCalls(type);

        final List<String> stuck = traffic.finish(SENDER_END_MS);
        final String stats = execute(processor, "msg:stats");
        final String state = "bundle.stop() took " + stopMs + " ms; " + traffic + "\nmsg:stats:\n" + stats;
        assertTrue("senders still running " + SENDER_END_MS + " ms after they were told to stop: " + stuck + "\n"
            + state, stuck.isEmpty());
        assertEquals("worker callback calls in the " + QUIET_ITERATIONS + " lcore iterations after stop() returned; " + state, atStop, quiet);
        assertEquals("sends that threw or returned an unexpected code; " + state, List.of(), traffic.problems());
        for (final String op : Traffic.OPS)
        {
            assertTrue(op + " succeeded before the stop; " + state, traffic.count(op, Edpvs.OK) > 0);
            assertTrue(op + " got NOTEXIST after the stop (the senders ran across it); " + state,
                traffic.count(op, Edpvs.NOTEXIST) > 0);
        }
        // every accepted asynchronous multicast completes, exactly once
        await(() -> "every accepted multicastAsync completes; " + traffic,
            () -> traffic.completions.get() == traffic.count("multicastAsync", Edpvs.OK));
        awaitIterations(scheduler, QUIET_ITERATIONS);
        assertEquals("multicastAsync completions; " + traffic, traffic.count("multicastAsync", Edpvs.OK),
            traffic.completions.get());
        assertEquals("completions called twice; " + traffic, 0, traffic.duplicateCompletions.get());

        assertNotListed(id);
        final String hello = execute(processor, "msg:hello " + WORKER);
        assertTrue("msg:hello after the stop said: " + hello, hello.contains("hello from lcore " + WORKER));

        // the id is free: the test registers it itself
        assertReRegistrable(id, "itest-mc-again");
        // and the bundle again
        bundle.start();
        final MulticastResult again = new MulticastResult();
        assertEquals(again.toString(), Edpvs.OK, msgManager.multicastSync(id, null, SEND_TIMEOUT_US, again));
        assertEquals(WORKER, again.reply(0));
    }

    @Test
    public void typeLeftRegisteredIsClosedWhenItsBundleStops() throws Exception
    {
        final Bundle bundle = msgBundle = installTestBundle(LeakingMsgActivator.SYMBOLIC_NAME);
        bundle.start();
        final Supplier<Map<String, Object>> type = awaitTypeObserver(LeakingMsgActivator.TYPE_NAME);
        final int id = LeakingMsgActivator.TYPE_ID;

        final MulticastResult result = new MulticastResult();
        assertEquals(result.toString(), Edpvs.OK, msgManager.multicastSync(id, null, SEND_TIMEOUT_US, result));
        assertEquals(WORKER, result.reply(0));
        assertRow(execute(processor, "msg:types"),
            typeRow(id, LeakingMsgActivator.TYPE_NAME, WORKER, "UNICAST", "IGN", owner(bundle)));

        bundle.stop();
        // the framework released the bundle's MsgManager service while stopping it, which closed the type
        assertNotListed(id);
        final long atStop = workerCalls(type);
        assertEquals(Edpvs.NOTEXIST, msgManager.multicastSync(id, null, SEND_TIMEOUT_US, result));
        assertEquals(Edpvs.NOTEXIST, msgManager.sendAsync(id, WORKER, null));
        awaitIterations(scheduler, QUIET_ITERATIONS);
        assertEquals("worker callback calls after stop() returned", atStop, workerCalls(type));

        assertReRegistrable(id, "itest-mc-leaked-again");
    }

    /**
     * The test registers and closes a MULTICAST type over and over while the traffic threads send it (at the rates of
     * the stop test, far below what fills a ring): every send ends with an expected code, every accepted
     * asynchronous multicast completes once with OK or MSG_DROP, and nothing is left registered.
     */
    @Test
    public void registrationChurnWhileSending() throws Exception
    {
        final AtomicLong calls = new AtomicLong();
        final MsgTypeSpec spec = countingMulticast(CHURN_TYPE_ID, "itest-mc-churn", calls);
        final Traffic traffic = new Traffic(msgManager, CHURN_TYPE_ID);
        traffic.start();
        int cycles = 0;
        List<String> stuck = List.of();
        try
        {
            cycles = churn(spec);
        }
        finally
        {
            stuck = traffic.finish(SENDER_END_MS);
        }
        final String state = cycles + " register/close cycles, " + calls + " worker calls; " + traffic;
        assertTrue("senders still running " + SENDER_END_MS + " ms after they were told to stop: " + stuck + "\n"
            + state, stuck.isEmpty());
        assertEquals("sends that threw or returned an unexpected code; " + state, List.of(), traffic.problems());
        await(() -> "every accepted multicastAsync completes; " + traffic,
            () -> traffic.completions.get() == traffic.count("multicastAsync", Edpvs.OK));
        assertEquals("completions called twice; " + state, 0, traffic.duplicateCompletions.get());
        assertTrue("the type was sent while registered; " + state,
            traffic.count("multicastSync", Edpvs.OK) > 0 && calls.get() > 0);
        assertNotListed(CHURN_TYPE_ID);
    }

    /**
     * One thread calls multicastAsync back to back while the test registers and closes the type: a type closed
     * between the call's check and its enqueue must give a code (NOTEXIST, or a completion with MSG_DROP), not an
     * exception; every accepted multicast completes exactly once.
     */
    @Test
    public void multicastAsyncRacingTheCloseOfItsTypeReturnsACode() throws Exception
    {
        final MsgTypeSpec spec = countingMulticast(CHURN_TYPE_ID, "itest-mc-race", new AtomicLong());
        final AtomicBoolean stop = new AtomicBoolean();
        final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong twice = new AtomicLong();
        final AtomicReference<Throwable> firstThrown = new AtomicReference<>();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TRAFFIC_WINDOW_MS);
        final Thread sender = new Thread(() ->
        {
            while (!stop.get() && System.nanoTime() - deadline < 0)
            {
                final AtomicBoolean done = new AtomicBoolean();
                try
                {
                    final int rc = msgManager.multicastAsync(CHURN_TYPE_ID, null, TRAFFIC_TIMEOUT_US, (r, replies) ->
                        (done.getAndSet(true) ? twice : completed).incrementAndGet());
                    count(outcomes, Edpvs.name(rc));
                    if (Edpvs.OK == rc)
                    {
                        accepted.incrementAndGet();
                    }
                    else
                    {
                        // NOTEXIST between the registrations, NOROOM when the master's ring is full
                        LockSupport.parkNanos(20_000);
                    }
                }
                catch (final RuntimeException ex)
                {
                    firstThrown.compareAndSet(null, ex);
                    count(outcomes, ex.toString());
                }
            }
        }, "itest-mc-async-race");
        sender.setDaemon(true);
        sender.start();
        int cycles = 0;
        try
        {
            cycles = churn(spec);
        }
        finally
        {
            stop.set(true);
            sender.join(SENDER_END_MS);
        }
        final String state = cycles + " register/close cycles; multicastAsync outcomes " + outcomes;
        assertFalse("sender still running; " + state, sender.isAlive());
        final Throwable thrown = firstThrown.get();
        if (null != thrown)
        {
            fail("multicastAsync threw; " + state + "; the first: " + thrown + " at "
                + Arrays.toString(thrown.getStackTrace()));
        }
        assertTrue("some multicasts accepted; " + state, accepted.get() > 0);
        await(() -> "every accepted multicastAsync completes: " + completed + " of " + accepted,
            () -> completed.get() == accepted.get());
        assertEquals("completions called twice", 0, twice.get());
        assertNotListed(CHURN_TYPE_ID);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Registers {@code spec} as the test's own type, lets it live 100 us, closes it, and again, for
     * {@link #CHURN_MS}.
     *
     * @return the register/close cycles done.
     */
    private int churn(final MsgTypeSpec spec)
    {
        int cycles = 0;
        final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHURN_MS);
        while (System.nanoTime() - end < 0)
        {
            final MsgTypeHandle handle = msgManager.registerMulticast(spec);
            LockSupport.parkNanos(100_000);
            handle.close();
            cycles++;
            LockSupport.parkNanos(50_000);
        }
        return cycles;
    }

    /**
     * @return a MULTICAST spec (NORM) whose worker callback counts its calls and replies with its lcore id.
     */
    private MsgTypeSpec countingMulticast(final int id, final String name, final AtomicLong calls)
    {
        return MsgTypeSpec.multicast(id, name, MsgPriority.NORM, msg ->
        {
            calls.incrementAndGet();
            msg.reply(scheduler.currentLcoreId());
            return Edpvs.OK;
        }, null);
    }

    private static void count(final Map<String, AtomicLong> counts, final String key)
    {
        counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    /**
     * Registers {@code id} as a MULTICAST type of the test (the probe) itself, multicasts to it, and closes it.
     */
    private void assertReRegistrable(final int id, final String name) throws Exception
    {
        final AtomicLong calls = new AtomicLong();
        final MsgTypeHandle handle = msgManager.registerMulticast(countingMulticast(id, name, calls));
        try
        {
            assertTrue(handle.isRegistered());
            assertRow(execute(processor, "msg:types"),
                typeRow(id, name, MASTER, "MULTICAST", "NORM", owner(context.getBundle())));
            final MulticastResult result = new MulticastResult();
            assertEquals(result.toString(), Edpvs.OK, msgManager.multicastSync(id, null, SEND_TIMEOUT_US, result));
            assertEquals(1, result.count());
            assertEquals(WORKER, result.reply(0));
            assertEquals(1L, calls.get());
        }
        finally
        {
            handle.close();
        }
        assertFalse(handle.isRegistered());
        assertNotListed(id);
    }

    private void assertNotListed(final int id) throws Exception
    {
        final String types = execute(processor, "msg:types");
        assertFalse("msg type " + id + " still listed:\n" + types,
            Pattern.compile("^" + id + "\\s", Pattern.MULTILINE).matcher(types).find());
    }

    /**
     * @return the regular expression of a {@code msg:types} row.
     */
    private static String typeRow(final int id, final String name, final int lcore, final String mode,
        final String priority, final String owner)
    {
        return id + "\\s+" + Pattern.quote(name) + "\\s+" + lcore + "\\s+" + mode + "\\s+" + priority + "\\s+"
            + Pattern.quote(owner);
    }

    /**
     * @return how the message manager names a bundle as owner of its types.
     */
    private static String owner(final Bundle bundle)
    {
        return bundle.getSymbolicName() + "/" + bundle.getVersion();
    }

    @SuppressWarnings("unchecked")
    private Supplier<Map<String, Object>> awaitTypeObserver(final String typeName)
    {
        return awaitService(Supplier.class, "(" + CountingMsgType.TYPE_PROPERTY + "=" + typeName + ")");
    }

    private static long workerCalls(final Supplier<Map<String, Object>> type)
    {
        return (Long)type.get().get(CountingMsgType.WORKER_CALLS);
    }

    /**
     * Threads sending one type: multicastSync and sendSync to the worker back to back, sendAsync to the worker in
     * bursts, multicastAsync every 20 us. They count every result code per operation (and the completions of the
     * asynchronous multicasts), pause after a failed send, and stop when told or after {@link #TRAFFIC_WINDOW_MS}.
     */
    private static final class Traffic
    {
        static final String[] OPS = {"multicastSync", "sendSync", "sendAsync", "multicastAsync"};
        private static final Map<String, Set<Integer>> EXPECTED = Map.of(
            "multicastSync", Set.of(Edpvs.OK, Edpvs.MSG_DROP, Edpvs.NOTEXIST),
            "sendSync", Set.of(Edpvs.OK, Edpvs.MSG_DROP, Edpvs.NOTEXIST),
            "sendAsync", Set.of(Edpvs.OK, Edpvs.NOTEXIST, Edpvs.NOROOM),
            "multicastAsync", Set.of(Edpvs.OK, Edpvs.NOTEXIST, Edpvs.NOROOM),
            "completion", Set.of(Edpvs.OK, Edpvs.MSG_DROP));

        private final MsgManager msgManager;
        private final int type;
        private final Map<String, Map<Integer, AtomicLong>> results = new ConcurrentHashMap<>();
        private final List<String> failures = new ArrayList<>();
        private final AtomicLong thrown = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();
        final AtomicLong completions = new AtomicLong();
        final AtomicLong duplicateCompletions = new AtomicLong();

        Traffic(final MsgManager msgManager, final int type)
        {
            this.msgManager = msgManager;
            this.type = type;
            for (final String op : EXPECTED.keySet())
            {
                results.put(op, new ConcurrentHashMap<>());
            }
        }

        void start() throws InterruptedException
        {
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TRAFFIC_WINDOW_MS);
            final CountDownLatch started = new CountDownLatch(4);
            final MulticastResult mc = new MulticastResult();
            thread("itest-mc-sync", started, deadline, () ->
                pauseUnlessOk(record("multicastSync", msgManager.multicastSync(type, null, TRAFFIC_TIMEOUT_US, mc))));
            final MsgReply reply = new MsgReply();
            thread("itest-uc-sync", started, deadline, () ->
                pauseUnlessOk(record("sendSync", msgManager.sendSync(type, WORKER, null, TRAFFIC_TIMEOUT_US, reply))));
            thread("itest-uc-async", started, deadline, () ->
            {
                for (int i = 0; i < 32; i++)
                {
                    record("sendAsync", msgManager.sendAsync(type, WORKER, null));
                }
                LockSupport.parkNanos(200_000);
            });
            thread("itest-mc-async", started, deadline, () ->
            {
                final AtomicBoolean done = new AtomicBoolean();
                pauseUnlessOk(record("multicastAsync", msgManager.multicastAsync(type, null, TRAFFIC_TIMEOUT_US,
                    (rc, replies) ->
                    {
                        record("completion", rc);
                        if (done.getAndSet(true))
                        {
                            duplicateCompletions.incrementAndGet();
                        }
                        else
                        {
                            completions.incrementAndGet();
                        }
                    })));
                LockSupport.parkNanos(20_000);
            });
            assertTrue("traffic threads did not start", started.await(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        }

        /** After a failed send (the type is gone, the ring full), a pause, so the loop does not hog a core. */
        private static void pauseUnlessOk(final int rc)
        {
            if (Edpvs.OK != rc)
            {
                LockSupport.parkNanos(100_000);
            }
        }

        private void thread(final String name, final CountDownLatch started, final long deadline, final Runnable send)
        {
            final Thread t = new Thread(() ->
            {
                started.countDown();
                while (!stop.get() && System.nanoTime() - deadline < 0)
                {
                    try
                    {
                        send.run();
                    }
                    catch (final RuntimeException ex)
                    {
                        // a send must return a code; counted, the first few kept with their stacks, and on it goes
                        final long n = thrown.incrementAndGet();
                        if (n <= 3)
                        {
                            synchronized (failures)
                            {
                                failures.add(Thread.currentThread().getName() + ": " + ex + " at "
                                    + Arrays.toString(ex.getStackTrace()));
                            }
                        }
                        LockSupport.parkNanos(100_000);
                    }
                }
            }, name);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }

        private int record(final String op, final int rc)
        {
            results.get(op).computeIfAbsent(rc, k -> new AtomicLong()).incrementAndGet();
            return rc;
        }

        long count(final String op, final int rc)
        {
            final AtomicLong n = results.get(op).get(rc);
            return null == n ? 0 : n.get();
        }

        /**
         * Tells the threads to stop and waits for them.
         *
         * @return the threads still alive after {@code waitMs}, with their stacks.
         */
        List<String> finish(final long waitMs) throws InterruptedException
        {
            stop.set(true);
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
            final List<String> alive = new ArrayList<>();
            for (final Thread t : threads)
            {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive())
                {
                    alive.add(t.getName() + " " + Arrays.toString(t.getStackTrace()));
                }
            }
            return alive;
        }

        /**
         * @return the first sends that threw, with their stacks, and "op: CODE x n" for every result outside the
         * operation's expected codes.
         */
        List<String> problems()
        {
            final List<String> out;
            synchronized (failures)
            {
                out = new ArrayList<>(failures);
            }
            for (final Map.Entry<String, Map<Integer, AtomicLong>> op : results.entrySet())
            {
                for (final Map.Entry<Integer, AtomicLong> rc : op.getValue().entrySet())
                {
                    if (!EXPECTED.get(op.getKey()).contains(rc.getKey()))
                    {
                        out.add(op.getKey() + ": " + Edpvs.name(rc.getKey()) + " x " + rc.getValue());
                    }
                }
            }
            return out;
        }

        @Override
        public String toString()
        {
            final Map<String, Map<String, Long>> byName = new TreeMap<>();
            for (final Map.Entry<String, Map<Integer, AtomicLong>> op : results.entrySet())
            {
                final Map<String, Long> codes = new TreeMap<>();
                op.getValue().forEach((rc, n) -> codes.put(Edpvs.name(rc), n.get()));
                byName.put(op.getKey(), codes);
            }
            return "results " + byName + ", completions " + completions + " (duplicates " + duplicateCompletions
                + "), sends that threw " + thrown;
        }
    }
}
