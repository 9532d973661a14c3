package bench.msgmgr;

import java.lang.reflect.Field;

import sun.misc.Unsafe;

/**
 * Where an object sits on its cache line, for benchmarks' diagnosis lines: an object's address modulo 64, read
 * through its reference (a diagnosis only: the address moves at every GC that copies the object).
 */
final class ObjectLayout
{
    private static final Unsafe UNSAFE;
    private static final long BASE;
    private static final int SCALE;
    /** Of compressed references: 0 for a heap under 4 GiB, 3 above (measured, as platform.msgmgr's CacheLines does). */
    private static final int SHIFT;

    static
    {
        try
        {
            final Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            UNSAFE = (Unsafe)f.get(null);
            BASE = UNSAFE.arrayBaseOffset(Object[].class);
            SCALE = UNSAFE.arrayIndexScale(Object[].class);
            SHIFT = 4 == SCALE ? shift() : 0;
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private ObjectLayout()
    {
    }

    /** Two plain objects (16 bytes) allocated one after the other: their references differ by 16 >> shift. */
    private static int shift()
    {
        final int[] votes = new int[5];
        final Object[] pair = new Object[2];
        for (int i = 0; i < 16; i++)
        {
            pair[0] = new Object();
            pair[1] = new Object();
            final long d = (UNSAFE.getInt(pair, BASE + SCALE) & 0xffffffffL)
                - (UNSAFE.getInt(pair, BASE) & 0xffffffffL);
            for (int s = 0; s < votes.length; s++)
            {
                votes[s] += d == 16 >> s ? 1 : 0;
            }
        }
        int best = 3;
        for (int s = 0; s < votes.length; s++)
        {
            best = votes[s] > votes[best] ? s : best;
        }
        return best;
    }

    /** @return where {@code o} sits on its line (its address modulo 64), -1 when {@code o} is null. */
    static int offsetInLine(final Object o)
    {
        if (null == o)
        {
            return -1;
        }
        final Object[] holder = {o};
        final long address = 4 == SCALE ? (UNSAFE.getInt(holder, BASE) & 0xffffffffL) << SHIFT
            : UNSAFE.getLong(holder, BASE);
        return (int)(address & 63);
    }

    /** @return the value of field {@code name} of {@code o} or of its superclasses, null when there is none. */
    static Object field(final Object o, final String name)
    {
        for (Class<?> c = o.getClass(); null != c; c = c.getSuperclass())
        {
            try
            {
                final Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            }
            catch (final NoSuchFieldException ex)
            {
                // look in the superclass
            }
            catch (final IllegalAccessException ex)
            {
                return null;
            }
        }
        return null;
    }
}
