package platform.lcore.api;

/**
 * When a job runs, with DPVS's meanings ({@code dpvs_lcore_job_type}).
 */
public enum JobType
{
    /** Once on each lcore of its role: when the lcore starts, or at the next iteration if registered later. */
    INIT,
    /** Every loop iteration. */
    LOOP,
    /** Every {@code skipLoops} iterations (when the lcore's loop count is a multiple of it). */
    SLOW
}
