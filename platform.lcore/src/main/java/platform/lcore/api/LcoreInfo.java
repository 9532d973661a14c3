package platform.lcore.api;

/**
 * A snapshot of one lcore and its loop statistics.
 *
 * @param id            lcore id, 0..63.
 * @param role          its role.
 * @param cpu           the configured CPU, or -1 when configured unpinned.
 * @param pinned        true when the thread is bound to {@code cpu}.
 * @param state         life cycle state.
 * @param idleStrategy  the idle strategy, as configured.
 * @param loops         iterations since start or the last reset.
 * @param loopsPerSec   iterations per second over the last sampling window (about one second).
 * @param idlePercent   share of the last window spent idle (in iterations where no job did work, or backing off).
 * @param longestLoopNs the longest iteration since start or the last reset, in nanoseconds.
 * @param bigLoops      iterations whose time on the CPU exceeded the role's big-loop threshold (the jobs' doing).
 * @param bigLoopNs     the role's big-loop threshold in nanoseconds.
 * @param offCpuLoops   iterations over the threshold only because the thread was off the CPU meanwhile: preempted
 *                      by the host or the kernel, paused at a safepoint, or blocked.
 */
@org.osgi.annotation.versioning.ProviderType
public record LcoreInfo(int id, LcoreRole role, int cpu, boolean pinned, LcoreState state, String idleStrategy,
    long loops, long loopsPerSec, double idlePercent, long longestLoopNs, long bigLoops, long bigLoopNs,
    long offCpuLoops)
{
    /**
     * The 1.0 form, without the off-CPU count.
     */
    public LcoreInfo(final int id, final LcoreRole role, final int cpu, final boolean pinned, final LcoreState state,
        final String idleStrategy, final long loops, final long loopsPerSec, final double idlePercent,
        final long longestLoopNs, final long bigLoops, final long bigLoopNs)
    {
        this(id, role, cpu, pinned, state, idleStrategy, loops, loopsPerSec, idlePercent, longestLoopNs, bigLoops,
            bigLoopNs, 0);
    }
}
