package platform.msgmgr.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Message flags with DPVS's bits ({@code DPVS_MSG_F_*}). A message's flags only ever gain bits; FIN and DROP are
 * terminal and exclusive.
 */
@ProviderType
public final class MsgFlags
{
    /** Sent asynchronously: nobody waits for the result. */
    public static final int ASYNC = 1;
    /** Enqueued on the receiver's ring. */
    public static final int STATE_SEND = 2;
    /** A multicast reply queued on the master's multicast queue. */
    public static final int STATE_QUEUE = 4;
    /** Taken off the ring by the receiver. */
    public static final int STATE_RECV = 8;
    /** Done: the callback ran (and, for a multicast, every worker answered). */
    public static final int STATE_FIN = 16;
    /** Dropped: type not registered (or unregistered), ring full, timed out or late. */
    public static final int STATE_DROP = 32;
    /** The callback (or a worker's callback, for a multicast) failed. */
    public static final int CALLBACK_FAIL = 64;
    /** The sender stopped waiting. */
    public static final int TIMEOUT = 128;

    private MsgFlags()
    {
    }

    /**
     * @param flags a flag word.
     * @return the names of its bits, like {@code SEND|RECV|FIN}.
     */
    public static String describe(final int flags)
    {
        final StringBuilder sb = new StringBuilder();
        append(sb, flags, ASYNC, "ASYNC");
        append(sb, flags, STATE_SEND, "SEND");
        append(sb, flags, STATE_QUEUE, "QUEUE");
        append(sb, flags, STATE_RECV, "RECV");
        append(sb, flags, STATE_FIN, "FIN");
        append(sb, flags, STATE_DROP, "DROP");
        append(sb, flags, CALLBACK_FAIL, "CALLBACK_FAIL");
        append(sb, flags, TIMEOUT, "TIMEOUT");
        return sb.length() == 0 ? "0" : sb.toString();
    }

    private static void append(final StringBuilder sb, final int flags, final int bit, final String name)
    {
        if (0 != (flags & bit))
        {
            if (sb.length() > 0)
            {
                sb.append('|');
            }
            sb.append(name);
        }
    }
}
