package platform.lcore.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The lcore job scheduler (DPVS's {@code src/scheduler.c}), open to registration at any time.
 * <p>
 * As an OSGi service it is bundle-scoped: jobs are recorded with the registering bundle as owner, and a
 * bundle's jobs that are still registered when the bundle releases the service (it stopped) are closed for it.
 */
@ProviderType
public interface LcoreScheduler
{
    /** Lcore ids run from 0 to {@code MAX_LCORES - 1}: masks of lcores are 64-bit, as in DPVS. */
    int MAX_LCORES = 64;

    /**
     * Registers a job. A LOOP or SLOW job starts within one iteration of each running lcore of its role; an INIT
     * job registered while lcores run runs once on every running lcore of its role, at its next iteration.
     *
     * @param spec the job.
     * @return the handle whose {@code close()} unregisters it.
     * @throws IllegalArgumentException when {@code spec} is null.
     * @throws IllegalStateException    when a job of the same name is already registered for the role, naming
     *                                  its owner.
     */
    JobHandle register(JobSpec spec);

    /**
     * @return every configured lcore, by id.
     */
    List<LcoreInfo> lcores();

    /**
     * @param lcoreId an lcore id, or -1 for all lcores.
     * @return the per-lcore statistics of every registered job on that lcore (or on all), by lcore then order of
     * registration; with -1, jobs of roles that no lcore has are listed once with lcore id -1.
     */
    List<JobInfo> jobs(int lcoreId);

    /**
     * @return the id of the lcore the calling thread is, or -1 when it is not an lcore thread.
     */
    int currentLcoreId();

    /**
     * @return the master lcore's id.
     */
    int masterLcoreId();

    /**
     * @param role a role.
     * @return ids of the configured lcores of that role, ascending.
     */
    int[] lcoreIds(LcoreRole role);

    /**
     * Wakes an lcore that its idle strategy parked, so that work handed to it (a message in its ring) is picked up
     * now rather than when the park period ends. Costs one volatile load when the lcore is not parked; call it
     * after publishing the work.
     *
     * @param lcoreId the lcore; ignored when no such lcore runs.
     */
    void wake(int lcoreId);

    /**
     * Waits for a grace period on the lcores of a role, as RCU's {@code synchronize_rcu}: every running lcore of
     * that role that was inside a loop iteration when the call began has left it. A feature that publishes a new
     * copy of something its jobs read (a hook chain, a port table) calls this before it lets go of the old copy,
     * so that no job still holds it once the call returns. Does not wait for the calling lcore itself (it is not
     * inside another job's call), nor for an lcore that is waiting here itself from inside one of its jobs.
     *
     * @param role the role whose lcores run the readers.
     * @since 1.2
     */
    void synchronize(LcoreRole role);

    /**
     * Zeroes the loop and job statistics (not the registrations).
     */
    void resetStats();

    /**
     * Takes a job out of quarantine, clearing its consecutive-failure count.
     *
     * @param role the job's role.
     * @param name the job's name.
     * @return false when no such job is registered.
     */
    boolean resume(LcoreRole role, String name);
}
