package platform.lcore.impl;

import static org.junit.Assert.assertTrue;

import java.lang.reflect.Field;

import org.junit.Test;

import sun.misc.Unsafe;

/**
 * The fields other threads poll or write sit on cache lines the lcore does not write every iteration: a closer
 * polling {@code iteration} and {@code inGraceWait} measured the lcore's iteration 1.35-2.6x slower when they
 * shared lines with the loop statistics (bench/RESULTS.md section 2), and producers write the idle strategy's wake
 * flag on every message.
 */
public class LcoreLayoutTest
{
    private static final int LINE = 64;
    private static final Unsafe UNSAFE = unsafe();
    /** What the lcore writes every iteration or job call. */
    private static final String[] HOT = {"currentEntry", "loops", "longestLoopNs", "bigLoops", "offCpuLoops", "iter",
        "seen", "idleNs", "prevEndNs", "windowStartNs", "windowLoops", "resetsSeen", "cpuSampleWallNs",
        "cpuSampleCpuNs", "timeAllUntilNs"};

    @Test
    public void shouldKeepTheFieldsClosersPollOffTheLinesTheLcoreWrites()
    {
        final long iteration = offset(LcoreIterationField.class, "iteration");
        final long grace = offset(LcoreColdFlags.class, "inGraceWait");
        final long reset = offset(LcoreColdFlags.class, "resetRequests");
        for (final String name : HOT)
        {
            final long o = offset(LcoreHotFields.class, name);
            apart("iteration", iteration, name, o);
            apart("inGraceWait", grace, name, o);
            apart("resetRequests", reset, name, o);
        }
        apart("iteration", iteration, "inGraceWait", grace);
        for (final Field f : Lcore.class.getDeclaredFields())
        {
            if (!java.lang.reflect.Modifier.isStatic(f.getModifiers()))
            {
                apart("iteration", iteration, f.getName(), UNSAFE.objectFieldOffset(f));
                apart("inGraceWait", grace, f.getName(), UNSAFE.objectFieldOffset(f));
            }
        }
    }

    /**
     * A send to an lcore reads its {@code thread} and {@code idle} (the wake): with the padding declared in the hot
     * class itself, the JVM put that class's references ({@code currentEntry}, written per job call) after it, among
     * these fields.
     */
    @Test
    public void shouldKeepTheFieldsAProducersWakeReadsOffTheLinesTheLcoreWrites()
    {
        for (final String name : HOT)
        {
            final long o = offset(LcoreHotFields.class, name);
            for (final Field f : Lcore.class.getDeclaredFields())
            {
                if (!java.lang.reflect.Modifier.isStatic(f.getModifiers()))
                {
                    apart(name, o, f.getName(), UNSAFE.objectFieldOffset(f));
                }
            }
        }
    }

    @Test
    public void shouldKeepTheWakeFlagsOffTheLinesTheIdleLoopWrites()
    {
        final long wake = offset(BackoffWakeFlags.class, "wakePending");
        final long parked = offset(BackoffWakeFlags.class, "parked");
        for (final String name : new String[] {"state", "spins", "yields", "parkPeriodNs"})
        {
            final long o = offset(BackoffIdleStrategy.class, name);
            apart("wakePending", wake, name, o);
            apart("parked", parked, name, o);
        }
        // and off the object header's line and whatever the allocator put just before the strategy
        assertTrue("wakePending at offset " + wake, wake >= LINE);
        assertTrue("parked at offset " + parked, parked >= LINE);
    }

    private static void apart(final String a, final long oa, final String b, final long ob)
    {
        assertTrue(a + " at offset " + oa + " and " + b + " at " + ob + " share a cache line",
            Math.abs(oa - ob) >= LINE);
    }

    private static long offset(final Class<?> c, final String name)
    {
        try
        {
            return UNSAFE.objectFieldOffset(c.getDeclaredField(name));
        }
        catch (final NoSuchFieldException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static Unsafe unsafe()
    {
        try
        {
            final Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (Unsafe)f.get(null);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }
}
