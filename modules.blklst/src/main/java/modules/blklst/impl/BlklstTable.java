package modules.blklst.impl;

/**
 * One lcore's blacklist: open addressing with linear probing over five longs per slot, so that a lookup reads a
 * few adjacent array elements and allocates nothing. Owned by one lcore: not thread-safe, and never shared.
 * Removal shifts the following run back instead of leaving tombstones, so lookups never slow down with churn.
 * Grows (on the owning lcore, on the control path) when half full.
 */
final class BlklstTable
{
    /** Slot layout in {@link #keys}: vaddrHi, vaddrLo, saddrHi, saddrLo, meta; meta 0 marks an empty slot. */
    private static final int STRIDE = 5;
    private static final int META = 4;

    private long[] keys;
    private int mask;
    private int size;

    /**
     * @param initialCapacity slots to start with, rounded up to a power of two (at least 16).
     */
    BlklstTable(final int initialCapacity)
    {
        final int cap = Math.max(16, Integer.highestOneBit(Math.max(1, initialCapacity - 1)) << 1);
        this.keys = new long[cap * STRIDE];
        this.mask = cap - 1;
    }

    /** af (8 bits), proto (8 bits) and port (16 bits) in one non-zero long (af is never 0 in an entry). */
    static long meta(final int af, final int proto, final int vport)
    {
        return ((long)af << 32) | ((long)(proto & 0xff) << 16) | (vport & 0xffff);
    }

    private static int hash(final long a, final long b, final long c, final long d, final long meta)
    {
        long h = a * 0x9E3779B97F4A7C15L;
        h = (h ^ b) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ c) * 0x165667B19E3779F9L;
        h = (h ^ d) * 0x9E3779B97F4A7C15L;
        h = (h ^ meta) * 0xC2B2AE3D27D4EB4FL;
        return (int)(h ^ (h >>> 29) ^ (h >>> 41));
    }

    /** @return the slot holding the key, or -1. */
    private int find(final long a, final long b, final long c, final long d, final long meta)
    {
        final long[] k = keys;
        int i = hash(a, b, c, d, meta) & mask;
        while (true)
        {
            final int at = i * STRIDE;
            final long m = k[at + META];
            if (0 == m)
            {
                return -1;
            }
            if (m == meta && k[at] == a && k[at + 1] == b && k[at + 2] == c && k[at + 3] == d)
            {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    boolean contains(final long meta, final long vaddrHi, final long vaddrLo, final long saddrHi, final long saddrLo)
    {
        return find(vaddrHi, vaddrLo, saddrHi, saddrLo, meta) >= 0;
    }

    boolean contains(final BlklstEntry e)
    {
        return contains(meta(e.af(), e.proto(), e.vport()), e.vaddrHi(), e.vaddrLo(), e.saddrHi(), e.saddrLo());
    }

    /**
     * @param e the entry.
     * @return true when added, false when it was there already.
     */
    boolean add(final BlklstEntry e)
    {
        final long meta = meta(e.af(), e.proto(), e.vport());
        if (find(e.vaddrHi(), e.vaddrLo(), e.saddrHi(), e.saddrLo(), meta) >= 0)
        {
            return false;
        }
        if ((size + 1) * 2 > mask + 1)
        {
            grow();
        }
        insert(e.vaddrHi(), e.vaddrLo(), e.saddrHi(), e.saddrLo(), meta);
        size++;
        return true;
    }

    private void insert(final long a, final long b, final long c, final long d, final long meta)
    {
        final long[] k = keys;
        int i = hash(a, b, c, d, meta) & mask;
        while (0 != k[i * STRIDE + META])
        {
            i = (i + 1) & mask;
        }
        final int at = i * STRIDE;
        k[at] = a;
        k[at + 1] = b;
        k[at + 2] = c;
        k[at + 3] = d;
        k[at + META] = meta;
    }

    private void grow()
    {
        final long[] old = keys;
        keys = new long[old.length * 2];
        mask = (mask << 1) | 1;
        for (int at = 0; at < old.length; at += STRIDE)
        {
            if (0 != old[at + META])
            {
                insert(old[at], old[at + 1], old[at + 2], old[at + 3], old[at + META]);
            }
        }
    }

    /**
     * @param e the entry.
     * @return true when removed, false when it was not there.
     */
    boolean remove(final BlklstEntry e)
    {
        int hole = find(e.vaddrHi(), e.vaddrLo(), e.saddrHi(), e.saddrLo(), meta(e.af(), e.proto(), e.vport()));
        if (hole < 0)
        {
            return false;
        }
        final long[] k = keys;
        // backward-shift deletion: move back every later entry of the run whose home slot is not after the hole
        int i = hole;
        while (true)
        {
            i = (i + 1) & mask;
            final int at = i * STRIDE;
            if (0 == k[at + META])
            {
                break;
            }
            final int home = hash(k[at], k[at + 1], k[at + 2], k[at + 3], k[at + META]) & mask;
            // the entry at i may fill the hole unless its home lies cyclically in (hole, i]
            final boolean homeBetween = hole <= i ? home > hole && home <= i : home > hole || home <= i;
            if (!homeBetween)
            {
                System.arraycopy(k, at, k, hole * STRIDE, STRIDE);
                hole = i;
            }
        }
        final int at = hole * STRIDE;
        for (int j = 0; j < STRIDE; j++)
        {
            k[at + j] = 0;
        }
        size--;
        return true;
    }

    void clear()
    {
        java.util.Arrays.fill(keys, 0);
        size = 0;
    }

    int size()
    {
        return size;
    }

    int capacity()
    {
        return mask + 1;
    }
}
