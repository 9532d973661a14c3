package platform.lcore.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import platform.lcore.api.LcoreTimer;
import platform.lcore.api.TimerHandle;

/**
 * One timer: the handle given to the scheduler of the timer and the entry its lcore's wheel holds.
 * <p>
 * The state is the only field other threads write; the lcore owns the rest once the entry reached it.
 * <pre>
 * PENDING --lcore--> FIRING --lcore--> FIRED                  (one-shot)
 *                           --lcore--> PENDING                (periodic, rescheduled)
 *                           --cancel-> STOPPING --lcore--> CANCELLED (periodic stopped while firing)
 * PENDING --cancel-> CANCELLED
 * </pre>
 * Firing and cancelling race on one compare-and-set from PENDING, so exactly one of them wins; a cancel that finds
 * the timer FIRING or STOPPING waits (unless it runs on the timer's own lcore) until the lcore has left the
 * callback.
 */
final class TimerEntry implements TimerHandle
{
    static final int PENDING = 0;
    static final int FIRING = 1;
    static final int STOPPING = 2;
    static final int FIRED = 3;
    static final int CANCELLED = 4;
    /** {@link #wheelId} when the entry is not in its wheel. */
    static final long NOT_IN_WHEEL = -1;

    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(TimerEntry.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final LcoreTimerWheel wheel;
    final TimerOwner owner;
    final LcoreTimer timer;
    /** 0 for a one-shot timer. */
    final long periodNs;

    /** Lcore-owned (written before the hand-off by the scheduling thread): the next deadline, System.nanoTime(). */
    long deadlineNs;
    /** Lcore-owned: the wheel's timer id while in the wheel, else {@link #NOT_IN_WHEEL}. */
    long wheelId = NOT_IN_WHEEL;
    /** Lcore-owned: counted as done (fired once or cancelled), so a duplicate request is ignored. */
    boolean retired;

    @SuppressWarnings("unused") // through STATE
    private volatile int state;

    TimerEntry(final LcoreTimerWheel wheel, final TimerOwner owner, final LcoreTimer timer, final long periodNs,
        final long deadlineNs)
    {
        this.wheel = wheel;
        this.owner = owner;
        this.timer = timer;
        this.periodNs = periodNs;
        this.deadlineNs = deadlineNs;
    }

    int lvState()
    {
        return (int)STATE.getVolatile(this);
    }

    void svState(final int s)
    {
        STATE.setVolatile(this, s);
    }

    boolean casState(final int expect, final int update)
    {
        return STATE.compareAndSet(this, expect, update);
    }

    @Override
    public boolean cancel()
    {
        final LcoreTimerWheel w = wheel;
        final boolean onLcore = w.isLcoreThread();
        while (true)
        {
            final int s = lvState();
            if (PENDING == s)
            {
                if (casState(PENDING, CANCELLED))
                {
                    w.onCancel(this, onLcore);
                    return true;
                }
            }
            else if (FIRING == s)
            {
                // a one-shot timer that is firing has fired: wait for it; a periodic one is told to stop
                if (0 == periodNs || casState(FIRING, STOPPING))
                {
                    if (!onLcore)
                    {
                        w.awaitNotFiring(this);
                    }
                    return 0 != periodNs;
                }
            }
            else if (STOPPING == s)
            {
                if (!onLcore)
                {
                    w.awaitNotFiring(this);
                }
                return false;
            }
            else
            {
                return false;
            }
        }
    }

    @Override
    public boolean isPending()
    {
        final int s = lvState();
        return PENDING == s || FIRING == s && 0 != periodNs;
    }

    @Override
    public void close()
    {
        cancel();
    }

    @Override
    public String toString()
    {
        return "timer " + timer.getClass().getName() + " on lcore " + wheel.lcoreId
            + (0 == periodNs ? "" : " every " + periodNs + " ns") + " of " + owner;
    }
}
