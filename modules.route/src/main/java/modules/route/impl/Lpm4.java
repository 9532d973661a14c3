package modules.route.impl;

import java.util.Arrays;

/**
 * IPv4 longest-prefix match, DIR-16-8-8: DPDK's {@code rte_lpm} scheme (Gupta, Lin and McKeown's DIR-24-8) with a
 * 16-bit first level instead of a 24-bit one, so a table costs 256 KB plus 1 KB for each 256-entry group in use
 * instead of 64 MB, and a lookup reads at most three ints.
 * <p>
 * Every entry is one int: 0 when nothing matches; {@code (value + 1) << 6 | depth} for a route of prefix length
 * {@code depth}; {@code 0x80000000 | group} for a pointer to the 256-entry group (in {@link #groups}) of the next 8
 * bits. A prefix of length up to 16 fills {@code 2^(16 - plen)} first-level entries, one of 17..24 fills entries of
 * the second-level group under its /16, one of 25..32 entries of the third-level group under its /24; entries that
 * hold a longer prefix (deeper, or a group) are left alone. A group is created filled with the entry it replaces
 * and is folded back into that entry when a delete leaves its 256 entries equal. A delete rewrites the entries that
 * held the deleted prefix with the longest shorter rule covering it, found in the rule set ({@link PrefixMap}).
 * <p>
 * {@link #lookup} allocates nothing and takes no lock. Correct for single thread use only: each lcore owns its own.
 */
final class Lpm4 implements Lpm
{
    /** The largest value a route may carry. */
    static final int MAX_VALUE = (1 << 25) - 2;
    private static final int PTR = 0x8000_0000;
    private static final int GROUP = 256;

    private final int[] root = new int[1 << 16];
    /** Groups of 256 entries, back to back; index {@code group << 8 | byte}. */
    private int[] groups = new int[16 * GROUP];
    /** Groups ever handed out (the high-water mark). */
    private int groupsTop;
    private int[] freeGroups = new int[16];
    private int freeCount;
    private final PrefixMap rules;

    /** @param expected how many prefixes to size the rule set for (it grows beyond). */
    Lpm4(final int expected)
    {
        rules = new PrefixMap(expected);
    }

    /**
     * @param addr an address.
     * @param plen a length, 0..32.
     * @return the address with the bits after the prefix cleared.
     */
    static int mask(final int addr, final int plen)
    {
        return 0 == plen ? 0 : addr & (-1 << (32 - plen));
    }

    private static int entry(final int value, final int depth)
    {
        return ((value + 1) << 6) | depth;
    }

    private static int depth(final int entry)
    {
        return entry & 63;
    }

    /**
     * @param addr the destination, big-endian value of its bytes.
     * @return the value of the longest prefix matching it, or -1.
     */
    @Override
    public int lookup(final int addr)
    {
        int e = root[addr >>> 16];
        if (e < 0)
        {
            final int[] g = groups;
            e = g[((e & ~PTR) << 8) | ((addr >>> 8) & 0xff)];
            if (e < 0)
            {
                e = g[((e & ~PTR) << 8) | (addr & 0xff)];
            }
        }
        return (e >>> 6) - 1;
    }

    /**
     * @param prefix the prefix (bits after plen are ignored).
     * @param plen   its length, 0..32.
     * @return its value, or -1 when the table does not have exactly that prefix.
     */
    @Override
    public int get(final int prefix, final int plen)
    {
        return rules.get(PrefixMap.key(mask(prefix, plen), plen));
    }

    /** @return the number of prefixes. */
    @Override
    public int size()
    {
        return rules.size();
    }

    /** @return the groups in use. */
    @Override
    public int groupsInUse()
    {
        return groupsTop - freeCount;
    }

    /** @return the bytes the table's arrays take (entries, groups, rule set). */
    @Override
    public long bytes()
    {
        return root.length * 4L + groups.length * 4L + freeGroups.length * 4L + rules.bytes();
    }

    /**
     * @param prefix the prefix (bits after plen are ignored).
     * @param plen   its length, 0..32.
     * @param value  0..{@link #MAX_VALUE}.
     * @return false when the table already has this prefix (nothing changed).
     */
    @Override
    public boolean add(final int prefix, final int plen, final int value)
    {
        if (plen < 0 || plen > 32 || value < 0 || value > MAX_VALUE)
        {
            throw new IllegalArgumentException("prefix length " + plen + ", value " + value);
        }
        final int p = mask(prefix, plen);
        final long key = PrefixMap.key(p, plen);
        if (rules.get(key) >= 0)
        {
            return false;
        }
        rules.put(key, value);
        write(p, plen, entry(value, plen), 0, true);
        return true;
    }

