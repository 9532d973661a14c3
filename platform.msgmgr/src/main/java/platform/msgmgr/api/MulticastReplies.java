package platform.msgmgr.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The replies of one multicast ({@code struct dpvs_multicast_queue}): one per worker that answered, in lcore order.
 * Valid during the callback that receives it.
 */
@ProviderType
public interface MulticastReplies
{
    /**
     * @return the type id.
     */
    int type();

    /**
     * @return the multicast's sequence number.
     */
    int seq();

    /**
     * @return what the sender attached.
     */
    Object payload();

    /**
     * @return how many workers answered.
     */
    int count();

    /**
     * @param i 0..count()-1.
     * @return the lcore of the i-th reply.
     */
    int lcore(int i);

    /**
     * @param i 0..count()-1.
     * @return the i-th reply object (null when the worker set none).
     */
    Object reply(int i);

    /**
     * @param i 0..count()-1.
     * @return true when that worker's callback failed.
     */
    boolean failed(int i);

    /**
     * @return mask of the workers that were asked (bit n = lcore n).
     */
    long askedMask();

    /**
     * @return mask of the workers that have not answered (non-zero only on timeout).
     */
    long missingMask();
}
