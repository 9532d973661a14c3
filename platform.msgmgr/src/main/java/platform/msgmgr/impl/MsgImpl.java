package platform.msgmgr.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import platform.msgmgr.api.MsgFlags;
import platform.msgmgr.api.MsgMode;
import platform.msgmgr.api.MulticastCompletion;
import platform.msgmgr.api.MulticastResult;

/**
 * A pooled message ({@code struct dpvs_msg}). Flags only gain bits, by atomic OR or by the terminal CAS
 * ({@link #tryTerminate}); FIN and DROP are terminal and exclusive, which decides races between a receiver
 * finishing and a sender timing out. A reference count decides who returns the message to the pool: the last
 * holder, never earlier.
 */
final class MsgImpl
{
    /** A message for a type's callback (unicast, or a worker's copy of a multicast). */
    static final int KIND_USER = 0;
    /** A worker's answer to a multicast, for the master. */
    static final int KIND_MC_REPLY = 1;
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

    private static final VarHandle FLAGS;
    private static final VarHandle REFS;

    static
    {
        try
        {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            FLAGS = l.findVarHandle(MsgImpl.class, "flags", int.class);
            REFS = l.findVarHandle(MsgImpl.class, "refs", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final MsgPool pool;

    int kind;
    int type;
    int seq;
    MsgMode mode;
    /** Sender lcore, -1 for other threads. */
    int cid;
    int dest;
    Object payload;
    Object reply;
    long sentNs;
    long deadlineNs;
    /** A thread parked waiting for this message, to unpark at the terminal transition. */
    volatile Thread waiter;
    /** Multicast original: the queue collecting replies (owned by the master until terminal). */
    McQueue mcq;
    MulticastCompletion completion;
    MulticastResult mcResult;
    /** Result code decided by whoever terminated the message. */
    int result;

    @SuppressWarnings("unused")
    private volatile int flags;
    @SuppressWarnings("unused")
    private volatile int refs;

    MsgImpl(final MsgPool pool)
    {
        this.pool = pool;
    }

    /**
     * The one set-up of a message taken from the pool: every field a sender or the manager fills, then the
     * reference count, then the flags (a volatile store, last, as before: the ring's offer publishes the rest).
     *
     * @param refs  the holders that will each {@link #release()} it: see the table in {@code package-info.java}.
     * @param flags the initial flags (STATE_SEND, with ASYNC when nobody waits).
     * @return this.
     */
    MsgImpl init(final int kind, final int type, final int seq, final MsgMode mode, final int cid, final int dest,
        final Object payload, final long sentNs, final int refs, final int flags)
    {
        this.kind = kind;
        this.type = type;
        this.seq = seq;
        this.mode = mode;
        this.cid = cid;
        this.dest = dest;
        this.payload = payload;
        this.sentNs = sentNs;
        REFS.setRelease(this, refs);
        FLAGS.setVolatile(this, flags);
        return this;
    }

    int lvFlags()
    {
        return (int)FLAGS.getVolatile(this);
    }

    void svFlags(final int value)
    {
        FLAGS.setVolatile(this, value);
    }

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
     * Drops one reference; the last returns the message to its pool.
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

    /** Clears every field before reuse (called by the pool only, at the last release). */
    void clear()
    {
        final McQueue q = mcq;
        if (null != q)
        {
            q.recycle(); // the last holder is gone: nobody reads the multicast's replies any more
        }
        kind = KIND_USER;
        type = 0;
        seq = 0;
        mode = null;
        cid = -1;
        dest = -1;
        payload = null;
        reply = null;
        sentNs = 0;
        deadlineNs = 0;
        waiter = null;
        mcq = null;
        completion = null;
        mcResult = null;
        result = 0;
        FLAGS.setRelease(this, 0);
    }

    /**
     * A one-line dump, like DPVS's {@code msg_dump}.
     */
    @Override
    public String toString()
    {
        return "msg{type=" + type + ", seq=" + seq + ", mode=" + mode + ", kind=" + kindName(kind) + ", cid=" + cid
            + ", dest=" + dest + ", flags=" + MsgFlags.describe(lvFlags() & PUBLIC_FLAGS) + ", refs=" + lvRefs() + ", payload="
            + payload + ", reply=" + reply + "}";
    }

    static String kindName(final int kind)
    {
        switch (kind)
        {
            case KIND_USER:
                return "user";
            case KIND_MC_REPLY:
                return "mc-reply";
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
}
