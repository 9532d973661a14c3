package platform.msgmgr.api;

import org.osgi.annotation.versioning.ProviderType;

import platform.lcore.api.Edpvs;

/**
 * Result of a synchronous unicast, filled by {@link MsgManager#sendSync}. Reusable, so a caller that sends in a
 * loop allocates nothing for results.
 */
@ProviderType
public final class MsgReply
{
    /**
     * {@link #latencyNs()} of a send that was not timed.
     *
     * @since 2.2
     */
    public static final long UNTIMED = -1;

    int result;
    int flags;
    Object reply;
    long latencyNs;

    /**
     * @return the EDPVS code the send returned.
     */
    public int result()
    {
        return result;
    }

    /**
     * @return the message's final flags.
     */
    public int flags()
    {
        return flags;
    }

    /**
     * @return the callback's reply, or null.
     */
    public Object reply()
    {
        return reply;
    }

    /**
     * A send is timed (reads the clock at its start and end) 1 in the message manager's {@code latency_sample}
     * sends of its type from its sender, and every one when that is 1: a clock read costs a tenth of a round trip.
     *
     * @return time from the send to the result, nanoseconds, when this send was timed; else {@link #UNTIMED}.
     */
    public long latencyNs()
    {
        return latencyNs;
    }

    /**
     * Sets the fields (for the implementation).
     *
     * @param result    EDPVS code.
     * @param flags     final flags.
     * @param reply     reply object.
     * @param latencyNs round trip, or {@link #UNTIMED}.
     */
    public void set(final int result, final int flags, final Object reply, final long latencyNs)
    {
        this.result = result;
        this.flags = flags;
        this.reply = reply;
        this.latencyNs = latencyNs;
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
        return Edpvs.name(result) + " flags=" + MsgFlags.describe(flags) + " reply=" + reply
            + (timed() ? " in " + latencyNs / 1000 + " us" : "");
    }
}
