package platform.msgmgr.impl;

import java.util.concurrent.locks.LockSupport;

import platform.msgmgr.api.MsgFlags;

/**
 * The synchronous waiter handshake: a sender waits in {@link #await} until its message ends; whoever ends it calls
 * {@link #finish} (or {@link MulticastCoordinator}'s terminate), which wins the terminal CAS and then unparks the
 * waiter. The two sides meet on {@link MsgImpl#waiter} and the flags: the waiter publishes itself before its
 * last look at the flags, the finisher reads it after its CAS, so one of them always sees the other (no lost
 * wake-up).
 * <p>
 * Threads: {@link #await} on the sending thread; on an lcore it keeps draining that lcore's own rings (sending to
 * yourself cannot deadlock), elsewhere it spins briefly and then parks. {@link #finish} on any thread.
 */
final class SyncWaiter
{
    /** Spins of a non-lcore waiter before it parks: a reply within a few microseconds costs no unpark. */
    private static final int SPINS = 200;
    /** Longest park of a non-lcore thread waiting for ring room (control messages), ns. */
    private static final long ROOM_PARK_NS = 50_000;

    private final Dispatcher dispatcher;

    SyncWaiter(final Dispatcher dispatcher)
    {
        this.dispatcher = dispatcher;
    }

    /**
     * Waits until {@code m} ends or {@code deadlineNs} passes (then ends it with TIMEOUT|DROP|SENDER_GAVE_UP).
     *
     * @param self the calling lcore's state, null on other threads.
     * @return the final flags.
     */
    int await(final MsgImpl m, final long deadlineNs, final LcoreMsg self)
    {
        int spins = 0;
        while (true)
        {
            final int f = m.lvFlags();
            if (0 != (f & MsgImpl.TERMINAL))
            {
                return f;
            }
            // a clock read every pass: it also spaces out the reads of the message's flags, which the replying lcore
            // must write (reading the clock only every 4th pass measured slower when the two CPUs are far apart)
            final long now = System.nanoTime();
            if (now - deadlineNs >= 0)
            {
                if (m.tryTerminate(MsgFlags.STATE_DROP | MsgFlags.TIMEOUT | MsgImpl.SENDER_GAVE_UP))
                {
                    return m.lvFlags();
                }
                continue;
            }
            if (null != self)
            {
                if (0 == dispatcher.drain(self, now))
                {
                    Thread.onSpinWait();
                }
            }
            else if (spins < SPINS)
            {
                spins++;
                Thread.onSpinWait();
            }
            else
            {
                // publish ourselves, then look once more: a finisher that CASed before this store sees no waiter,
                // but then this look sees its terminal flag
                m.waiter = Thread.currentThread();
                if (0 == (m.lvFlags() & MsgImpl.TERMINAL))
                {
                    LockSupport.parkNanos(this, deadlineNs - now);
                }
            }
        }
    }

    /**
     * Idles while waiting for ring room: an lcore drains its own rings (its own ring may be the full one), another
     * thread parks briefly.
     */
    void idleWhileWaiting(final LcoreMsg self, final long deadlineNs)
    {
        if (null != self)
        {
            if (0 == dispatcher.drain(self))
            {
                Thread.onSpinWait();
            }
        }
        else
        {
            LockSupport.parkNanos(Math.min(ROOM_PARK_NS, Math.max(1, deadlineNs - System.nanoTime())));
        }
    }

    /**
     * Ends {@code m} with {@code bits} (FIN or DROP with their companions) unless it already ended, and wakes its
     * parked sender.
     *
     * @return true when this call ended it.
     */
    static boolean finish(final MsgImpl m, final int bits)
    {
        if (!m.tryTerminate(bits))
        {
            return false;
        }
        final Thread w = m.waiter;
        if (null != w)
        {
            LockSupport.unpark(w);
        }
        return true;
    }
}
