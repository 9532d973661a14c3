package platform.mp.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A statistics segment: named 64-bit counters in a shared region that a secondary reads with no request at all (as
 * VPP's stats segment), guarded by a sequence lock so that a reader never returns a torn set of values. Native byte
 * order (the processes share one host).
 * <pre>
 *  0      u64 version: odd while the writer updates, even when stable
 *  8      u32 count: entries in use (the set of counters changes as lcores, message types, ranges come and go)
 *  12     u32 capacity: entries the region holds
 *  16     capacity entries of 56 bytes: name[48] (UTF-8, NUL-padded), u64 value; the first count are in use
 *
 *  entry i at 16 + 56 * i:
 *  +0     name[48]
 *  +48    u64 value
 * </pre>
 * One writer (the primary); any number of readers in any process. The writer changes names and count under the
 * same sequence lock as the values, so a reader sees a set of names with its values, never a mix.
 */
public final class MpStats
{
    public static final int VERSION_OFFSET = 0;
    public static final int COUNT_OFFSET = 8;
    public static final int CAPACITY_OFFSET = 12;
    public static final int ENTRIES_OFFSET = 16;
    public static final int NAME_LEN = 48;
    public static final int ENTRY_LEN = NAME_LEN + 8;
    /** The region the primary publishes its channel counters in. */
    public static final String REGION = "mp.stats";

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class,
        ByteOrder.nativeOrder());
    /** A reader gives up after this long without a stable snapshot (the writer updates every 100 ms or so). */
    private static final long MAX_WAIT_NS = 1_000_000_000L;

    private MpStats()
    {
    }

    /**
     * @param count counters.
     * @return the segment's size, bytes.
     */
    public static int size(final int count)
    {
        return ENTRIES_OFFSET + count * ENTRY_LEN;
    }

    /**
     * Lays the segment out (before any reader can see it): names, zero values, version 0.
     *
     * @param b     the region.
     * @param names the counters' names, at most 48 bytes each.
     */
    public static void format(final ByteBuffer b, final String... names)
    {
        final ByteBuffer o = b.duplicate().order(ByteOrder.nativeOrder());
        o.putInt(CAPACITY_OFFSET, capacity(b));
        writeNames(o, names, names.length);
        for (int i = 0; i < names.length; i++)
        {
            LONGS.setOpaque(o, ENTRIES_OFFSET + i * ENTRY_LEN + NAME_LEN, 0L);
        }
        LONGS.setRelease(o, VERSION_OFFSET, 0L);
    }

    /**
     * @param b a region.
     * @return how many entries it holds.
     */
    public static int capacity(final ByteBuffer b)
    {
        return (b.capacity() - ENTRIES_OFFSET) / ENTRY_LEN;
    }

    private static void writeNames(final ByteBuffer o, final String[] names, final int n)
    {
        o.putInt(COUNT_OFFSET, n);
        final byte[] blank = new byte[NAME_LEN];
        for (int i = 0; i < n; i++)
        {
            final byte[] nb = names[i].getBytes(StandardCharsets.UTF_8);
            final int at = ENTRIES_OFFSET + i * ENTRY_LEN;
            o.put(at, blank);
            o.put(at, nb, 0, Math.min(nb.length, NAME_LEN));
        }
    }

    /**
     * Writes a new set of counters (names, count and values) under the sequence lock. Single writer.
     *
     * @param b      the region.
     * @param names  the names, at most 48 bytes each (longer ones are cut).
     * @param values one per name.
     * @param n      how many, at most {@link #capacity}.
     */
    public static void update(final ByteBuffer b, final String[] names, final long[] values, final int n)
    {
        final ByteBuffer o = b.duplicate().order(ByteOrder.nativeOrder());
        final long v = (long) LONGS.getOpaque(o, VERSION_OFFSET);
        LONGS.setOpaque(o, VERSION_OFFSET, v + 1);
        VarHandle.storeStoreFence();
        writeNames(o, names, n);
        for (int i = 0; i < n; i++)
        {
            LONGS.setOpaque(o, ENTRIES_OFFSET + i * ENTRY_LEN + NAME_LEN, values[i]);
        }
        LONGS.setRelease(o, VERSION_OFFSET, v + 2);
    }

    /**
     * Writes every value under the sequence lock. Single writer.
     *
     * @param b      the region.
     * @param values one per counter, in format order.
     */
    public static void update(final ByteBuffer b, final long[] values)
    {
        final long v = (long) LONGS.getOpaque(b, VERSION_OFFSET);
        LONGS.setOpaque(b, VERSION_OFFSET, v + 1);
        // the odd version is visible before any value changes
        VarHandle.storeStoreFence();
        for (int i = 0; i < values.length; i++)
        {
            LONGS.setOpaque(b, ENTRIES_OFFSET + i * ENTRY_LEN + NAME_LEN, values[i]);
        }
        // every value is visible before the even version
        LONGS.setRelease(b, VERSION_OFFSET, v + 2);
    }

    /**
     * Reads a consistent snapshot: retries while the writer is inside an update.
     *
     * @param b the region.
     * @return name to value, in segment order.
     * @throws IllegalStateException when no stable snapshot was seen within 1 s.
     */
    public static Map<String, Long> read(final ByteBuffer b)
    {
        final ByteBuffer o = b.duplicate().order(ByteOrder.nativeOrder());
        final long deadline = System.nanoTime() + MAX_WAIT_NS;
        while (System.nanoTime() - deadline < 0)
        {
            final long v1 = (long) LONGS.getAcquire(o, VERSION_OFFSET);
            if (0 != (v1 & 1))
            {
                Thread.onSpinWait();
                continue;
            }
            // a count read mid-update is retried below; never read past the region
            final int count = Math.max(0, Math.min(o.getInt(COUNT_OFFSET), capacity(o)));
            final Map<String, Long> m = new LinkedHashMap<>();
            for (int i = 0; i < count; i++)
            {
                final int at = ENTRIES_OFFSET + i * ENTRY_LEN;
                int len = 0;
                while (len < NAME_LEN && 0 != o.get(at + len))
                {
                    len++;
                }
                final byte[] n = new byte[len];
                o.get(at, n);
                m.put(new String(n, StandardCharsets.UTF_8), (long) LONGS.getOpaque(o, at + NAME_LEN));
            }
            // the values are read before the version is read again
            VarHandle.loadLoadFence();
            if ((long) LONGS.getOpaque(o, VERSION_OFFSET) == v1)
            {
                return m;
            }
        }
        throw new IllegalStateException("no stable statistics snapshot within 1 s");
    }
}
