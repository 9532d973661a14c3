package platform.msgmgr.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.jctools.queues.MpscArrayQueue;

import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.Msg;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.api.MsgMode;

/**
 * The message state of one lcore: its rings (one MPSC ring per priority, as DPVS's MP-enqueue/SC-dequeue
 * {@code msg_ring_%d}), its type table (an array indexed by type id, written only by this lcore, read by senders
 * for a fast NOTEXIST) and the callbacks' view. The master's multicasts in progress are the
 * {@link MulticastCoordinator}'s.
 */
final class LcoreMsg
{
    static final int RINGS = 3;

    private static final VarHandle TABLE = MethodHandles.arrayElementVarHandle(TypeEntry[].class);

    final int id;
    final boolean master;
    final MpscArrayQueue<MsgImpl>[] rings;
    final int ringCapacity;
    /** Ring fill above which a warning is logged once per ring. */
    final int warnFill;
    final boolean[] warned = new boolean[RINGS];
    private final TypeEntry[] table = new TypeEntry[MsgIds.MAX_TYPE_ID + 1];

    /** Where the sequence counter sits in {@link #seqCell}: 64 bytes of unused ints on each side. */
    private static final int SEQ_AT = 16;
    /**
     * This lcore's own sequence counter, written per send by this lcore only, in the middle of an array of its own
     * (LcoreCounter's padding): senders to this lcore read the fields above on every send (a worker's multicast
     * reply reads the master's rings while the master counts its multicasts), and a counter among them made that
     * line travel between the CPUs each time.
     */
    private final int[] seqCell = new int[2 * SEQ_AT + 1];

    /** The callback's view of the message being handled, cleared after each call (no use after return). */
    final MsgView view = new MsgView();

    /** Woken after an enqueue, when its idle strategy parked it. */
    private final LcoreScheduler scheduler;

    @SuppressWarnings("unchecked")
    LcoreMsg(final int id, final boolean master, final int ringSize, final LcoreScheduler scheduler)
    {
        this.id = id;
        this.scheduler = scheduler;
        this.master = master;
        this.rings = new MpscArrayQueue[RINGS];
        for (int i = 0; i < RINGS; i++)
        {
            rings[i] = new MpscArrayQueue<>(ringSize);
        }
        this.ringCapacity = rings[0].capacity();
        this.warnFill = ringCapacity / 10 * 8;
    }

    /**
     * Enqueues on one of this lcore's rings (any thread) and wakes the lcore if its idle strategy parked it.
     *
     * @return false when the ring is full.
     */
    boolean offer(final int ring, final MsgImpl m)
    {
        if (!rings[ring].offer(m))
        {
            return false;
        }
        scheduler.wake(id);
        return true;
    }

    /** @return this lcore's next sequence number, positive (on this lcore only). */
    int nextSeq()
    {
        return ++seqCell[SEQ_AT] & 0x7fffffff;
    }

    /**
     * @return the entry of {@code type}; an acquire load, so any thread may look (only this lcore writes).
     */
    TypeEntry lookup(final int type)
    {
        return (TypeEntry)TABLE.getAcquire(table, type);
    }

    /** Enters or clears a slot; this lcore only (or before the lcores process messages). */
    void store(final int type, final TypeEntry entry)
    {
        TABLE.setRelease(table, type, entry);
    }

    int fill(final int ring)
    {
        return rings[ring].size();
    }

    /**
     * What a callback gets: a view that refuses to be used once the callback returned, so a callback that keeps
     * the reference cannot read a message the pool has already handed to someone else.
     */
    static final class MsgView implements Msg
    {
        MsgImpl msg;

        private MsgImpl m()
        {
            final MsgImpl m = msg;
            if (null == m)
            {
                throw new IllegalStateException("message used after its callback returned");
            }
            return m;
        }

        @Override
        public int type()
        {
            return m().type;
        }

        @Override
        public int seq()
        {
            return m().seq;
        }

        @Override
        public MsgMode mode()
        {
            return m().mode;
        }

        @Override
        public int sourceLcore()
        {
            return m().cid;
        }

        @Override
        public int flags()
        {
            return m().publicFlags();
        }

        @Override
        public Object payload()
        {
            return m().payload;
        }

        @Override
        public void reply(final Object reply)
        {
            m().reply = reply;
        }

        @Override
        public String toString()
        {
            final MsgImpl m = msg;
            return null == m ? "msg{released}" : m.toString();
        }
    }
}
