package platform.msgmgr.impl;

import static org.junit.Assert.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import org.junit.Test;

import sun.misc.Unsafe;

/**
 * What a round trip writes sits on as few lines as the JVM allows, and nothing a receiver writes per message shares
 * a line with what senders read per send (bench/RESULTS.md section 22: each such line moved between the CPUs on
 * every round trip).
 */
public class MsgLayoutTest
{
    private static final int LINE = 64;
    private static final Unsafe UNSAFE = unsafe();
    /** The fields every use of a message writes: the only ones a round trip moves between the CPUs. */
    private static final String[] PER_USE = {"seq", "gen", "flags", "pooled", "payload", "reply"};

    @Test
    public void shouldLayAMessagesPerUseFieldsTogetherAfterItsSetOnceFields()
    {
        long first = Long.MAX_VALUE;
        long last = 0;
        for (final String name : PER_USE)
        {
            final long o = offset(MsgImpl.class, name);
            first = Math.min(first, o);
            last = Math.max(last, o);
        }
        for (final Field f : MsgImplCold.class.getDeclaredFields())
        {
            if (!Modifier.isStatic(f.getModifiers()))
            {
                final long o = UNSAFE.objectFieldOffset(f);
                assertTrue("set-once field " + f.getName() + " at " + o + " among the per-use fields at " + first
                    + ".." + last, o < first);
            }
        }
        for (final Field f : MsgImpl.class.getDeclaredFields())
        {
            if (!Modifier.isStatic(f.getModifiers()))
            {
                assertTrue(f.getName() + " is not a per-use field: it belongs in MsgImplCold",
                    java.util.Arrays.asList(PER_USE).contains(f.getName()));
            }
        }
        // within 32 bytes: on one line for most placements of the object, two at most
        assertTrue("per-use fields span " + first + ".." + last, last + 4 - first <= 32);
    }

    @Test
    public void shouldKeepTheCallbacksViewOffWhatTheAllocatorPutsAroundIt()
    {
        final long msg = offset(LcoreMsg.MsgViewField.class, "msg");
        long last = 0;
        for (Class<?> c = LcoreMsg.MsgView.class; Object.class != c; c = c.getSuperclass())
        {
            for (final Field f : c.getDeclaredFields())
            {
                if (!Modifier.isStatic(f.getModifiers()))
                {
                    last = Math.max(last, UNSAFE.objectFieldOffset(f));
                }
            }
        }
        // the lcore writes msg twice per message; the array of its rings, which senders read, was allocated next
        assertTrue("view's msg at offset " + msg, msg >= LINE);
        assertTrue("view's msg at " + msg + ", the object ends at " + (last + 1), last + 1 - (msg + 4) >= LINE);
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
