package platform.msgmgr.api;

import org.osgi.annotation.versioning.ProviderType;

import platform.lcore.api.Edpvs;

/**
 * Result of a synchronous multicast, filled by {@link MsgManager#multicastSync}: the code and every reply received.
 * Reusable: its arrays hold up to 64 replies.
 */
@ProviderType
public final class MulticastResult
{
    /**
     * {@link #latencyNs()} of a multicast that was not timed.
     *
     * @since 2.2
     */
    public static final long UNTIMED = -1;

    private int result;
    private int count;
    private final int[] lcores = new int[64];
    private final Object[] replies = new Object[64];
    private final boolean[] failed = new boolean[64];
    private long askedMask;
    private long missingMask;
    private long latencyNs;

    /**
     * Copies a completed multicast (for the implementation).
     *
     * @param result    EDPVS code.
     * @param from      the replies.
     * @param latencyNs time from send to completion, or {@link #UNTIMED}.
     */
    public void set(final int result, final MulticastReplies from, final long latencyNs)
    {
        this.result = result;
        final int n = null == from ? 0 : from.count();
        for (int i = 0; i < n; i++)
        {
            lcores[i] = from.lcore(i);
            replies[i] = from.reply(i);
            failed[i] = from.failed(i);
        }
        for (int i = n; i < count; i++)
        {
            replies[i] = null;
        }
        this.count = n;
        this.askedMask = null == from ? 0 : from.askedMask();
        this.missingMask = null == from ? 0 : from.missingMask();
        this.latencyNs = latencyNs;
    }

    /**
     * @return OK, MSG_FAIL, MSG_DROP, or the send's error (NOTEXIST, NOROOM, INVAL...).
     */
    public int result()
    {
        return result;
    }

    public int count()
    {
        return count;
    }

    public int lcore(final int i)
    {
        return lcores[i];
    }

    public Object reply(final int i)
    {
        return replies[i];
    }

    public boolean failed(final int i)
    {
        return failed[i];
    }

    public long askedMask()
    {
        return askedMask;
    }

    public long missingMask()
    {
        return missingMask;
    }

    /**
     * A multicast is timed 1 in the message manager's {@code latency_sample} multicasts of its type from its
     * sender, and every one when that is 1 (see {@link MsgReply#latencyNs()}).
     *
     * @return time from the send to the completion, nanoseconds, when this multicast was timed; else
     * {@link #UNTIMED}.
     */
    public long latencyNs()
    {
        return latencyNs;
    }

    /**
     * @return true when {@link #latencyNs()} is measured.
     * @since 2.2
     */
    public boolean timed()
    {
        return UNTIMED != latencyNs;
    }

    @Override
    public String toString()
    {
        return Edpvs.name(result) + ", " + count + " replies, missing mask 0x" + Long.toHexString(missingMask)
            + (timed() ? " in " + latencyNs / 1000 + " us" : "");
    }
}
