package modules.route.impl;

import java.util.Arrays;

/**
 * IPv6 longest-prefix match: one open-addressing hash table keyed by (masked prefix, length), searched longest
 * length first over the lengths in use only. A lookup masks the address to each length in use, longest first, and
 * probes the table once per length; the first hit is the longest match. It allocates nothing and takes no lock.
 * <p>
 * Why this and not a trie: real IPv6 tables hold few distinct lengths (/128 local addresses, /64 links, a few /48 or
 * /32 aggregates, ::/0), so a lookup costs a handful of probes into one cache-friendly table, and add and delete are
 * a hash insert or removal with nothing to rebuild. A multibit trie (DPDK's rte_lpm6: a 2^24 first level and up to
 * 13 further 256-entry levels) reads up to 14 dependent entries and costs 64 MB per lcore for its first level, or
 * far more groups with a smaller one; Waldvogel's binary search on lengths needs markers whose best-match values
 * must be recomputed on every delete. The price here: a full BGP table with some 40 distinct lengths costs up to 40
 * probes for a miss.
 * <p>
 * Slots hold the prefix as two longs, its length plus one (0 for an empty slot) and the value; linear probing at a
 * load of at most one half, deletion by backward shift (Knuth's algorithm R), so no tombstones. Correct for single
 * thread use only: each lcore owns its own.
 */
final class Lpm6
{
    private long[] his;
    private long[] los;
    /** Prefix length + 1; 0 for an empty slot. */
    private int[] lens;
    private int[] values;
    private int mask;
    private int size;
    /** Per prefix length, how many prefixes of that length the table holds. */
    private final int[] perLength = new int[129];
    /** The lengths in use, longest first: {@code lengths[0 .. nLengths)}. */
    private final int[] lengths = new int[129];
    private int nLengths;

    /** @param expected how many prefixes to size for (it grows beyond). */
    Lpm6(final int expected)
    {
        allocate(Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1);
    }

    private void allocate(final int cap)
    {
        his = new long[cap];
        los = new long[cap];
        lens = new int[cap];
        values = new int[cap];
        mask = cap - 1;
    }

    /**
     * @param hi   first 8 bytes.
     * @param plen a length, 0..128.
     * @return hi with the bits after the prefix cleared.
     */
    static long maskHi(final long hi, final int plen)
    {
        return plen >= 64 ? hi : 0 == plen ? 0 : hi & (-1L << (64 - plen));
    }

    /**
     * @param lo   last 8 bytes.
     * @param plen a length, 0..128.
     * @return lo with the bits after the prefix cleared.
     */
    static long maskLo(final long lo, final int plen)
    {
        return plen <= 64 ? 0 : 128 == plen ? lo : lo & (-1L << (128 - plen));
    }

