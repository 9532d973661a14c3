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
    /** The multicast's original message; null for the master's own synchronous multicast ({@link #own()}). */
    MsgImpl original;
    TypeEntry entry;
    Object payload;
    /** Its timeout, from which the master arms a deadline the sender did not read the clock for. */
    long timeoutNs;
    /**
     * The master's own synchronous multicast ({@link #own()}): the master, which waits for it in its own drain,
     * reads {@link #result} once {@link #done} (master only, so plain fields).
     */
    boolean done;
    int result;
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
    /**
     * Workers whose copy's per-use fields straddle two cache lines ({@link CacheLines}): their reply goes back to the
     * shared queue, not to the master's stack, so the master's next copies move one line each way. Master only.
     */
    long offStackMask;
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

    /** @return true for the master's own synchronous multicast: the one kind without an original message. */
    boolean own()
    {
        return null == original;
    }

    /** Takes this queue for a multicast with an original message (on the master). */
    McQueue reset(final MsgImpl original, final TypeEntry entry, final long askedMask, final long deadlineNs)
    {
        this.original = original;
        return reset(entry, original.type, original.seq, original.payload, askedMask, deadlineNs,
            original.timeoutNs);
    }

    /**
     * Takes this queue for the master's own synchronous multicast: no original message, the master waits on
     * {@link #done} in its own drain (see {@link MulticastCoordinator#startOwn}).
     */
    McQueue resetOwn(final TypeEntry entry, final int type, final int seq, final Object payload,
        final long askedMask, final long deadlineNs, final long timeoutNs)
    {
        this.original = null;
        this.done = false;
        this.result = 0;
        return reset(entry, type, seq, payload, askedMask, deadlineNs, timeoutNs);
    }

    private McQueue reset(final TypeEntry entry, final int type, final int seq, final Object payload,
        final long askedMask, final long deadlineNs, final long timeoutNs)
    {
        this.entry = entry;
        this.type = type;
        this.seq = seq;
        this.payload = payload;
        this.timeoutNs = timeoutNs;
        this.askedMask = askedMask;
        this.mask = askedMask;
        this.unsentMask = 0;
        this.absentMask = 0;
        this.offStackMask = 0;
        this.deadlineNs = deadlineNs;
        this.count = 0;
        this.anyFailed = false;
        return this;
    }

    /**
     * Returns this queue to its pool: called when its original is recycled (any thread), so no
     * sender can read it any more. The pool's offer publishes the cleared state to the master's next poll (or, on
     * the master itself, the queue goes onto the master's own stack).
     *
     * @param selfId the calling thread's lcore id, -1 on other threads.
     */
    void recycle(final int selfId)
    {
        for (int i = 0; i < count; i++)
        {
            replies[i] = null; // let the replies be collected
        }
        original = null;
        entry = null;
        payload = null;
        home.offer(this, selfId);
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
        return payload;
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
