package platform.mp.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Completion of an asynchronous request; runs exactly once on the dispatch thread.
 */
@ConsumerType
@FunctionalInterface
public interface MpCallback
{
    /**
     * @param reply what arrived.
     */
    void onReply(MpReply reply);
}