    private static int slot(final long hi, final long lo, final int plen, final int mask)
    {
        long h = hi * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(lo * 0xC2B2AE3D27D4EB4FL, 31) ^ plen;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int)h & mask;
    }

    /**
     * @param hi the destination's first 8 bytes, big-endian.
     * @param lo its last 8 bytes.
     * @return the value of the longest prefix matching it, or -1.
     */
    int lookup(final long hi, final long lo)
    {
        final int[] ls = lengths;
        final int n = nLengths;
        for (int i = 0; i < n; i++)
        {
            final int plen = ls[i];
            final int v = find(maskHi(hi, plen), maskLo(lo, plen), plen);
            if (v >= 0)
            {
                return v;
            }
        }
        return -1;
    }

    private int find(final long hi, final long lo, final int plen)
    {
        final int[] l = lens;
        final int m = mask;
        final int want = plen + 1;
        int i = slot(hi, lo, plen, m);
        while (true)
        {
            final int at = l[i];
            if (0 == at)
            {
                return -1;
            }
            if (at == want && his[i] == hi && los[i] == lo)
            {
                return values[i];
            }
            i = (i + 1) & m;
        }
    }

    /**
     * @param hi   the prefix's first 8 bytes (bits after plen are ignored).
     * @param lo   its last 8 bytes.
     * @param plen its length, 0..128.
     * @return the value held for exactly that prefix, or -1.
     */
    int get(final long hi, final long lo, final int plen)
    {
        return find(maskHi(hi, plen), maskLo(lo, plen), plen);
    }

    /**
     * @param hi    the prefix's first 8 bytes (bits after plen are ignored).
     * @param lo    its last 8 bytes.
     * @param plen  its length, 0..128.
     * @param value 0 or more.
     * @return false when the prefix is present already (its value left as it is).
     */
    boolean add(final long hi, final long lo, final int plen, final int value)
    {
        if (plen < 0 || plen > 128 || value < 0)
        {
            throw new IllegalArgumentException("prefix length " + plen + ", value " + value);
        }
        final long h = maskHi(hi, plen);
        final long l = maskLo(lo, plen);
        if (find(h, l, plen) >= 0)
        {
            return false;
        }
        if ((size + 1) * 2 > lens.length)
        {
            grow();
        }
        insert(h, l, plen, value);
        size++;
        if (1 == ++perLength[plen])
        {
            rebuildLengths();
        }
        return true;
    }

    private void insert(final long hi, final long lo, final int plen, final int value)
    {
        int i = slot(hi, lo, plen, mask);
        while (0 != lens[i])
        {
            i = (i + 1) & mask;
        }
        his[i] = hi;
        los[i] = lo;
        lens[i] = plen + 1;
        values[i] = value;
    }

    /**
     * @param hi   the prefix's first 8 bytes (bits after plen are ignored).
     * @param lo   its last 8 bytes.
     * @param plen its length, 0..128.
     * @return the value it held, or -1 when it was absent.
     */
    int remove(final long hi, final long lo, final int plen)
    {
        if (plen < 0 || plen > 128)
        {
            return -1;
        }
        final long h = maskHi(hi, plen);
        final long l = maskLo(lo, plen);
        final int m = mask;
        final int want = plen + 1;
        int i = slot(h, l, plen, m);
        while (!(lens[i] == want && his[i] == h && los[i] == l))
        {
            if (0 == lens[i])
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
            if (0 == lens[j])
            {
                break;
            }
            final int home = slot(his[j], los[j], lens[j] - 1, m);
            // the entry at j may move back to i only when its home slot is not cyclically within (i, j]
            final boolean stays = i <= j ? i < home && home <= j : i < home || home <= j;
            if (!stays)
            {
                his[i] = his[j];
                los[i] = los[j];
                lens[i] = lens[j];
                values[i] = values[j];
                i = j;
            }
        }
        lens[i] = 0;
        size--;
        if (0 == --perLength[plen])
        {
            rebuildLengths();
        }
        return old;
    }

    private void rebuildLengths()
    {
        int n = 0;
        for (int plen = 128; plen >= 0; plen--)
        {
            if (perLength[plen] > 0)
            {
                lengths[n++] = plen;
            }
        }
        nLengths = n;
    }

    void clear()
    {
        Arrays.fill(lens, 0);
        Arrays.fill(perLength, 0);
        nLengths = 0;
        size = 0;
    }

    int size()
    {
        return size;
    }

    /** @return how many distinct prefix lengths are in use: the probes a missing lookup costs. */
    int lengthsInUse()
    {
        return nLengths;
    }

    /** @return the bytes its arrays take. */
    long bytes()
    {
        return lens.length * 24L + 2 * 129 * 4L;
    }

    private void grow()
    {
        final long[] oh = his;
        final long[] ol = los;
        final int[] on = lens;
        final int[] ov = values;
        allocate(on.length * 2);
        for (int i = 0; i < on.length; i++)
        {
            if (0 != on[i])
            {
                insert(oh[i], ol[i], on[i] - 1, ov[i]);
            }
        }
    }
}
