package platform.msgmgr.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import platform.msgmgr.api.MsgFlags;
import platform.msgmgr.api.MsgMode;
import platform.msgmgr.api.MulticastCompletion;
import platform.msgmgr.api.MulticastResult;

/**
 * A pooled message ({@code struct dpvs_msg}). Its state is two words, each with as few writers as possible:
 * <ul>
 * <li>{@code flags}: set up by the sender before the ring publishes the message; then only the terminal transition
 * adds bits. For a message somebody waits for (no ASYNC) that transition is a CAS ({@link #tryTerminate}), the one
 * race of the protocol: the receiver (or a drop) finishing against the sender giving up. For an ASYNC message its
 * only holder ends it with a plain store ({@link #addAlone}).</li>
 * <li>{@code progress}: STATE_RECV, written by the receiver only ({@link #markReceived}), in a padded cell of its
 * own ({@link ProgressCell}): the receiver writes it while the synchronous sender polls {@code flags}, and on the
 * same cache line that write cost the sender's line one more trip between the cores per round trip. The receiver
 * that ends the message adds STATE_RECV to its terminal CAS, so the sender reads the progress cell only when it
 * gave up (the handshake) or someone else dropped the message. The cell holds the {@link #gen generation} of the
 * use that was received, not a bit: so nobody clears it on recycle, and a message that goes back to the same
 * receiver finds the line still in that receiver's cache (the clear moved it to the recycling sender, and the next
 * receipt's fenced store waited for it to come back).</li>
 * </ul>
 * The flags callers see are the union ({@link #publicFlags}); they only gain bits, FIN and DROP are terminal and
 * exclusive.
 * <p>
 * Who returns a message to the pool (see the table in {@code package-info.java}): an ASYNC message has one holder
 * at a time, which {@link #recycle}s it. A waited message has two, the sender and the receiving side, and the
 * terminal CAS decides: when the receiving side ended it, the sender owns it from that CAS on and recycles it
 * after reading the result (no reference count touched); when the sender gave up ({@link #SENDER_GAVE_UP}), both
 * {@link #release()} it (the reference count, set to 2 at {@link #init}, is used on that slow path only) and the
 * second one recycles it.
 */
final class MsgImpl extends MsgImplCold
{
    /** A message for a type's callback (unicast, or a worker's copy of a multicast). */
    static final int KIND_USER = 0;
    /**
     * A worker's copy of a multicast: its callback's message on the worker, and, sent back as it is, the worker's
     * reply on the master (the master sends copies to workers only, so a copy on the master's ring is a reply). The
     * worker writes only the per-use line (the reply, a failure bit): kind, sender and destination stay what the
     * master wrote, so the copy's other line stays shared between the two CPUs and the next copy to that worker
     * writes it no more (turning the copy into a reply of another kind cost a line each way per round trip).
     */
    static final int KIND_MC_COPY = 1;
    /** A multicast to start on the master (sent by a thread that is not the master). */
    static final int KIND_MC_START = 2;
    /** Built-in REG/UNREG: the payload is the {@link TypeEntry} to enter or remove. */
    static final int KIND_REG = 3;
    static final int KIND_UNREG = 4;

    static final int TERMINAL = MsgFlags.STATE_FIN | MsgFlags.STATE_DROP;
    /** Internal bit next to DPVS's: the synchronous sender ended the message itself (it timed out waiting). */
    static final int SENDER_GAVE_UP = 1 << 16;
    /** DPVS's bits, the ones shown to users. */
    static final int PUBLIC_FLAGS = 0xff;
    /**
     * A clock value that no clock read gives: the start of a send that was not timed, the deadline of a multicast
     * the master has yet to arm.
     */
    static final long NO_CLOCK = Long.MIN_VALUE;

    private static final VarHandle FLAGS;
    private static final VarHandle REFS;
    private static final VarHandle WAITER;

