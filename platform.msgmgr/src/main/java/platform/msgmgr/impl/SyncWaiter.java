package platform.msgmgr.impl;

import java.util.concurrent.locks.LockSupport;

import platform.msgmgr.api.MsgFlags;

/**
 * The synchronous waiter handshake: a sender waits in {@link #await} until its message ends; whoever ends it calls
 * {@link #finish} (or {@link #finishAndLetGo}, or {@link MulticastCoordinator}'s terminate), which wins the terminal
 * CAS and then unparks the waiter. The two sides meet on {@link MsgImpl#waiter} and the flags: the waiter publishes
 * itself before its last look at the flags, the finisher reads it after its CAS, so one of them always sees the
 * other (no lost wake-up).
 * <p>
 * Ownership: the terminal CAS also hands the message over. When the receiving side wins it, the message is the
 * sender's from that instant ({@link #senderDone} recycles it; the finisher does not touch it again except to read
 * {@link MsgImpl#waiter}, which at worst unparks an unrelated thread once, a spurious wake-up every parker
 * tolerates). When the sender wins it (it gave up), the message stays with the receiving side, which may still be
 * running the callback and writing a reply into it: both then {@link MsgImpl#release()} and the second recycles,
 * so a late reply is written into a message no new sender has yet.
 * <p>
 * Threads: {@link #await} on the sending thread; on an lcore it keeps draining that lcore's own rings (sending to
 * yourself cannot deadlock), elsewhere it spins briefly and then parks. {@link #finish} on any thread.
 */
final class SyncWaiter
{
    /** Spins of a non-lcore waiter before it parks: a reply within a few microseconds costs no unpark. */
    private static final int SPINS = 200;
    /**
     * Idle passes an untimed send's wait makes before it reads the clock: 20-40 ns each here, so a few microseconds,
     * within which a round trip to a running lcore ends (0.3-0.6 us).
     */
    static final int CLOCK_FREE_PASSES = 128;
    /** Longest park of a non-lcore thread waiting for ring room (control messages), ns. */
    private static final long ROOM_PARK_NS = 50_000;

    private final Dispatcher dispatcher;
    private final MulticastCoordinator multicasts;

    SyncWaiter(final Dispatcher dispatcher, final MulticastCoordinator multicasts)
    {
        this.dispatcher = dispatcher;
        this.multicasts = multicasts;
    }

    /**
     * Waits until {@code m} ends or {@code deadlineNs} passes (then ends it with TIMEOUT|DROP|SENDER_GAVE_UP).
     *
     * @param self the calling lcore's state, null on other threads.
     * @return the final flags.
     */
    int await(final MsgImpl m, final long deadlineNs, final LcoreMsg self)
    {
        awaitEnd(m, deadlineNs, 0, 0, true, self);
        return finalFlags(m);
    }

    /**
     * Waits until {@code m} ends or its timeout passes (then ends it with TIMEOUT|DROP|SENDER_GAVE_UP). Either
     * kind of send makes {@value #CLOCK_FREE_PASSES} idle passes before its first clock read, so a reply within
     * those passes costs the wait no clock read at all. A timed send's timeout counts from its start; an untimed
     * one's ({@code startNs} is {@link MsgImpl#NO_CLOCK}) from that first clock read, a few microseconds after the
     * start, so it waits at least its timeout, like every timeout.
     *
     * @param self the calling lcore's state, null on other threads.
     * @return the final flags.
     */
    int await(final MsgImpl m, final long startNs, final long timeoutNs, final LcoreMsg self)
    {
        if (MsgImpl.NO_CLOCK == startNs)
        {
            awaitEnd(m, 0, timeoutNs, CLOCK_FREE_PASSES, false, self);
        }
        else
        {
            // a timed (latency-sampled) send makes the clock-free passes too: a clock read every pass made its
            // passes longer, so it saw the end later than an untimed one, and its latency overstated the rest's
            awaitEnd(m, startNs + timeoutNs, 0, CLOCK_FREE_PASSES, true, self);
        }
        return finalFlags(m);
    }

