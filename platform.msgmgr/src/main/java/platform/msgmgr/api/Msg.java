package platform.msgmgr.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A message as its callback sees it ({@code struct dpvs_msg}). Valid only during the callback: messages are
 * pooled and reused once every holder released them, so a callback must not keep the reference.
 */
@ProviderType
public interface Msg
{
    /**
     * @return the type id.
     */
    int type();

    /**
     * @return the sender's sequence number: per sender, monotonic.
     */
    int seq();

    /**
     * @return UNICAST, or MULTICAST for the per-worker copies of a multicast.
     */
    MsgMode mode();

    /**
     * @return the lcore that sent it, or -1 when a thread that is not an lcore did (Gogo, a client thread).
     */
    int sourceLcore();

    /**
     * @return the flags at the time of the call.
     */
    int flags();

    /**
     * @return what the sender attached; shared, not copied: senders pass immutable or handed-over objects.
     */
    Object payload();

    /**
     * Sets the reply, given back to a synchronous sender or, for a multicast, to the master's multicast callback.
     *
     * @param reply the reply object.
     */
    void reply(Object reply);
}
