package bench.util;

import java.util.concurrent.TimeUnit;

import platform.lcore.api.LcoreJob;

/**
 * A job that raises a volatile flag on its first call and otherwise reports no work (returns 0), like an idle
 * poller: the lcore running it backs off with its idle strategy. The benchmark thread spins on the flag.
 * <p>
 * Thread contract: {@link #reset()} only while the job is not registered (after {@code close()} returned, when no
 * lcore can call it); {@link #awaitFirstRun()} on one benchmark thread.
 */
public final class FirstRunJob implements LcoreJob
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int SPINS_BETWEEN_CLOCK_READS = 1024;

    private volatile boolean ran;

    @Override
    public int doWork(final int lcoreId)
    {
        if (!ran)
        {
            ran = true;
        }
        return 0;
    }

    /** Lowers the flag for the next registration. */
    public void reset()
    {
        ran = false;
    }

    /**
     * @return true once the job has been called since the last {@link #reset()}.
     */
    public boolean ran()
    {
        return ran;
    }

    /**
     * Spins ({@code Thread.onSpinWait()}) until the job has run; reads the clock only every 1024 spins, for the
     * timeout, so that the spin loop itself stays a single volatile load.
     *
     * @throws IllegalStateException when the job has not run within 10 s (the lcore is stuck or not running).
     */
    public void awaitFirstRun()
    {
        int spins = 0;
        long deadline = 0;
        while (!ran)
        {
            Thread.onSpinWait();
            if (++spins == SPINS_BETWEEN_CLOCK_READS)
            {
                spins = 0;
                final long now = System.nanoTime();
                if (0 == deadline)
                {
                    deadline = now + TIMEOUT_NS;
                }
                else if (now - deadline > 0)
                {
                    throw new IllegalStateException("job did not run within 10 s of its registration");
                }
            }
        }
    }
}
