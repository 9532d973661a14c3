package bench.baseline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/**
 * The probe's bookkeeping (not its figures).
 */
public class PingPongProbeTest
{
    @Test
    public void shouldTakeNearestRankPercentiles()
    {
        final long[] samples = new long[100];
        for (int i = 0; i < samples.length; i++)
        {
            samples[i] = 100 - i;
        }
        final PingPongProbe.Result r = new PingPongProbe.Result(samples, 0, 0);
        assertEquals(50, r.percentile(0.50));
        assertEquals(99, r.percentile(0.99));
        assertEquals(1, r.percentile(0.0));
        assertEquals(100, r.percentile(1.0));
    }

    @Test(timeout = 30_000)
    public void shouldCompleteEveryRoundTrip() throws InterruptedException
    {
        final PingPongProbe.Result r = PingPongProbe.run(1_000, 1);
        assertEquals(1_000, r.sortedNs.length);
        assertTrue(r.percentile(0.0) > 0);
    }
}
