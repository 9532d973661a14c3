package platform.msgmgr.api;

import platform.lcore.api.Edpvs;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The master's callback of a multicast type ({@code multicast_msg_cb}): called on the master lcore when every
 * worker answered, with all replies.
 */
@ConsumerType
@FunctionalInterface
public interface MulticastHandler
{
    /**
     * @param replies the replies; valid during the call only.
     * @return {@link Edpvs#OK} or an error code (the multicast then fails with MSG_FAIL).
     */
    int onReplies(MulticastReplies replies);
}
