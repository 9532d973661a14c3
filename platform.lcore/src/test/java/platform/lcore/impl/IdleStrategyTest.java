package platform.lcore.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import org.junit.Test;

public class IdleStrategyTest
{
    @Test
    public void shouldParseEveryForm()
    {
        assertEquals("busy-spin", IdleStrategy.parse("busy-spin").describe());
        assertEquals("yield", IdleStrategy.parse("yield").describe());
        assertEquals("backoff", IdleStrategy.parse("backoff").describe());
        assertEquals("backoff:5,3,2,200", IdleStrategy.parse("backoff:5, 3, 2, 200").describe());
    }

    @Test
    public void shouldRefuseBadForms()
    {
        for (final String bad : new String[] {"", "spin", "backoff:1,2,3", "backoff:a,b,c,d", "backoff:1,1,10,5",
            "backoff:-1,1,1,1", "backoff:1,1,1,2000000"})
        {
            try
            {
                IdleStrategy.parse(bad);
                fail("accepted '" + bad + "'");
            }
            catch (final IllegalArgumentException ex)
            {
                assertTrue(ex.getMessage(), ex.getMessage().startsWith("unknown idle strategy"));
            }
        }
    }

    @Test
    public void shouldBackOffToParkingAndResetOnWork()
    {
        final BackoffIdleStrategy idle = new BackoffIdleStrategy(3, 2, 1_000, 4_000);
        // 1 + 3 spins, 2 yields, then the switch to parking; parks take at least their period
        for (int i = 0; i < 7; i++)
        {
            assertTrue("parking after " + i + " calls", !idle.isParking());
            idle.idle(0);
        }
        final long start = System.nanoTime();
        for (int i = 0; i < 20; i++)
        {
            idle.idle(0);
        }
        final long parked = System.nanoTime() - start;
        // 20 parks of 1, 2, 4, 4, ... us: at least the sum of the periods (a lower bound, not a speed claim)
        assertTrue("parked only " + parked + " ns", parked >= 1_000 + 2_000 + 18 * 4_000);
        assertTrue(idle.isParking());
        idle.idle(1);
        // work resets the backoff: the next idle calls spin again instead of parking
        idle.idle(0);
        idle.idle(0);
        assertTrue(!idle.isParking());
    }
}
