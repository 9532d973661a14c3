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
final class Lpm4 extends LpmRules
{
    private static final int PTR = 0x8000_0000;
    private static final int GROUP = 256;

    private final int[] root = new int[1 << 16];
    /** Groups of 256 entries, back to back; index {@code group << 8 | byte}. */
    private int[] groups = new int[16 * GROUP];
    /** Groups ever handed out (the high-water mark). */
    private int groupsTop;
    private int[] freeGroups = new int[16];
    private int freeCount;

    /** @param expected how many prefixes to size the rule set for (it grows beyond). */
    Lpm4(final int expected)
    {
        super(expected);
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

    /** @return the groups in use. */
    @Override
    public int groupsInUse()
    {
        return groupsTop - freeCount;
    }

        @Override
    long entryBytes()
    {
        return root.length * 4L + groups.length * 4L + freeGroups.length * 4L;
    }

    @Override
    void clearEntries()
    {
        Arrays.fill(root, 0);
        groupsTop = 0;
        freeCount = 0;
    }

    /**
     * Adding (add true): entries of depth up to plen in the prefix's range become e. Deleting: entries equal to
     * old become e (only the deleted prefix's own entries are equal to it).
     */
    @Override
    void write(final int p, final int plen, final int e, final int old, final boolean add)
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
