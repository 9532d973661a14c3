package bench.msgmgr;

import java.lang.reflect.Field;

import platform.msgmgr.impl.BenchMsg;

/**
 * Where an object sits on its cache line, for benchmarks' diagnosis lines (a diagnosis only: the address moves at
 * every GC that copies the object), and a private field read by reflection.
 */
final class ObjectLayout
{
    private ObjectLayout()
    {
    }

    /** @return where {@code o} sits on its line (its address modulo 64), -1 when {@code o} is null or unreadable. */
    static int offsetInLine(final Object o)
    {
        return BenchMsg.offsetInLine(o);
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