    /**
     * The master waits for its own synchronous multicast ({@link MulticastCoordinator#startOwn}): it drains its rings
     * (the replies come there) until the queue is done. The master's drain expires the multicast at its deadline,
     * as every pending multicast; an untimed one's deadline is armed here, at the wait's first clock read. The first
     * {@value #CLOCK_FREE_PASSES} idle passes read no clock, as {@link #await}'s.
     */
    void awaitOwn(final McQueue q, final LcoreMsg master)
    {
        int clockFree = CLOCK_FREE_PASSES;
        while (!q.done)
        {
            if (clockFree > 0)
            {
                if (0 == dispatcher.drainRings(master))
                {
                    clockFree--;
                    Thread.onSpinWait();
                }
                else
                {
                    clockFree = 0; // handlers ran: time may have passed, the next passes read the clock
                }
                continue;
            }
            final long now = System.nanoTime();
            if (MsgImpl.NO_CLOCK == q.deadlineNs)
            {
                multicasts.armOwn(q, now);
            }
            if (0 == dispatcher.drain(master, now))
            {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * The flags of an ended message, with the receiver's progress: read from the flag word alone when the receiver
     * put STATE_RECV into its terminal CAS, else (a give-up, a drop) also from the progress cell, after the CAS
     * (the sender's half of the handshake in {@link MsgImpl#markReceived}).
     */
    static int finalFlags(final MsgImpl m)
    {
        final int f = m.lvFlags();
        return 0 != (f & MsgFlags.STATE_RECV) ? f : f | m.lvProgress();
    }

    /**
     * Waits until {@code m} ends or the deadline passes (then ends it itself); read the flags after.
     *
     * @param clockFree idle passes to make before the first clock read.
     * @param armed     {@code deadlineNs} is set; else the first clock read sets it at {@code timeoutNs} from itself.
     */
    private void awaitEnd(final MsgImpl m, long deadlineNs, final long timeoutNs, int clockFree, boolean armed,
        final LcoreMsg self)
    {
        int spins = 0;
        while (true)
        {
            final int f = m.lvFlags();
            if (0 != (f & MsgImpl.TERMINAL))
            {
                // ended by the receiving side, which wrote its progress and the reply before its CAS
                return;
            }
            if (clockFree > 0)
            {
                // an untimed send's first passes read no clock (a clock read costs a fifth of the lean round trip
                // here); a pass that ran handlers ends them, as time may have passed in those
                if (null == self)
                {
                    spins++;
                    clockFree--;
                    Thread.onSpinWait();
                }
                else if (0 == dispatcher.drainRings(self))
                {
                    clockFree--;
                    Thread.onSpinWait();
                }
                else
                {
                    clockFree = 0; // the next pass looks at the flags first: a reply those handlers gave costs no clock
                }
                continue;
            }
            // a clock read every pass: it also spaces out the reads of the message's flags, which the replying lcore
            // must write (reading the clock only every 4th pass measured slower when the two CPUs are far apart)
            final long now = System.nanoTime();
            if (!armed)
            {
                // the first clock read of an untimed send: its timeout counts from here
                deadlineNs = now + timeoutNs;
                armed = true;
            }
            if (now - deadlineNs >= 0)
            {
                if (m.tryTerminate(MsgFlags.STATE_DROP | MsgFlags.TIMEOUT | MsgImpl.SENDER_GAVE_UP))
                {
                    // the other half of the Dekker handshake in MsgImpl.markReceived: CAS, then (finalFlags) load
                    // the progress. The message is still ours to read: the receiving side recycles only after our
                    // release.
                    return;
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
     * The waiting sender is done with {@code m}, having read its result: it recycles it when the receiving side
     * ended it (the CAS handed it over), or releases its reference when it gave up (the receiving side releases
     * the other).
     *
     * @param f the flags {@link #await} returned.
     */
    static void senderDone(final MsgImpl m, final int f)
    {
        if (0 != (f & MsgImpl.SENDER_GAVE_UP))
        {
            m.release();
        }
        else
        {
            m.recycle();
        }
    }

    /**
     * {@link #senderDone(MsgImpl, int)} on the thread of lcore {@code selfId} (-1: not an lcore).
     *
     * @param offStack the message straddles two cache lines: recycle it to the shared queue (see
     *                 {@link MsgPool#recycle(MsgImpl, int, boolean)}).
     */
    static void senderDone(final MsgImpl m, final int f, final int selfId, final boolean offStack)
    {
        if (0 != (f & MsgImpl.SENDER_GAVE_UP))
        {
            m.release();
        }
        else
        {
            m.pool.recycle(m, selfId, offStack);
        }
    }

    /**
     * The receiving side ends {@code m} and lets go of it: an ASYNC message (its only holder) is ended with a plain
     * store and recycled; a waited one is ended by the terminal CAS, which hands it to the sender, or, when the
     * sender gave up first, released (the sender released the other reference).
     *
     * @return true when this call ended it; false when its sender had given up (the result is lost: count it late).
     */
    static boolean finishAndLetGo(final MsgImpl m, final int bits)
    {
        return finishAndLetGo(m, bits, false);
    }

    /**
     * As {@link #finishAndLetGo(MsgImpl, int)}; {@code own} when the calling thread sent {@code m} itself (see
     * {@link #finish(MsgImpl, int, boolean)}).
     */
    static boolean finishAndLetGo(final MsgImpl m, final int bits, final boolean own)
    {
        if (m.isAsync())
        {
            m.addAlone(bits);
            m.recycle();
            return true;
        }
        if (finish(m, bits, own))
        {
            return true; // the sender's now: not one more access
        }
        m.release();
        return false;
    }

    /**
     * As {@link #finish(MsgImpl, int)}; {@code bySender} when the calling thread sent {@code m} itself: then nobody
     * can end it meanwhile, a check and a release store do what the CAS does, and there is nobody to unpark.
     *
     * @return true when this call ended it.
     */
    static boolean finish(final MsgImpl m, final int bits, final boolean bySender)
    {
        // a sender on this thread waits in this thread's drain: it neither races the end nor parks
        return bySender ? m.terminateBySender(bits) : finish(m, bits);
    }

    /**
     * Ends {@code m} with {@code bits} (FIN or DROP with their companions) unless it already ended, and wakes its
     * parked sender. After a true return the caller must not touch {@code m}: its sender may recycle it.
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
