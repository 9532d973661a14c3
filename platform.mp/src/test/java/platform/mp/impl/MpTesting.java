package platform.mp.impl;

import static org.junit.Assert.fail;

import java.util.function.BooleanSupplier;

/** Bounded polling for the channel tests. */
final class MpTesting
{
    private MpTesting()
    {
    }

    static void await(final String what, final long timeoutMs, final BooleanSupplier cond) throws InterruptedException
    {
        final long end = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!cond.getAsBoolean())
        {
            if (System.nanoTime() > end)
            {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
