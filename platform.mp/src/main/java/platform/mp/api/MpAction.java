package platform.mp.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What runs for a named message ({@code rte_mp_t}). Runs on the channel's dispatch thread, one message at a time.
 */
@ConsumerType
@FunctionalInterface
public interface MpAction
{
    /**
     * @param msg the message, {@link MpMessage#kind()} MSG or REQ.
     * @return for a REQ the reply's parameters (null: an empty reply); ignored for a MSG.
     * @throws Exception when the message cannot be handled: it is logged and, as in DPDK, no reply is sent (the
     *                   requester counts the peer in nbSent without a reply).
     */
    byte[] handle(MpMessage msg) throws Exception;
}
