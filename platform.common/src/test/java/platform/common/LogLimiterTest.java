package platform.common;

import static org.junit.Assert.assertEquals;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.Test;

public class LogLimiterTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    public void shouldLetOneLinePerIntervalThroughAndCountTheRest()
    {
        final long t0 = System.nanoTime();
        final LogLimiter limiter = new LogLimiter(SECOND);
        assertEquals(0, limiter.admit(t0));
        assertEquals(-1, limiter.admit(t0 + 1));
        assertEquals(-1, limiter.admit(t0 + SECOND - 1));
        assertEquals(2, limiter.suppressed());
        assertEquals(2, limiter.admit(t0 + SECOND));
        assertEquals(0, limiter.suppressed());
        assertEquals(-1, limiter.admit(t0 + SECOND + 5));
        assertEquals(1, limiter.admit(t0 + 3 * SECOND));
        assertEquals("", LogLimiter.suppressedNote(0));
        assertEquals(" (7 similar messages suppressed)", LogLimiter.suppressedNote(7));
    }

    @Test
    public void shouldCountEveryEventOnceUnderConcurrentUse() throws InterruptedException
    {
        final LogLimiter limiter = new LogLimiter(SECOND);
        final long t0 = System.nanoTime();
        final int threads = 4;
        final int each = 100_000;
        final AtomicLong logged = new AtomicLong();
        final AtomicLong reportedLeft = new AtomicLong();
        final CountDownLatch start = new CountDownLatch(1);
        final Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            ts[i] = new Thread(() ->
            {
                try
                {
                    start.await();
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                for (int n = 0; n < each; n++)
                {
                    // a fake clock that crosses several intervals while the threads race
                    final long left = limiter.admit(t0 + (n / 20_000) * SECOND);
                    if (left >= 0)
                    {
                        logged.incrementAndGet();
                        reportedLeft.addAndGet(left);
                    }
                }
            });
            ts[i].start();
        }
        start.countDown();
        for (final Thread t : ts)
        {
            t.join();
        }
        // every event was either let through, reported as left out by a later line, or is still pending
        assertEquals((long)threads * each, logged.get() + reportedLeft.get() + limiter.suppressed());
    }
}
