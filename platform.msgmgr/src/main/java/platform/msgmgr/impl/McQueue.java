package platform.msgmgr.impl;

import platform.msgmgr.api.MulticastReplies;

/**
 * A multicast in progress on the master ({@code struct dpvs_multicast_queue}): keyed by (type, seq), the mask of
 * workers still to answer and the replies so far. Touched only by the master lcore until the original message
 * ends; then read by the synchronous sender, if any.
 */
final class McQueue implements MulticastReplies
{
    final MsgImpl original;
    final TypeEntry entry;
    final long askedMask;
    long mask;
    /** Workers whose ring was full: they never got the message. */
    long unsentMask;
    /** Workers without the type (registration or close in progress): nothing to call there. */
    long absentMask;
    final long deadlineNs;
    int count;
    final int[] lcores;
    final Object[] replies;
    final boolean[] failed;
    boolean anyFailed;

    McQueue(final MsgImpl original, final TypeEntry entry, final long askedMask, final long deadlineNs)
    {
        this.original = original;
        this.entry = entry;
        this.askedMask = askedMask;
        this.mask = askedMask;
        this.deadlineNs = deadlineNs;
        final int n = Long.bitCount(askedMask);
        this.lcores = new int[n];
        this.replies = new Object[n];
        this.failed = new boolean[n];
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

    static long key(final int type, final int seq)
    {
        return ((long)type << 32) | (seq & 0xffffffffL);
    }

    @Override
    public int type()
    {
        return original.type;
    }

    @Override
    public int seq()
    {
        return original.seq;
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
