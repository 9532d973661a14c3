package platform.msgmgr.api;

import platform.lcore.api.Edpvs;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Completion of an asynchronous multicast: called exactly once, on the master lcore, when every worker answered,
 * when the multicast timed out (with the replies received and the workers missing, like DPDK's nb_sent /
 * nb_received), or when it was dropped.
 */
@ConsumerType
@FunctionalInterface
public interface MulticastCompletion
{
    /**
     * @param result  {@link Edpvs#OK}, {@link Edpvs#MSG_FAIL} (a worker's or the master's callback failed),
     *                {@link Edpvs#MSG_DROP} (timed out, or the type was unregistered or not yet registered on some
     *                worker) or {@link Edpvs#NOROOM} (some worker's ring was full: it never got the message; see
     *                {@link MulticastReplies#missingMask()}).
     * @param replies the replies received; valid during the call only.
     */
    void onComplete(int result, MulticastReplies replies);
}
