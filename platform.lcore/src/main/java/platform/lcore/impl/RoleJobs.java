package platform.lcore.impl;

/**
 * The published job set of one role: the single volatile reference each lcore of the role reads per iteration.
 * Written only under the scheduler's registry lock.
 */
final class RoleJobs
{
    volatile JobSet set = JobSet.EMPTY;
}
