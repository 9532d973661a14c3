package platform.msgmgr.impl;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Unsafe;

/**
 * Where a message sits on its cache lines. A message's per-use fields (the only ones a round trip moves between the
 * CPUs, see {@link MsgImpl}) take 24 bytes; objects are aligned to 8 bytes only, so for 2 in 8 addresses those
 * bytes straddle two lines, and each synchronous round trip then moves two lines where it could move one (bench
 * RESULTS section 23: such forks measured a median 1.47x the lean path at the fast placement and 1.51x at the slow
 * one, against 1.32x and 1.10x on one line). The pool keeps those messages off an lcore's own stack
 * ({@link MsgPool#recycle(MsgImpl, int, boolean)}), so an lcore's sends use messages on one line.
 * <p>
 * The address is read through {@code sun.misc.Unsafe}, as JOL reads it: the reference is stored into an array
 * slot and its bits read back. How compressed references map to addresses (their shift) is measured once, from two
 * objects allocated one after the other. Where that fails, {@link #AVAILABLE} is false and no message counts as
 * straddling. An address is a hint only: a GC may move the object right after the look, which at worst leaves a
 * straddling message on a stack until its next use.
 */
final class CacheLines
{
    static final int LINE = 64;
    /** The slot of an lcore's probe array that takes the reference: 64 bytes of the array on each side. */
    static final int PROBE_AT = 16;
    private static final Logger LOG = LoggerFactory.getLogger(CacheLines.class);

    static final boolean AVAILABLE;
    private static final Unsafe UNSAFE;
    private static final long SLOT;
    /** Compressed references: their shift; -1 for full-width references. */
    private static final int SHIFT;
    /** The per-use fields of a message: from this offset in the object... */
    static final long HOT_FIRST;
    /** ...to this one (exclusive). */
    static final long HOT_END;

    static
    {
        Unsafe u = null;
        long slot = 0;
        int shift = -1;
        long first = Long.MAX_VALUE;
        long end = 0;
        boolean ok = false;
        try
        {
            final Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = (Unsafe)f.get(null);
            final int scale = u.arrayIndexScale(Object[].class);
            slot = u.arrayBaseOffset(Object[].class) + (long)PROBE_AT * scale;
            for (final Field field : MsgImpl.class.getDeclaredFields())
            {
                if (!Modifier.isStatic(field.getModifiers()))
                {
                    final long o = u.objectFieldOffset(field);
                    first = Math.min(first, o);
                    end = Math.max(end, o + size(field.getType(), scale));
                }
            }
            if (4 == scale)
            {
                shift = measureShift(u, slot);
                ok = shift >= 0;
            }
            else
            {
                ok = 8 == scale;
            }
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            LOG.debug("object addresses cannot be read: {}", ex.toString());
        }
        if (!ok)
        {
            LOG.info("object addresses cannot be read here: messages are used wherever they sit on the cache lines");
        }
        UNSAFE = u;
        SLOT = slot;
        SHIFT = shift;
        HOT_FIRST = first;
        HOT_END = end;
        AVAILABLE = ok && end > first;
    }

    private CacheLines()
    {
    }

    /** @return a probe for {@link #straddles}, one per thread that looks (an lcore's own). */
    static Object[] newProbe()
    {
        return new Object[2 * PROBE_AT + 1];
    }

    /**
     * @param probe this thread's probe array (its slot is left empty).
     * @return true when {@code m}'s per-use fields straddle two cache lines where it sits now.
     */
    static boolean straddles(final MsgImpl m, final Object[] probe)
    {
        if (!AVAILABLE)
        {
            return false;
        }
        final long a = address(m, probe);
        return (a + HOT_FIRST) / LINE != (a + HOT_END - 1) / LINE;
    }

    /** @return where {@code o} sits now (its offset in its line is what counts: the heap base is line-aligned). */
    static long address(final Object o, final Object[] probe)
    {
        probe[PROBE_AT] = o;
        final long a = SHIFT < 0 ? UNSAFE.getLong(probe, SLOT) : (UNSAFE.getInt(probe, SLOT) & 0xffffffffL) << SHIFT;
        probe[PROBE_AT] = null;
        return a;
    }

    /**
     * The shift of compressed references: two plain objects (16 bytes each, whatever the header) allocated one after
     * the other from the thread's allocation buffer lie 16 bytes apart, so their references differ by 16 >> shift.
     * Most tries must agree (a try that crosses into a new buffer does not).
     *
     * @return the shift, -1 when the tries do not agree.
     */
    private static int measureShift(final Unsafe u, final long slot)
    {
        final int tries = 16;
        final int[] votes = new int[5];
        final Object[] probe = newProbe();
        final Object[] keep = new Object[2];
        for (int i = 0; i < tries; i++)
        {
            keep[0] = new Object();
            keep[1] = new Object();
            probe[PROBE_AT] = keep[0];
            final long a = u.getInt(probe, slot) & 0xffffffffL;
            probe[PROBE_AT] = keep[1];
            final long b = u.getInt(probe, slot) & 0xffffffffL;
            final long d = b - a;
            for (int s = 0; s < votes.length; s++)
            {
                if (d == 16 >> s)
                {
                    votes[s]++;
                }
            }
        }
        probe[PROBE_AT] = null;
        for (int s = 0; s < votes.length; s++)
        {
            if (votes[s] >= tries * 3 / 4)
            {
                return s;
            }
        }
        return -1;
    }

    private static long size(final Class<?> type, final int referenceSize)
    {
        if (long.class == type || double.class == type)
        {
            return 8;
        }
        if (int.class == type || float.class == type)
        {
            return 4;
        }
        if (short.class == type || char.class == type)
        {
            return 2;
        }
        if (byte.class == type || boolean.class == type)
        {
            return 1;
        }
        return referenceSize;
    }
}
