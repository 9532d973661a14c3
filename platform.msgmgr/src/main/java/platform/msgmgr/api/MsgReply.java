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
     * @return time from the send to the result, nanoseconds.
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
     * @param latencyNs round trip.
     */
    public void set(final int result, final int flags, final Object reply, final long latencyNs)
    {
        this.result = result;
        this.flags = flags;
        this.reply = reply;
        this.latencyNs = latencyNs;
    }

    @Override
    public String toString()
    {
        return Edpvs.name(result) + " flags=" + MsgFlags.describe(flags) + " reply=" + reply + " in "
            + latencyNs / 1000 + " us";
    }
}
