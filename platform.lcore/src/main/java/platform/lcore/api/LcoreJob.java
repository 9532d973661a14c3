package platform.lcore.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The work of a job, called on an lcore's own thread.
 * <p>
 * Like Agrona's {@code Agent.doWork()} or a DPDK service callback that returns {@code -EAGAIN}: the return
 * value tells the lcore whether anything was done, so an lcore whose jobs all report 0 can back off with its
 * idle strategy. Implementations must not block; they run on a loop that other jobs share.
 */
@ConsumerType
@FunctionalInterface
public interface LcoreJob
{
    /**
     * Does one bounded slice of work.
     *
     * @param lcoreId the id (0..63) of the lcore calling, so per-lcore state can be an array index.
     * @return 0 when there was no work to do, a positive count otherwise.
     */
    int doWork(int lcoreId);
}
