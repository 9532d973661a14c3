package modules.route.impl;

import java.util.Arrays;

/**
 * IPv4 longest-prefix match, DIR-24-8: DPDK's {@code rte_lpm} (Gupta, Lin and McKeown). A first level of 2^24 ints
 * indexed by the top 24 bits answers every prefix up to /24 with one memory read; a longer prefix puts a pointer
 * there to a 256-entry group for the last 8 bits (a second read). 64 MB a table whatever it holds, against
 * {@link Lpm4}'s 256 KB plus 1 KB a group, and for that one dependent cache miss a lookup instead of two when the
 * table is large and hit at random (100k BGP-like routes: 60 000 second-level groups in {@link Lpm4}).
 * <p>
 * Entries as in {@link Lpm4}: 0 when nothing matches; {@code (value + 1) << 6 | depth} for a route;
 * {@code 0x80000000 | group} for a pointer. A group is created filled with the entry it replaces and is folded back
 * when a delete leaves its 256 entries equal; a delete rewrites the entries that held the deleted prefix with the
 * longest shorter rule covering it, from the rule set ({@link PrefixMap}).
 * <p>
 * {@link #lookup} allocates nothing and takes no lock. Correct for single thread use only: each lcore owns its own.
 */
final class Lpm24 extends LpmRules
{
    private static final int PTR = 0x8000_0000;
    private static final int GROUP = 256;

    private final int[] root = new int[1 << 24];
    /** Groups of 256 entries, back to back; index {@code group << 8 | last byte}. */
    private int[] groups = new int[16 * GROUP];
    private int groupsTop;
    private int[] freeGroups = new int[16];
    private int freeCount;

    /** @param expected how many prefixes to size the rule set for (it grows beyond). */
    Lpm24(final int expected)
    {
        super(expected);
    }

    @Override
    public int lookup(final int addr)
    {
        int e = root[addr >>> 8];
        if (e < 0)
        {
            e = groups[((e & ~PTR) << 8) | (addr & 0xff)];
        }
        return (e >>> 6) - 1;
    }

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
        final int i = p >>> 8;
        if (plen <= 24)
        {
            final int end = i + (1 << (24 - plen));
            for (int k = i; k < end; k++)
            {
                root[k] = update(root[k], plen, e, old, add);
            }
            return;
        }
        final int g = add ? group(i) : root[i] & ~PTR;
        final int start = (g << 8) | (p & 0xff);
        final int end = start + (1 << (32 - plen));
        for (int k = start; k < end; k++)
        {
            groups[k] = update(groups[k], plen, e, old, add);
        }
        if (!add)
        {
            fold(i, g);
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
                final int c = groups[k];
                if (add ? (c & 63) <= plen : c == old)
                {
                    groups[k] = e;
                }
            }
            return current;
        }
        if (add)
        {
            return (current & 63) <= plen ? e : current;
        }
        return current == old ? e : current;
    }

    /** The group the root entry at index points to, created (filled with the entry) when it is not a pointer yet. */
    private int group(final int index)
    {
        final int current = root[index];
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
        root[index] = PTR | g;
        return g;
    }

    private void fold(final int i, final int g)
    {
        final int start = g << 8;
        final int first = groups[start];
        for (int k = start + 1; k < start + GROUP; k++)
        {
            if (groups[k] != first)
            {
                return;
            }
        }
        root[i] = first;
        if (freeCount == freeGroups.length)
        {
            freeGroups = Arrays.copyOf(freeGroups, freeGroups.length * 2);
        }
        freeGroups[freeCount++] = g;
    }
}
