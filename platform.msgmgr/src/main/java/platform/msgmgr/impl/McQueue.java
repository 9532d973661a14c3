package platform.msgmgr.impl;

import platform.msgmgr.api.MulticastReplies;

/**
 * A multicast in progress on the master ({@code struct dpvs_multicast_queue}): its (type, seq), the mask of
 * workers still to answer and the replies so far. Pooled: the {@link MulticastCoordinator} takes one per multicast
 * and it returns to its pool when its original message does (see package-info: the master for an asynchronous
 * multicast, the synchronous sender after it copied the replies), so a synchronous sender may read it until it
 * recycles the original. Touched only by the master lcore until the original ends;
 * then read by the synchronous sender, if any.
 */
final class McQueue implements MulticastReplies
{
    /** Where this queue returns when its original is recycled (any thread). */
    private final MulticastCoordinator.QueuePool home;
    MsgImpl original;
    TypeEntry entry;
    int type;
    int seq;
    long askedMask;
    long mask;
    /** Workers whose ring was full: they never got the message. */
    long unsentMask;
    /** Workers without the type (registration or close in progress): nothing to call there. */
    long absentMask;
    /** When the master times it out; MsgImpl.NO_CLOCK until the master arms it (its sender read no clock). */
    long deadlineNs;
    /** Its index among the coordinator's unarmed multicasts, -1 when armed. Master only. */
    int unarmedAt = -1;
    int count;
    /** One slot per worker, allocated once. */
    final int[] lcores;
    final Object[] replies;
    final boolean[] failed;
    boolean anyFailed;

    McQueue(final MulticastCoordinator.QueuePool home, final int workers)
    {
        this.home = home;
        this.lcores = new int[workers];
        this.replies = new Object[workers];
        this.failed = new boolean[workers];
    }

    /** Takes this queue for a multicast (on the master). */
    McQueue reset(final MsgImpl original, final TypeEntry entry, final long askedMask, final long deadlineNs)
    {
        this.original = original;
        this.entry = entry;
        this.type = original.type;
        this.seq = original.seq;
        this.askedMask = askedMask;
        this.mask = askedMask;
        this.unsentMask = 0;
        this.absentMask = 0;
        this.deadlineNs = deadlineNs;
        this.count = 0;
        this.anyFailed = false;
        return this;
    }

    /**
     * Returns this queue to its pool: called when its original is recycled (any thread), so no
     * sender can read it any more. The pool's offer publishes the cleared state to the master's next poll (or, on
     * the master itself, the queue goes onto the master's own stack).
     */
    void recycle()
    {
        for (int i = 0; i < count; i++)
        {
            replies[i] = null; // let the replies be collected
        }
        original = null;
        entry = null;
        home.offer(this);
    }

    void add(final int lcore, final Object reply, final boolean callbackFailed)
    {
        lcores[count] = lcore;
        replies[count] = reply;
        failed[count] = callbackFailed;
        anyFailed |= callbackFailed;
        count++;
    }

    /**
     * @return the outcome once every worker that got the message answered: NOROOM when some ring was full,
     * MSG_DROP when some worker lacked the type, else OK (the callbacks then decide).
     */
    int outcome()
    {
        return 0 != unsentMask ? platform.lcore.api.Edpvs.NOROOM
            : 0 != absentMask ? platform.lcore.api.Edpvs.MSG_DROP : platform.lcore.api.Edpvs.OK;
    }

    @Override
    public int type()
    {
        return type;
    }

    @Override
    public int seq()
    {
        return seq;
    }

    @Override
    public Object payload()
    {
        return original.payload;
    }

    @Override
    public int count()
    {
        return count;
    }

    @Override
    public int lcore(final int i)
    {
        return lcores[i];
    }

    @Override
    public Object reply(final int i)
    {
        return replies[i];
    }

    @Override
    public boolean failed(final int i)
    {
        return failed[i];
    }

    @Override
    public long askedMask()
    {
        return askedMask;
    }

    @Override
    public long missingMask()
    {
        return mask | unsentMask | absentMask;
    }
}
