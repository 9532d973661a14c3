package bench.util;

/**
 * Leaves the loop under test alone for a while between operations, so that a backoff idle strategy has reached
 * its park phase when the next operation starts (0: no gap, the loop is still spinning).
 */
public final class IdleGap
{
    private IdleGap()
    {
    }

    /**
     * Busy-waits (not sleeps), so that the benchmark thread's own CPU stays awake and only the loop thread's wake-up
     * is measured.
     *
     * @param gapUs microseconds to wait; 0 returns at once.
     * @return the nanoseconds actually waited.
     */
    public static long spinFor(final long gapUs)
    {
        if (gapUs <= 0)
        {
            return 0;
        }
        final long startNs = System.nanoTime();
        final long gapNs = gapUs * 1000;
        long now;
        while ((now = System.nanoTime()) - startNs < gapNs)
        {
            Thread.onSpinWait();
        }
        return now - startNs;
    }
}
