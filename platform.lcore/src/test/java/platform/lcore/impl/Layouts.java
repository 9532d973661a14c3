package platform.lcore.impl;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;

/**
 * Test layouts and helpers. Lcores run unpinned with the backoff idle strategy, so that tests need no more than the
 * machine's 2 CPUs and leave them to each other when idle.
 */
final class Layouts
{
    static final CpuPinner NO_PINNING = cpu -> CpuPinner.UNPINNED;

    private Layouts()
    {
    }

    static SchedulerConfig layout(final String text)
    {
        try
        {
            return SchedulerConfig.parse("test", new StringReader(text), 2);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Lcore 0 MASTER, lcores 1 and 2 FWD_WORKER, unpinned, backoff. */
    static SchedulerConfig masterAndTwoWorkers(final String extra)
    {
        return layout("lcore 0 role MASTER cpu none\nlcore 1 role FWD_WORKER cpu none\n"
            + "lcore 2 role FWD_WORKER cpu none\n" + extra);
    }

    static Scheduler started(final SchedulerConfig config)
    {
        final Scheduler s = new Scheduler(config, NO_PINNING);
        s.start();
        return s;
    }

    /**
     * Waits until each lcore has finished {@code n} more iterations than when called: with n = 2, any iteration
     * that was under way has ended and a whole one has run since, so what it does not show by then it never will.
     */
    static void awaitIterations(final Scheduler s, final int n, final int... lcoreIds)
    {
        final long[] at = new long[lcoreIds.length];
        for (int i = 0; i < lcoreIds.length; i++)
        {
            at[i] = s.lcore(lcoreIds[i]).loops;
        }
        await(n + " more iterations of lcores " + java.util.Arrays.toString(lcoreIds), () ->
        {
            for (int i = 0; i < lcoreIds.length; i++)
            {
                if (s.lcore(lcoreIds[i]).loops < at[i] + n)
                {
                    return false;
                }
            }
            return true;
        });
    }

    static void await(final String what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out after 10 s waiting for: " + what);
            }
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
        }
    }
}
