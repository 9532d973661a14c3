package platform.lcore.impl;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.agrona.DeadlineTimerWheel;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.common.LogLimiter;
import platform.lcore.api.LcoreState;

/**
 * One lcore's timers (DPVS's per-lcore {@code timer_sched}): an Agrona {@link DeadlineTimerWheel} that only the
 * lcore's thread touches, fed by a multi-producer, single-consumer request queue that other threads write to.
 * <p>
 * Thread contract: {@link #doWork()}, {@link #add}, {@link #purge} and the wheel are for the lcore's thread only;
 * {@link #submit} and {@link #onCancel} route a request from any other thread through the queue (and wake the lcore).
 * The request queue carries {@link TimerEntry}s (a schedule or a cancel, told apart by the entry's state) and
 * {@link Purge}s.
 * <p>
 * Cost when nothing is due: one load of the queue, the wheel's timer count and, only when timers are pending, one
 * clock read compared with the end of the wheel's current tick; the wheel is polled once per tick, not per call.
 * Nothing is allocated per firing: a periodic timer keeps its entry, and wheel slots and the id-to-entry arrays are
 * reused (they only grow, doubling, while more timers than ever before share a tick).
 */
final class LcoreTimerWheel implements DeadlineTimerWheel.TimerHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(LcoreTimerWheel.class);
    /** Callbacks per {@link #doWork()} call, so that a burst of expiries does not make one huge loop iteration. */
    static final int EXPIRY_LIMIT = 256;
    /** Requests drained per call, for the same reason. */
    static final int DRAIN_LIMIT = 256;
    /** Ticks a late lcore catches up per call (the wheel steps one tick per poll). */
    static final int CATCH_UP_TICKS = 64;
    private static final int INITIAL_TICK_ALLOCATION = 4;
    private static final long SLOW_WAIT_WARN_NS = TimeUnit.SECONDS.toNanos(1);

    final int lcoreId;
    final Lcore lcore;
    private final DeadlineTimerWheel wheel;
    /** By spoke, then slot in the spoke: the wheel's timer id split in two, so finding an entry is two loads. */
    private final TimerEntry[][] slots;
    private final MpscUnboundedXaddArrayQueue<Object> requests = new MpscUnboundedXaddArrayQueue<>(256, 4);
    private final LogLimiter failureLog = new LogLimiter(TimeUnit.SECONDS.toNanos(1));

    /** Set once the role's timer_manage job is registered; read on each schedule. */
    volatile boolean managed;

    // statistics, written by the lcore only, read by Gogo
    long fired;
    long cancelled;
    long failures;

    LcoreTimerWheel(final Lcore lcore, final long tickNs, final int ticksPerWheel)
    {
        this.lcore = lcore;
        this.lcoreId = lcore.id;
        this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, System.nanoTime(), tickNs, ticksPerWheel,
            INITIAL_TICK_ALLOCATION);
        this.slots = new TimerEntry[ticksPerWheel][];
    }

    boolean isLcoreThread()
    {
        return Thread.currentThread() == lcore.thread;
    }

    /**
     * @return timers in the wheel (a racy read from other threads, for statistics).
     */
    long pending()
    {
        return wheel.timerCount();
    }

    /**
     * The {@code timer_manage} job on this lcore: drains the requests, then expires the due timers.
     *
     * @return requests handled plus callbacks called.
     */
    int doWork()
    {
        int work = 0;
        if (null != requests.relaxedPeek())
        {
            work = drain();
        }
        final DeadlineTimerWheel wheel = this.wheel;
        if (0 == wheel.timerCount())
        {
            return work;
        }
        final long nowNs = System.nanoTime();
        if (nowNs < wheel.currentTickTime())
        {
            // nothing is due before the current tick ends: timers fire at tick granularity, never early
            return work;
        }
        return work + expire(wheel, nowNs);
    }

    private int expire(final DeadlineTimerWheel wheel, final long nowNs)
    {
        int expired = 0;
        int ticks = 0;
        do
        {
            expired += wheel.poll(nowNs, this, EXPIRY_LIMIT - expired);
        }
        while (expired < EXPIRY_LIMIT && ++ticks < CATCH_UP_TICKS && 0 != wheel.timerCount()
            && nowNs >= wheel.currentTickTime());
        return expired;
    }

    private int drain()
    {
        int n = 0;
        Object r;
        while (n < DRAIN_LIMIT && null != (r = requests.relaxedPoll()))
        {
            n++;
            if (r instanceof TimerEntry)
            {
                onRequest((TimerEntry)r);
            }
            else
            {
                purge((Purge)r);
            }
        }
        return n;
    }

    private void onRequest(final TimerEntry e)
    {
        if (e.retired)
        {
            return;
        }
        final int s = e.lvState();
        if (TimerEntry.CANCELLED == s)
        {
            retireCancelled(e);
        }
        else if (TimerEntry.PENDING == s && TimerEntry.NOT_IN_WHEEL == e.wheelId)
        {
            if (null != e.owner && e.owner.released)
            {
                // scheduled while its bundle was being released, and queued behind the purge
                if (e.casState(TimerEntry.PENDING, TimerEntry.CANCELLED))
                {
                    retireCancelled(e);
                }
                return;
            }
            add(e);
        }
    }

    /**
     * Hands a new timer to this lcore: straight into the wheel on the lcore's own thread, else through the queue.
     */
    void submit(final TimerEntry e)
    {
        if (isLcoreThread())
        {
            add(e);
        }
        else
        {
            requests.offer(e);
            lcore.wake();
        }
    }

    /**
     * A cancel won the race against firing: take the entry out of the wheel, now on the lcore, else by a request
     * (the entry will not fire either way; the request frees its slot before its deadline).
     */
    void onCancel(final TimerEntry e, final boolean onLcore)
    {
        if (onLcore)
        {
            if (TimerEntry.NOT_IN_WHEEL != e.wheelId)
            {
                retireCancelled(e);
            }
            // else its schedule request is still queued and will be dropped
        }
        else
        {
            requests.offer(e);
            lcore.wake();
        }
    }

    /** Lcore thread: puts an entry into the wheel. */
    void add(final TimerEntry e)
    {
        final DeadlineTimerWheel wheel = this.wheel;
        if (0 == wheel.timerCount())
        {
            // an empty wheel steps one tick per poll at most: bring it to now, so a new timer is not a turn late
            wheel.currentTickTime(System.nanoTime());
        }
        final long id = wheel.scheduleTimer(e.deadlineNs);
        final int spoke = (int)(id >>> 32);
        final int slot = (int)id;
        TimerEntry[] spokeSlots = slots[spoke];
        if (null == spokeSlots || slot >= spokeSlots.length)
        {
            spokeSlots = growSpoke(spoke, slot);
        }
        spokeSlots[slot] = e;
        e.wheelId = id;
    }

    private TimerEntry[] growSpoke(final int spoke, final int slot)
    {
        final TimerEntry[] old = slots[spoke];
        final TimerEntry[] grown = new TimerEntry[Math.max(INITIAL_TICK_ALLOCATION, Integer.highestOneBit(slot) << 1)];
        if (null != old)
        {
            System.arraycopy(old, 0, grown, 0, old.length);
        }
        slots[spoke] = grown;
        return grown;
    }

    private TimerEntry take(final long id)
    {
        final TimerEntry[] spokeSlots = slots[(int)(id >>> 32)];
        final int slot = (int)id;
        final TimerEntry e = spokeSlots[slot];
        spokeSlots[slot] = null;
        e.wheelId = TimerEntry.NOT_IN_WHEEL;
        return e;
    }

    /** Lcore thread: a CANCELLED entry leaves the wheel (if in it) and is counted, once. */
    private void retireCancelled(final TimerEntry e)
    {
        if (TimerEntry.NOT_IN_WHEEL != e.wheelId)
        {
            final long id = e.wheelId;
            wheel.cancelTimer(id);
            take(id);
        }
        if (!e.retired)
        {
            e.retired = true;
            cancelled++;
        }
    }

    @Override
    public boolean onTimerExpiry(final TimeUnit timeUnit, final long nowNs, final long timerId)
    {
        final TimerEntry e = take(timerId);
        if (!e.casState(TimerEntry.PENDING, TimerEntry.FIRING))
        {
            // cancelled from another thread; its request is still queued
            retireCancelled(e);
            return true;
        }
        final TimerOwner owner = e.owner;
        if (null != owner && owner.released)
        {
            e.svState(TimerEntry.CANCELLED);
            retireCancelled(e);
            return true;
        }
        fire(e, nowNs);
        return true;
    }

    private void fire(final TimerEntry e, final long nowNs)
    {
        fired++;
        try
        {
            e.timer.onTimer(lcoreId, nowNs);
        }
        catch (final Throwable th)
        {
            onFailure(e, th, nowNs);
        }
        final long periodNs = e.periodNs;
        if (0 == periodNs)
        {
            e.retired = true;
            e.svState(TimerEntry.FIRED);
        }
        else if (e.casState(TimerEntry.FIRING, TimerEntry.PENDING))
        {
            long next = e.deadlineNs + periodNs;
            if (next - nowNs <= 0)
            {
                // more than a period behind: skip the missed firings rather than bunch them
                next = nowNs + periodNs;
            }
            e.deadlineNs = next;
            add(e);
        }
        else
        {
            // STOPPING: cancelled while it ran; the canceller waits for this store
            retireCancelled(e);
            e.svState(TimerEntry.CANCELLED);
        }
    }

    private void onFailure(final TimerEntry e, final Throwable th, final long nowNs)
    {
        failures++;
        final long left = failureLog.admit(nowNs);
        if (left >= 0)
        {
            LOG.warn("lcore {}: {} threw{}", lcoreId, e, LogLimiter.suppressedNote(left), th);
        }
    }

    /**
     * Any thread but this lcore's: waits until the entry is no longer firing, so that a cancel returns only once
     * its callback has. Gives up when the lcore has stopped (nothing fires any more).
     */
    void awaitNotFiring(final TimerEntry e)
    {
        final long startNs = System.nanoTime();
        boolean warned = false;
        int spins = 0;
        while (true)
        {
            final int s = e.lvState();
            if ((TimerEntry.FIRING != s && TimerEntry.STOPPING != s) || !alive())
            {
                return;
            }
            if (spins < 100)
            {
                spins++;
                Thread.onSpinWait();
            }
            else if (spins < 110)
            {
                spins++;
                Thread.yield();
            }
            else
            {
                LockSupport.parkNanos(20_000);
                if (!warned && System.nanoTime() - startNs > SLOW_WAIT_WARN_NS)
                {
                    warned = true;
                    LOG.warn("cancelling {} waits for its callback, which has been running for over 1 s", e);
                }
            }
        }
    }

    /** @return true while the lcore may still run its jobs (and so fire timers or drain requests). */
    boolean alive()
    {
        final LcoreState s = lcore.state;
        return LcoreState.RUNNING == s || LcoreState.INIT == s;
    }

    /**
     * Lcore thread: cancels every pending timer of a released owner.
     */
    void purge(final Purge p)
    {
        int n = 0;
        final TimerEntry[][] slots = this.slots;
        for (int i = 0; i < slots.length; i++)
        {
            final TimerEntry[] spokeSlots = slots[i];
            if (null == spokeSlots)
            {
                continue;
            }
            for (int j = 0; j < spokeSlots.length; j++)
            {
                final TimerEntry e = spokeSlots[j];
                if (null != e && e.owner == p.owner && e.casState(TimerEntry.PENDING, TimerEntry.CANCELLED))
                {
                    retireCancelled(e);
                    n++;
                }
            }
        }
        p.purged = n;
        p.done = true;
    }

    /**
     * Any thread but this lcore's: queues a purge.
     */
    void requestPurge(final Purge p)
    {
        requests.offer(p);
        lcore.wake();
    }

    /**
     * Waits until the lcore has done the purge (so no callback of the owner runs on it), or has stopped.
     */
    void awaitPurge(final Purge p)
    {
        final long startNs = System.nanoTime();
        boolean warned = false;
        while (!p.done && alive())
        {
            LockSupport.parkNanos(20_000);
            if (!warned && System.nanoTime() - startNs > SLOW_WAIT_WARN_NS)
            {
                warned = true;
                LOG.warn("releasing the timers of {} waits for lcore {} for over 1 s (running {})", p.owner, lcoreId,
                    lcore.currentEntry);
            }
        }
    }

    /**
     * A request to cancel an owner's timers on one lcore, answered by {@link #done}.
     */
    static final class Purge
    {
        final TimerOwner owner;
        /** Written by the lcore before {@link #done}. */
        int purged;
        volatile boolean done;

        Purge(final TimerOwner owner)
        {
            this.owner = owner;
        }
    }
}