    /**
     * @param prefix the prefix (bits after plen are ignored).
     * @param plen   its length, 0..32.
     * @return the value it had, or -1 when the table does not have it.
     */
    @Override
    public int remove(final int prefix, final int plen)
    {
        if (plen < 0 || plen > 32)
        {
            return -1;
        }
        final int p = mask(prefix, plen);
        final int value = rules.remove(PrefixMap.key(p, plen));
        if (value < 0)
        {
            return -1;
        }
        write(p, plen, covering(p, plen), entry(value, plen), false);
        return value;
    }

    /** Empties the table (keeps its arrays). */
    @Override
    public void clear()
    {
        Arrays.fill(root, 0);
        rules.clear();
        groupsTop = 0;
        freeCount = 0;
    }

    /** The entry of the longest rule shorter than plen that covers p, 0 when there is none. */
    private int covering(final int p, final int plen)
    {
        for (int d = plen - 1; d >= 0; d--)
        {
            final int v = rules.get(PrefixMap.key(mask(p, d), d));
            if (v >= 0)
            {
                return entry(v, d);
            }
        }
        return 0;
    }

    /**
     * Adding (add true): entries of depth up to plen in the prefix's range become e. Deleting: entries equal to
     * old become e (only the deleted prefix's own entries are equal to it).
     */
    private void write(final int p, final int plen, final int e, final int old, final boolean add)
    {
        final int i = p >>> 16;
        if (plen <= 16)
        {
            final int end = i + (1 << (16 - plen));
            for (int k = i; k < end; k++)
            {
                root[k] = update(root[k], plen, e, old, add);
            }
            return;
        }
        final int g2 = add ? group(root, i) : root[i] & ~PTR;
        if (plen <= 24)
        {
            final int start = (g2 << 8) | ((p >>> 8) & 0xff);
            final int end = start + (1 << (24 - plen));
            for (int k = start; k < end; k++)
            {
                groups[k] = update(groups[k], plen, e, old, add);
            }
        }
        else
        {
            final int at2 = (g2 << 8) | ((p >>> 8) & 0xff);
            final int g3 = add ? group(groups, at2) : groups[at2] & ~PTR;
            final int start = (g3 << 8) | (p & 0xff);
            final int end = start + (1 << (32 - plen));
            for (int k = start; k < end; k++)
            {
                groups[k] = update(groups[k], plen, e, old, add);
            }
            if (!add)
            {
                fold(at2, g3);
            }
        }
        if (!add && root[i] < 0)
        {
            foldRoot(i, g2);
        }
    }

    /** One entry: a pointer is followed into its group (every entry of it lies in the prefix's range). */
    private int update(final int current, final int plen, final int e, final int old, final boolean add)
    {
        if (current < 0)
        {
            final int start = (current & ~PTR) << 8;
            for (int k = start; k < start + GROUP; k++)
            {
                groups[k] = update(groups[k], plen, e, old, add);
            }
            return current;
        }
        if (add)
        {
            return depth(current) <= plen ? e : current;
        }
        return current == old ? e : current;
    }

    /** The group the entry at index points to, created (filled with the entry) when it is not a pointer yet. */
    private int group(final int[] table, final int index)
    {
        final int current = table[index];
        if (current < 0)
        {
            return current & ~PTR;
        }
        final int g;
        if (freeCount > 0)
        {
            g = freeGroups[--freeCount];
        }
        else
        {
            g = groupsTop++;
            if ((long)groupsTop * GROUP > groups.length)
            {
                groups = Arrays.copyOf(groups, Math.max(groups.length + (groups.length >> 1), groupsTop * GROUP));
            }
        }
        Arrays.fill(groups, g << 8, (g << 8) + GROUP, current);
        // table may be the old groups array when it was just grown: write through the field
        if (table == root)
        {
            root[index] = PTR | g;
        }
        else
        {
            groups[index] = PTR | g;
        }
        return g;
    }

    private boolean uniform(final int g)
    {
        final int start = g << 8;
        final int first = groups[start];
        if (first < 0)
        {
            return false;
        }
        for (int k = start + 1; k < start + GROUP; k++)
        {
            if (groups[k] != first)
            {
                return false;
            }
        }
        return true;
    }

    private void fold(final int parent, final int g)
    {
        if (uniform(g))
        {
            groups[parent] = groups[g << 8];
            release(g);
        }
    }

    private void foldRoot(final int i, final int g)
    {
        if (uniform(g))
        {
            root[i] = groups[g << 8];
            release(g);
        }
    }

    private void release(final int g)
    {
        if (freeCount == freeGroups.length)
        {
            freeGroups = Arrays.copyOf(freeGroups, freeGroups.length * 2);
        }
        freeGroups[freeCount++] = g;
    }
}
