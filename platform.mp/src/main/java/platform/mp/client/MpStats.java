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
 *  8      u32 count
 *  12     u32 reserved
 *  16     count entries of 56 bytes: name[48] (UTF-8, NUL-padded), u64 value
 * </pre>
 * One writer (the primary); any number of readers in any process.
 */
public final class MpStats
{
    public static final int VERSION_OFFSET = 0;
    public static final int COUNT_OFFSET = 8;
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
        o.putInt(COUNT_OFFSET, names.length);
        for (int i = 0; i < names.length; i++)
        {
            final byte[] n = names[i].getBytes(StandardCharsets.UTF_8);
            final int at = ENTRIES_OFFSET + i * ENTRY_LEN;
            o.put(at, new byte[NAME_LEN]);
            o.put(at, n, 0, Math.min(n.length, NAME_LEN));
            LONGS.setOpaque(o, at + NAME_LEN, 0L);
        }
        LONGS.setRelease(o, VERSION_OFFSET, 0L);
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
            final int count = o.getInt(COUNT_OFFSET);
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
