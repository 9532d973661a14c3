package platform.lcore.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A registered job. Closing it unregisters the job.
 */
@ProviderType
public interface JobHandle extends AutoCloseable
{
    /**
     * @return the spec this handle was registered with.
     */
    JobSpec spec();

    /**
     * @return true until {@link #close()} was called; a quarantined job is still registered.
     */
    boolean isRegistered();

    /**
     * @return true when the job failed too many times in a row and the lcores stopped calling it.
     */
    boolean isQuarantined();

    /**
     * Unregisters the job and waits for a grace period: every lcore of the job's role has finished the loop
     * iteration it was in, so when this method returns the job is not running anywhere and never runs again.
     * Idempotent. Called from inside a job on an lcore, it does not wait for that lcore (which cannot be inside
     * another iteration) and does not deadlock.
     */
    @Override
    void close();
}
