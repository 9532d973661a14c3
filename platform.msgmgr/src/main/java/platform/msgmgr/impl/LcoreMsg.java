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
    static final class MsgView extends MsgViewField implements Msg
    {
        // bytes after the field (see MsgViewPad)
        byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
        byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
        byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
        byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;

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

    /**
     * Bytes before the view's field. The lcore writes the field twice per message it handles, and the view was
     * allocated right before this lcore's array of rings, which every sender reads on every send: on one line, each
     * message made a sender's next send miss on it, and the lcore's next write wait for the line to come back.
     * Byte fields, as JCTools pads, so that no field of a subclass can be placed in a gap among them.
     */
    abstract static class MsgViewPad
    {
        byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
        byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
        byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
        byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    }

    /** The message being handled, null between callbacks. */
    abstract static class MsgViewField extends MsgViewPad
    {
        MsgImpl msg;
    }
}
