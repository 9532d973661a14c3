package platform.msgmgr.api;

import platform.lcore.api.Edpvs;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The callback of a message type on one lcore ({@code unicast_msg_cb}). Called on that lcore's thread only, so it
 * may touch the lcore's own tables without locks. Must not block.
 */
@ConsumerType
@FunctionalInterface
public interface UnicastHandler
{
    /**
     * @param msg the message; valid during the call only.
     * @return {@link Edpvs#OK}, or an error code: the message is then flagged CALLBACK_FAIL. Throwing counts as
     * a failure too.
     */
    int onMsg(Msg msg);
}
