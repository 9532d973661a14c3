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
 * @param bigLoops      iterations that exceeded the role's big-loop threshold.
 * @param bigLoopNs     the role's big-loop threshold in nanoseconds.
 */
public record LcoreInfo(int id, LcoreRole role, int cpu, boolean pinned, LcoreState state, String idleStrategy,
    long loops, long loopsPerSec, double idlePercent, long longestLoopNs, long bigLoops, long bigLoopNs)
{
}
