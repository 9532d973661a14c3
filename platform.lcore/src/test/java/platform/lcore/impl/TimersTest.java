package platform.lcore.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static platform.lcore.impl.Layouts.await;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Test;
import org.osgi.framework.BundleContext;

import platform.lcore.api.JobInfo;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreTimer;
import platform.lcore.api.LcoreTimers;
import platform.lcore.api.TimerHandle;
import platform.lcore.api.TimerInfo;

/**
 * Per-lcore timers on real lcores (lcore 0 MASTER, 1 and 2 FWD_WORKER, unpinned). Timing is asserted one way only
 * (never before the deadline) plus a generous upper bound: the host is a noisy 2-vCPU guest.
 */
public class TimersTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Late bound for a firing: far above a tick, so that only a lost timer fails it. */
    private static final long LATE_NS = TimeUnit.SECONDS.toNanos(3);

    private final List<Scheduler> schedulers = new ArrayList<>();

    @After
    public void stopAll()
    {
        for (final Scheduler s : schedulers)
        {
            assertTrue("lcores did not stop", s.stop(5_000));
        }
    }

    private Timers timers()
    {
        final Scheduler s = Layouts.started(Layouts.masterAndTwoWorkers(""));
        schedulers.add(s);
        return new Timers(s);
    }

    private static Scheduler scheduler(final Timers t)
    {
        return t.wheel(0).lcore.scheduler;
    }

    @Test(timeout = 20_000)
    public void shouldFireOnItsLcoreNotBeforeTheDeadline()
    {
        final Timers t = timers();
        final AtomicReference<String> thread = new AtomicReference<>();
        final AtomicLong firedNs = new AtomicLong();
        final AtomicLong nowArg = new AtomicLong();
        final AtomicInteger lcoreArg = new AtomicInteger(-1);
        final long delayNs = 20 * MS;
        final long t0 = System.nanoTime();
        final TimerHandle h = t.schedule(1, delayNs, 0, (lcoreId, nowNs) ->
        {
            firedNs.set(System.nanoTime());
            thread.set(Thread.currentThread().getName() + "/" + scheduler(t).currentLcoreId());
            nowArg.set(nowNs);
            lcoreArg.set(lcoreId);
        }, null);
        assertTrue(h.isPending());
        await("the timer fires", () -> null != thread.get());
        assertEquals("lcore-1/1", thread.get());
        assertEquals(1, lcoreArg.get());
        assertTrue("fired early: " + (firedNs.get() - t0) + " ns", firedNs.get() - t0 >= delayNs);
        assertTrue("nowNs before the deadline", nowArg.get() - t0 >= delayNs);
        assertTrue("fired " + (firedNs.get() - t0) + " ns after scheduling", firedNs.get() - t0 < delayNs + LATE_NS);
        await("the handle sees the firing", () -> !h.isPending());
        assertFalse("cancel after firing", h.cancel());

        // timer_manage was registered for the workers only, on first use
        final Set<Integer> manageLcores = ConcurrentHashMap.newKeySet();
        for (final JobInfo j : scheduler(t).jobs(-1))
        {
            if (Timers.JOB_NAME.equals(j.name()))
            {
                manageLcores.add(j.lcoreId());
                assertEquals(LcoreRole.FWD_WORKER, j.role());
            }
        }
        assertEquals(Set.of(1, 2), manageLcores);
        final TimerInfo stats = t.timerStats().get(1);
        assertEquals(1, stats.lcoreId());
        assertEquals(1, stats.fired());
        assertEquals(0, stats.pending());
    }

    @Test(timeout = 20_000)
    public void shouldScheduleFromAnLcoreForItselfAndForAnother()
    {
        final Timers t = timers();
        final Set<String> fired = ConcurrentHashMap.newKeySet();
        final AtomicInteger scheduled = new AtomicInteger();
        final LcoreTimer record = (lcoreId, nowNs) ->
            fired.add(lcoreId + "@" + Thread.currentThread().getName());
        // from the master lcore (a timer callback there) to itself and to both workers
        t.schedule(0, 0, 0, (lcoreId, nowNs) ->
        {
            t.schedule(0, MS, 0, record, null);
            t.schedule(1, MS, 0, record, null);
            t.schedule(2, 2 * MS, 0, record, null);
            scheduled.incrementAndGet();
        }, null);
        await("timers scheduled from lcore 0 fire", () -> fired.size() == 3);
        assertEquals(Set.of("0@lcore-0", "1@lcore-1", "2@lcore-2"), fired);
        assertEquals(1, scheduled.get());
    }

    @Test(timeout = 20_000)
    public void shouldNotFireACancelledTimer()
    {
        final Timers t = timers();
        final AtomicInteger calls = new AtomicInteger();
        final long t0 = System.nanoTime();
        final TimerHandle h = t.schedule(2, 50 * MS, 0, (lcoreId, nowNs) -> calls.incrementAndGet(), null);
        assertTrue(h.cancel());
        assertFalse(h.isPending());
        assertFalse("second cancel", h.cancel());
        // a later timer on the same lcore fires; the cancelled one, due before it, never did
        final AtomicInteger later = new AtomicInteger();
        t.schedule(2, 80 * MS, 0, (lcoreId, nowNs) -> later.incrementAndGet(), null);
        await("the later timer fires", () -> 1 == later.get());
        assertTrue(System.nanoTime() - t0 >= 80 * MS);
        assertEquals(0, calls.get());
        final TimerInfo stats = t.timerStats().get(2);
        assertEquals(1, stats.cancelled());
        assertEquals(1, stats.fired());
        assertEquals(0, stats.pending());
    }

    @Test(timeout = 20_000)
    public void shouldFirePeriodicallyNeverEarlyAndStopWhenCancelledFromItsCallback()
    {
        final Timers t = timers();
        final int n = 10;
        final long delayNs = 5 * MS;
        final long periodNs = 4 * MS;
        final AtomicLongArray nows = new AtomicLongArray(n + 5);
        final AtomicInteger calls = new AtomicInteger();
        final AtomicReference<TimerHandle> self = new AtomicReference<>();
        final AtomicReference<Boolean> selfCancel = new AtomicReference<>();
        final long t0 = System.nanoTime();
        final TimerHandle h = t.schedule(1, delayNs, periodNs, (lcoreId, nowNs) ->
        {
            final int k = calls.getAndIncrement();
            nows.set(k, nowNs);
            if (n - 1 == k)
            {
                selfCancel.set(self.get().cancel());
            }
        }, null);
        self.set(h);
        await(n + " firings", () -> null != selfCancel.get());
        assertTrue("cancel from its own callback", selfCancel.get());
        assertFalse(h.isPending());
        for (int k = 0; k < n; k++)
        {
            assertTrue("firing " + k + " early", nows.get(k) - t0 >= delayNs + k * periodNs);
        }
        Layouts.awaitIterations(scheduler(t), 2, 1);
        final long before = calls.get();
        t.schedule(1, 3 * periodNs, 0, (lcoreId, nowNs) -> { }, null);
        await("a later timer on the lcore", () -> 1 == t.timerStats().get(1).fired() - n);
        assertEquals(n, calls.get());
        assertEquals(before, calls.get());
        assertEquals(1, t.timerStats().get(1).cancelled());
        assertFalse(h.cancel());
    }

    /**
     * The guarantee: once cancel() returns, the callback is not running and is never called again, however the
     * cancel meets the firing. A periodic timer every tick whose callback spins 300 us is cancelled at random
     * moments, so that many cancels land while it runs.
     */
    @Test(timeout = 120_000)
    public void shouldNeverCallBackAfterCancelReturns()
    {
        final Timers t = timers();
        final long periodNs = t.tickNs();
        final AtomicInteger inside = new AtomicInteger();
        final AtomicLong calls = new AtomicLong();
        final LcoreTimer busy = (lcoreId, nowNs) ->
        {
            inside.incrementAndGet();
            final long end = System.nanoTime() + 300_000;
            while (System.nanoTime() < end)
            {
                Thread.onSpinWait();
            }
            calls.incrementAndGet();
            inside.decrementAndGet();
        };
        int whileFiring = 0;
        int oneShotAfterFiring = 0;
        final int rounds = 300;
        for (int round = 0; round < rounds; round++)
        {
            final boolean periodic = 0 == (round & 1);
            final long callsBefore = calls.get();
            final TimerHandle h = t.schedule(1 + (round & 2) / 2, 0, periodic ? periodNs : 0, busy, null);
            // a third of the rounds cancel as soon as the callback runs, a third at a random moment, a third at once
            final int mode = round % 3;
            final long waitNs = 0 == mode ? 50 * MS : 1 == mode ? ThreadLocalRandom.current().nextLong(3 * periodNs) : 0;
            final long end = System.nanoTime() + waitNs;
            while (System.nanoTime() < end)
            {
                if (0 == mode && 1 == inside.get())
                {
                    break;
                }
                Thread.onSpinWait();
            }
            final boolean wasInside = 1 == inside.get();
            final boolean cancelled = h.cancel();
            assertEquals("round " + round + ": callback still running after cancel returned", 0, inside.get());
            final long callsAtCancel = calls.get();
            if (wasInside)
            {
                whileFiring++;
            }
            if (periodic)
            {
                assertTrue("round " + round + ": a periodic timer is stopped by the first cancel", cancelled);
            }
            else if (!cancelled)
            {
                oneShotAfterFiring++;
                assertEquals("round " + round + ": cancel returned false, so it has fired", callsBefore + 1,
                    callsAtCancel);
            }
            else
            {
                assertEquals("round " + round + ": cancelled before firing", callsBefore, callsAtCancel);
            }
            if (0 == round % 50 || round == rounds - 1)
            {
                // two more iterations and a few ticks: what has not run by then never will
                final long until = System.nanoTime() + 4 * periodNs;
                await("ticks pass", () -> System.nanoTime() > until);
                Layouts.awaitIterations(scheduler(t), 2, 1, 2);
            }
            assertEquals("round " + round + ": called after cancel returned", callsAtCancel, calls.get());
        }
        assertTrue("too few cancels met a running callback (" + whileFiring + ") to test the race",
            whileFiring >= 20);
        assertTrue("no one-shot cancel came after its firing", oneShotAfterFiring > 0);
        await("no timers left in the wheels", () -> 0 == pending(t.timerStats()));
    }

    private static long pending(final List<TimerInfo> stats)
    {
        long pending = 0;
        for (final TimerInfo i : stats)
        {
            pending += i.pending();
        }
        return pending;
    }

    @Test(timeout = 30_000)
    public void shouldFireManyTimersExactlyOnceAndNeverEarly()
    {
        final Timers t = timers();
        final int n = 3000;
        final AtomicLongArray firedAt = new AtomicLongArray(n);
        final AtomicInteger fired = new AtomicInteger();
        final AtomicInteger twice = new AtomicInteger();
        final AtomicInteger wrongLcore = new AtomicInteger();
        final long[] deadline = new long[n];
        final ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++)
        {
            final int k = i;
            final int lcore = i % 3;
            final long delayNs = rnd.nextLong(60 * MS);
            deadline[i] = System.nanoTime() + delayNs;
            t.schedule(lcore, delayNs, 0, (lcoreId, nowNs) ->
            {
                if (lcoreId != lcore || !Thread.currentThread().getName().equals("lcore-" + lcore))
                {
                    wrongLcore.incrementAndGet();
                }
                if (!firedAt.compareAndSet(k, 0, System.nanoTime()))
                {
                    twice.incrementAndGet();
                }
                fired.incrementAndGet();
            }, null);
        }
        await(n + " timers fire", () -> n == fired.get());
        Layouts.awaitIterations(scheduler(t), 2, 0, 1, 2);
        assertEquals(n, fired.get());
        assertEquals(0, twice.get());
        assertEquals(0, wrongLcore.get());
        for (int i = 0; i < n; i++)
        {
            assertTrue("timer " + i + " fired early", firedAt.get(i) - deadline[i] >= 0);
            assertTrue("timer " + i + " fired late", firedAt.get(i) - deadline[i] < LATE_NS);
        }
        long total = 0;
        for (final TimerInfo i : t.timerStats())
        {
            total += i.fired();
            assertEquals(0, i.pending());
        }
        assertEquals(n, total);
    }

    @Test(timeout = 20_000)
    public void shouldCountAThrowingCallbackAndKeepTheLcoreRunning()
    {
        final Timers t = timers();
        final AtomicInteger calls = new AtomicInteger();
        // a periodic timer that always throws: more failures than the job quarantine allows jobs
        final TimerHandle h = t.schedule(2, 0, 1, (lcoreId, nowNs) ->
        {
            calls.incrementAndGet();
            throw new IllegalStateException("callback failure on purpose (TimersTest)");
        }, null);
        await("150 failures", () -> t.timerStats().get(2).failures() >= 150);
        assertTrue(h.cancel());
        final AtomicInteger after = new AtomicInteger();
        t.schedule(2, MS, 0, (lcoreId, nowNs) -> after.incrementAndGet(), null);
        await("the lcore still fires timers", () -> 1 == after.get());
        final TimerInfo stats = t.timerStats().get(2);
        assertEquals(calls.get(), stats.failures());
        assertEquals(calls.get() + 1, stats.fired());
        for (final JobInfo j : scheduler(t).jobs(2))
        {
            assertEquals(j.name(), 0, j.failures());
            assertEquals(j.name(), platform.lcore.api.JobState.ACTIVE, j.state());
        }
    }

    @Test(timeout = 20_000)
    public void shouldRejectBadInputWithAClearMessage()
    {
        final Timers t = timers();
        final LcoreTimer noop = (lcoreId, nowNs) -> { };
        expectIllegalArgument("no lcore 3 to schedule a timer on; configured lcores are [0, 1, 2]",
            () -> t.schedule(3, 0, 0, noop, null));
        expectIllegalArgument("no lcore -1 to schedule a timer on; configured lcores are [0, 1, 2]",
            () -> t.schedule(-1, 0, 0, noop, null));
        expectIllegalArgument("no lcore 64 to schedule a timer on; configured lcores are [0, 1, 2]",
            () -> t.schedule(64, 0, 0, noop, null));
        expectIllegalArgument("timer delay -1 ns is out of range 0.." + LcoreTimers.MAX_DELAY_NS,
            () -> t.schedule(1, -1, 0, noop, null));
        expectIllegalArgument("timer delay " + Long.MAX_VALUE + " ns is out of range 0.." + LcoreTimers.MAX_DELAY_NS,
            () -> t.schedule(1, Long.MAX_VALUE, 0, noop, null));
        expectIllegalArgument("timer period -5 ns is out of range 1.." + LcoreTimers.MAX_DELAY_NS,
            () -> t.schedule(1, 0, -5, noop, null));
        expectIllegalArgument("timer callback is null", () -> t.schedule(1, 0, 0, null, null));
        final BundleLcoreTimers service = new BundleLcoreTimers(t, "bundle-y/1.0.0");
        expectIllegalArgument("timer period 0 ns is out of range 1.." + LcoreTimers.MAX_DELAY_NS,
            () -> service.schedulePeriodic(1, 0, 0, noop));
        for (final TimerInfo i : t.timerStats())
        {
            assertEquals(0, i.pending());
        }
    }

    private static void expectIllegalArgument(final String message, final Runnable call)
    {
        try
        {
            call.run();
            fail("accepted; expected: " + message);
        }
        catch (final IllegalArgumentException ex)
        {
            assertEquals(message, ex.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(final Class<T> type, final java.util.function.Function<String, Object> answers)
    {
        return (T)Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
            (p, m, args) -> answers.apply(m.getName()));
    }

    /**
     * A bundle that stops with timers pending (periodic ones firing, busy, on every lcore): once the release returns
     * none of its callbacks runs or ever runs again, and it cannot schedule more; other bundles' timers go on.
     */
    @Test(timeout = 60_000)
    public void shouldCancelABundlesTimersWhenItReleasesTheService() throws Exception
    {
        final BundleContext bc = proxy(BundleContext.class, name -> null);
        final LcoreRuntime.Config config = proxy(LcoreRuntime.Config.class,
            name -> "conf_file".equals(name) ? "" : "stop_timeout_ms".equals(name) ? 5000L : null);
        final LcoreRuntime runtime = new LcoreRuntime(bc, config);
        try
        {
            for (int round = 0; round < 20; round++)
            {
                final BundleLcoreTimers leaving = new BundleLcoreTimers(runtime.timers(), "bundle-x/1.0.0");
                final BundleLcoreTimers staying = new BundleLcoreTimers(runtime.timers(), "bundle-z/1.0.0");
                final AtomicInteger inside = new AtomicInteger();
                final AtomicLong calls = new AtomicLong();
                final LcoreTimer busy = (lcoreId, nowNs) ->
                {
                    inside.incrementAndGet();
                    final long end = System.nanoTime() + 200_000;
                    while (System.nanoTime() < end)
                    {
                        Thread.onSpinWait();
                    }
                    calls.incrementAndGet();
                    inside.decrementAndGet();
                };
                final AtomicLong otherCalls = new AtomicLong();
                final TimerHandle other = staying.schedulePeriodic(1, 0, MS, (lcoreId, nowNs) ->
                    otherCalls.incrementAndGet());
                for (final int lcore : runtime.scheduler().lcoreIds())
                {
                    leaving.schedulePeriodic(lcore, 0, leaving.tickNs(), busy);
                    leaving.schedule(lcore, TimeUnit.SECONDS.toNanos(60), busy);
                }
                final long firstCall = calls.get();
                await("the bundle's timers fire", () -> calls.get() > firstCall + 2);
                leaving.release();
                assertEquals("round " + round + ": a callback runs after release returned", 0, inside.get());
                final long atRelease = calls.get();
                final long until = System.nanoTime() + 5 * MS;
                await("ticks pass", () -> System.nanoTime() > until);
                Layouts.awaitIterations(runtime.scheduler(), 2, runtime.scheduler().lcoreIds());
                assertEquals("round " + round + ": called after release returned", atRelease, calls.get());
                try
                {
                    leaving.schedule(0, 0, busy);
                    fail("scheduled after release");
                }
                catch (final IllegalStateException ex)
                {
                    assertEquals("bundle-x/1.0.0 released the lcore timers service; cannot schedule a timer",
                        ex.getMessage());
                }
                final long otherAt = otherCalls.get();
                await("the other bundle's timer goes on", () -> otherCalls.get() > otherAt);
                assertTrue(other.isPending());
                assertTrue(other.cancel());
                // a cancel from another thread frees the wheel slot on the lcore, asynchronously
                await("round " + round + ": no timers left in the wheels", () -> 0 == pending(staying.timerStats()));
            }
        }
        finally
        {
            runtime.deactivate();
        }
    }

    @Test
    public void shouldRefuseATimerTickThatIsNotAPowerOfTwo()
    {
        try
        {
            Layouts.masterAndTwoWorkers("timer_tick_ns 1000000\n");
            fail("accepted");
        }
        catch (final RuntimeException ex)
        {
            assertTrue(ex.getMessage(), ex.getMessage().contains("timer_tick_ns 1000000 is not a power of two"));
        }
        final SchedulerConfig c = Layouts.masterAndTwoWorkers("timer_tick_ns 262144\ntimer_wheel_ticks 256\n");
        assertEquals(262144, c.timerTickNs);
        assertEquals(256, c.timerWheelTicks);
        assertNotNull(Layouts.masterAndTwoWorkers(""));
        assertEquals(SchedulerConfig.DEFAULT_TIMER_TICK_NS, Layouts.masterAndTwoWorkers("").timerTickNs);
    }
}
