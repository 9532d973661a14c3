package modules.route.impl;

import java.util.Arrays;

/**
 * An open-addressing (linear probing) map from an IPv4 prefix, (masked address, length), to an int, without boxing:
 * the rule set of an {@link Lpm4}, 12 bytes a slot at a load of at most one half. Deletion shifts the following
 * entries back (Knuth's algorithm R), so there are no tombstones. Correct for single thread use only.
 */
final class PrefixMap
{
    private static final long EMPTY = -1L;

    private long[] keys;
    private int[] values;
    private int mask;
    private int size;

    /** @param expected how many prefixes to size for. */
    PrefixMap(final int expected)
    {
        final int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new int[cap];
        Arrays.fill(keys, EMPTY);
        mask = cap - 1;
    }

    /**
     * @param prefix the address, already masked to its length.
     * @param plen   the length, 0..32.
     * @return the key of the prefix.
     */
    static long key(final int prefix, final int plen)
    {
        return ((prefix & 0xffffffffL) << 6) | plen;
    }

    private static int slot(final long key, final int mask)
    {
        return (int)((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }

    /** @return how many prefixes the map holds. */
    int size()
    {
        return size;
    }

    /**
     * @param key a {@link #key}.
     * @return its value, or -1 when absent.
     */
    int get(final long key)
    {
        final long[] k = keys;
        final int m = mask;
        int i = slot(key, m);
        while (true)
        {
            final long at = k[i];
            if (EMPTY == at)
            {
                return -1;
            }
            if (at == key)
            {
                return values[i];
            }
            i = (i + 1) & m;
        }
    }

    /**
     * @param key   a {@link #key} not in the map.
     * @param value its value, 0 or more.
     */
    void put(final long key, final int value)
    {
        if ((size + 1) * 2 > keys.length)
        {
            grow();
        }
        int i = slot(key, mask);
        while (EMPTY != keys[i] && key != keys[i])
        {
            i = (i + 1) & mask;
        }
        if (EMPTY == keys[i])
        {
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    /**
     * @param key a {@link #key}.
     * @return its value, or -1 when it was absent.
     */
    int remove(final long key)
    {
        final long[] k = keys;
        final int m = mask;
        int i = slot(key, m);
        while (k[i] != key)
        {
            if (EMPTY == k[i])
            {
                return -1;
            }
            i = (i + 1) & m;
        }
        final int old = values[i];
        int j = i;
        while (true)
        {
            j = (j + 1) & m;
            final long at = k[j];
            if (EMPTY == at)
            {
                break;
            }
            final int home = slot(at, m);
            // the entry at j may move back to i only when its home slot is not cyclically within (i, j]
            final boolean stays = i <= j ? i < home && home <= j : i < home || home <= j;
            if (!stays)
            {
                k[i] = at;
                values[i] = values[j];
                i = j;
            }
        }
        k[i] = EMPTY;
        size--;
        return old;
    }

    void clear()
    {
        Arrays.fill(keys, EMPTY);
        size = 0;
    }

    /** @return the bytes its arrays take. */
    long bytes()
    {
        return keys.length * 12L;
    }

    private void grow()
    {
        final long[] oldKeys = keys;
        final int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++)
        {
            if (EMPTY != oldKeys[i])
            {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