    static
    {
        try
        {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            FLAGS = l.findVarHandle(MsgImpl.class, "flags", int.class);
            REFS = l.findVarHandle(MsgImplCold.class, "refs", int.class);
            WAITER = l.findVarHandle(MsgImplCold.class, "waiter", Thread.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** This use's sequence number. */
    int seq;
    /**
     * This use of the message: raised by each {@link #init} (its owner, before the ring publishes it); the receiver
     * writes it into the progress cell to say it took this use. A stale cell equals it only after 2^32 uses none of
     * which was received. Starts off the cell's initial 0, so a message never set up shows no receipt.
     */
    int gen = 1;
    @SuppressWarnings("unused")
    private volatile int flags;
    /** True while the message sits in its pool: a second recycle is a bug, caught here (owner transitions only). */
    boolean pooled;
    Object payload;
    Object reply;

    MsgImpl(final MsgPool pool)
    {
        super(pool);
    }

    /**
     * The one set-up of a message taken from the pool: every field a sender or the manager fills, then the
     * reference count and the flags. Plain (release) stores: nobody else can see the message before the ring's
     * offer, which publishes all of it.
     *
     * @param refs  2 for a waited message (sender and receiving side, counted down only when the sender gives up),
     *              1 for an ASYNC one: see the table in {@code package-info.java}.
     * @param flags the initial flags (STATE_SEND, with ASYNC when nobody waits).
     * @return this.
     */
    MsgImpl init(final int kind, final int type, final int seq, final MsgMode mode, final int cid, final int dest,
        final Object payload, final long sentNs, final int refs, final int flags)
    {
        // the fields of MsgImplCold are written only when they change: a sender that sends one type to one lcore
        // again (the common case) leaves their lines shared with the receiver, which only reads them
        if (this.kind != kind)
        {
            this.kind = kind;
        }
        if (this.type != type)
        {
            this.type = type;
        }
        if (this.mode != mode)
        {
            this.mode = mode;
        }
        if (this.cid != cid)
        {
            this.cid = cid;
        }
        if (this.dest != dest)
        {
            this.dest = dest;
        }
        if (this.sentNs != sentNs)
        {
            this.sentNs = sentNs;
        }
        this.seq = seq;
        this.payload = payload;
        this.gen = gen + 1;
        if (lvRefs() != refs)
        {
            REFS.setRelease(this, refs);
        }
        FLAGS.setRelease(this, flags);
        return this;
    }

    /** @return the flag word (without the receiver's progress): the one the terminal CAS decides on. */
    int lvFlags()
    {
        return (int)FLAGS.getVolatile(this);
    }

    /** @return the receiver's progress: STATE_RECV when it took this use of the message, else 0. */
    int lvProgress()
    {
        return progress.getVolatile() == gen ? MsgFlags.STATE_RECV : 0;
    }

    /** @return the flags as DPVS shows them: the flag word and the receiver's progress, DPVS's bits only. */
    int publicFlags()
    {
        return (lvFlags() | lvProgress()) & PUBLIC_FLAGS;
    }

    /** @return true when nobody waits for the message (set at {@link #init}, never changes). */
    boolean isAsync()
    {
        return 0 != ((int)FLAGS.get(this) & MsgFlags.ASYNC);
    }

    /**
     * The receiver took the message off its ring: publishes STATE_RECV and tells whether to handle it.
     * <p>
     * For a waited message this is one half of a Dekker handshake with a sender giving up
     * ({@link SyncWaiter#await}): the receiver stores RECV then loads the flags (a volatile store and load), the
     * sender CASes the flags then loads the progress. One of them sees the other, so a sender that reports no
     * STATE_RECV gave up before the receiver took the message, and then the receiver sees the terminal flags here
     * and does not call back. No read-modify-write: the progress word has a single writer.
     *
     * @return false when its synchronous sender gave up before: do not handle it (the result would be lost).
     */
    boolean markReceived()
    {
        if (isAsync())
        {
            progress.setRelease(gen); // nobody else writes or waits: no fence needed
            return true;
        }
        progress.setVolatile(gen);
        return 0 == ((int)FLAGS.getVolatile(this) & TERMINAL);
    }

    /**
     * @param bySender true when the receiving thread sent the message itself ({@link #markReceivedBySender}).
     * @return false when its sender gave up before (then do not handle it).
     */
    boolean markReceived(final boolean bySender)
    {
        return bySender ? markReceivedBySender() : markReceived();
    }

    /**
     * As {@link #markReceived} when the receiver is the sending thread itself (the master fanning out a multicast
     * it sent): its sender cannot give up meanwhile, so no fence (a StoreLoad costs 10-20 ns on a round trip of a
     * few hundred).
     *
     * @return false when its sender gave up before (then do not handle it).
     */
    boolean markReceivedBySender()
    {
        progress.setRelease(gen);
        return 0 == ((int)FLAGS.get(this) & TERMINAL);
    }

    /**
     * As {@link #tryTerminate} for a waited message whose sender is the calling thread (it waits on this thread's
     * drain, so nobody can end the message meanwhile): a check and a release store do what the CAS does.
     *
     * @return true when this call ended it.
     */
    boolean terminateBySender(final int bits)
    {
        final int f = (int)FLAGS.get(this);
        if (0 != (f & TERMINAL))
        {
            return false;
        }
        FLAGS.setRelease(this, f | bits);
        return true;
    }

    /**
     * Adds bits to an ASYNC message's flags: it has one holder at a time and nobody waits, so a plain (release) store
     * suffices, for the terminal bits that end it as for a bit that rides along (a worker's failed multicast copy,
     * published by the ring that takes it back).
     */
    void addAlone(final int bits)
    {
        FLAGS.setRelease(this, (int)FLAGS.get(this) | bits);
    }

    void svFlags(final int value)
    {
        FLAGS.setVolatile(this, value);
    }

    /** Adds bits with an atomic OR: tests only (the protocol itself has no OR). */
    void orFlags(final int bits)
    {
        FLAGS.getAndBitwiseOr(this, bits);
    }

    /**
     * Adds {@code bits} (which include FIN or DROP) unless the message already ended.
     *
     * @return true when this call ended it.
     */
    boolean tryTerminate(final int bits)
    {
        int f;
        do
        {
            f = (int)FLAGS.getVolatile(this);
            if (0 != (f & TERMINAL))
            {
                return false;
            }
        }
        while (!FLAGS.compareAndSet(this, f, f | bits));
        return true;
    }

    void initRefs(final int count)
    {
        REFS.setRelease(this, count);
    }

    int lvRefs()
    {
        return (int)REFS.getVolatile(this);
    }

    /**
     * The message's only holder returns it to its pool (an ASYNC message after handling, a waited message by the
     * sender that saw it end, a message that never got onto a ring).
     */
    void recycle()
    {
        pool.recycle(this);
    }

    /** {@link #recycle()} on the thread of lcore {@code selfId} (-1: not an lcore), which the caller knows. */
    void recycle(final int selfId)
    {
        pool.recycle(this, selfId);
    }

    /**
     * Drops one reference; the last returns the message to its pool. Used when a sender gave up waiting (both it
     * and the receiving side release) and by tests; the common paths {@link #recycle} instead.
     */
    void release()
    {
        final int left = (int)REFS.getAndAdd(this, -1) - 1;
        if (0 == left)
        {
            pool.recycle(this);
        }
        else if (left < 0)
        {
            throw new IllegalStateException("message released more often than held: " + this);
        }
    }

    /**
     * Makes the message ready for reuse (called by the pool only, at the last release): drops every reference it
     * holds, so that a pooled message keeps nothing alive, and resets what a later use may not set. What every
     * {@link #init} sets (kind, type, mode, lcores, clock) is left for it: written only when it changes, those fields
     * stay on lines the receivers share.
     *
     * @param selfId the calling thread's lcore id, -1 on other threads (where a multicast's queue goes back).
     */
    void clear(final int selfId)
    {
        final McQueue q = mcq;
        if (null != q)
        {
            q.recycle(selfId); // the last holder is gone: nobody reads the multicast's replies any more
            mcq = null;
        }
        payload = null;
        reply = null;
        if (null != waiter)
        {
            // a plain store: a volatile one fenced every recycle, and no reader needs it ordered (a finisher that
            // reads a stale waiter after its CAS unparks a thread once too often, see SyncWaiter)
            WAITER.set(this, null);
        }
        if (null != completion)
        {
            completion = null;
        }
        if (null != mcResult)
        {
            mcResult = null;
        }
        if (0 != result)
        {
            result = 0;
        }
        if (0 != deadlineNs)
        {
            deadlineNs = 0;
        }
        if (0 != timeoutNs)
        {
            timeoutNs = 0;
        }
        // the progress cell is left as it is: the next init's generation makes it stale
        FLAGS.setRelease(this, 0);
    }

    /**
     * A one-line dump, like DPVS's {@code msg_dump}.
     */
    @Override
    public String toString()
    {
        return "msg{type=" + type + ", seq=" + seq + ", mode=" + mode + ", kind=" + kindName(kind) + ", cid=" + cid
            + ", dest=" + dest + ", flags=" + MsgFlags.describe(publicFlags()) + ", refs=" + lvRefs() + ", payload="
            + payload + ", reply=" + reply + "}";
    }

    static String kindName(final int kind)
    {
        switch (kind)
        {
            case KIND_USER:
                return "user";
            case KIND_MC_COPY:
                return "mc-copy";
            case KIND_MC_START:
                return "mc-start";
            case KIND_REG:
                return "reg";
            case KIND_UNREG:
                return "unreg";
            default:
                return Integer.toString(kind);
        }
    }

    /** Bytes before the progress word, so that no other object's field shares its cache line (JCTools' padding). */
    abstract static class ProgressPadBefore
    {
        long p00, p01, p02, p03, p04, p05, p06, p07;
        long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
    }

    /** The progress word itself. */
    abstract static class ProgressValue extends ProgressPadBefore
    {
        private static final VarHandle VALUE;

        static
        {
            try
            {
                VALUE = MethodHandles.lookup().findVarHandle(ProgressValue.class, "value", int.class);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new ExceptionInInitializerError(ex);
            }
        }

        @SuppressWarnings("unused")
        private volatile int value;

        final int getVolatile()
        {
            return (int)VALUE.getVolatile(this);
        }

        final void setVolatile(final int v)
        {
            VALUE.setVolatile(this, v);
        }

        final void setRelease(final int v)
        {
            VALUE.setRelease(this, v);
        }
    }

    /** Bytes after it. */
    static final class ProgressCell extends ProgressValue
    {
        long p10, p11, p12, p13, p14, p15, p16, p17;
        long p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
    }
}

/**
 * The fields of a message that a sender of one type to one lcore sets once and then leaves alone
 * ({@link MsgImpl#init} writes them only when they change, {@link MsgImpl#clear} only when set), laid out before
 * the per-use fields of {@link MsgImpl}: so a round trip moves the per-use fields' line between the CPUs and not
 * these (the receiver reads them from a line both CPUs keep).
 */
abstract class MsgImplCold
{
    final MsgPool pool;
    int kind;
    int type;
    MsgMode mode;
    /** Sender lcore, -1 for other threads. */
    int cid = -1;
    int dest = -1;
    /** The sender's clock at the send, or {@link MsgImpl#NO_CLOCK} when the send was not timed. */
    long sentNs;
    /** A multicast original's deadline, or {@link MsgImpl#NO_CLOCK}: then the master arms it ({@link #timeoutNs}). */
    long deadlineNs;
    /** A multicast original's timeout, for the master to arm a deadline the sender did not read the clock for. */
    long timeoutNs;
    /** A thread parked waiting for this message, to unpark at the terminal transition. */
    volatile Thread waiter;
    /** Multicast original: the queue collecting replies (owned by the master until terminal). */
    McQueue mcq;
    MulticastCompletion completion;
    MulticastResult mcResult;
    /** Result code decided by whoever terminated the message. */
    int result;
    /**
     * 2 for a waited message, 1 for an ASYNC one, counted down only when a sender gives up: so set at each use but
     * changed only when the kind of use changes.
     */
    @SuppressWarnings("unused")
    volatile int refs;
    /** STATE_RECV once the receiver took it: written by the receiver only; a cache line of its own. */
    final MsgImpl.ProgressCell progress = new MsgImpl.ProgressCell();

    MsgImplCold(final MsgPool pool)
    {
        this.pool = pool;
    }
}
