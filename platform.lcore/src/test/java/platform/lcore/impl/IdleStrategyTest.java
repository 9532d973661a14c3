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

    @Test(timeout = 120_000)
    public void shouldSkipTheParkWhenWokenBeforeIt()
    {
        // parks of 10 s: a missed wake would be seen as a whole park
        final BackoffIdleStrategy idle = new BackoffIdleStrategy(0, 0, 10_000_000_000L, 10_000_000_000L);
        for (int i = 0; i < 3; i++)
        {
            idle.idle(0); // spin, yield, switch to parking
        }
        assertTrue(idle.isParking());
        idle.wake(Thread.currentThread());
        final long start = System.nanoTime();
        idle.idle(0);
        final long tookNs = System.nanoTime() - start;
        assertTrue("slept " + tookNs + " ns despite a pending wake", tookNs < 5_000_000_000L);
        assertTrue(!idle.isParked());
    }

    /**
     * A producer publishes work and wakes; the lcore looks at the work, then idles. The wake can fall anywhere in
     * the lcore's look-then-park window, and each time the lcore must see the work without sleeping a park out.
     */
    @Test(timeout = 120_000)
    public void shouldNeverLoseAWakeBetweenTheJobsLookAndThePark() throws InterruptedException
    {
        final BackoffIdleStrategy idle = new BackoffIdleStrategy(0, 0, 10_000_000_000L, 10_000_000_000L);
        final java.util.concurrent.atomic.AtomicInteger published = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        final Thread lcore = new Thread(() ->
        {
            while (running.get())
            {
                final int p = published.get();
                if (p != seen.get())
                {
                    seen.set(p);
                    idle.idle(1);
                }
                else
                {
                    idle.idle(0);
                }
            }
        }, "lcore-under-test");
        lcore.start();
        final int rounds = 3_000;
        try
        {
            final java.util.Random random = new java.util.Random(42);
            for (int round = 1; round <= rounds; round++)
            {
                // let the lcore get some way towards its park: the wake then lands before, in or after it
                final long until = System.nanoTime() + random.nextInt(30_000);
                while (System.nanoTime() < until)
                {
                    Thread.onSpinWait();
                }
                published.set(round);
                idle.wake(lcore);
                final long deadline = System.nanoTime() + 5_000_000_000L;
                while (seen.get() != round)
                {
                    if (System.nanoTime() > deadline)
                    {
                        fail("round " + round + ": the lcore slept through a wake (it parks 10 s)");
                    }
                    Thread.onSpinWait();
                }
            }
        }
        finally
        {
            running.set(false);
            idle.wake(lcore);
            lcore.join(20_000);
        }
        assertEquals(rounds, seen.get());
    }
}
