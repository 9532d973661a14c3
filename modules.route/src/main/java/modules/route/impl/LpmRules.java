package modules.route.impl;

/**
 * What {@link Lpm4} and {@link Lpm24} share: the rule set (every prefix and its value, in a {@link PrefixMap}), the
 * checks of an add or a delete, and the entry a delete leaves behind (the longest shorter rule covering the
 * prefix). Each table only writes its entries ({@link #write}) and looks them up.
 * <p>
 * An entry is one int: 0 when nothing matches, {@code (value + 1) << 6 | depth} for a route, negative for a pointer
 * to a group.
 */
abstract class LpmRules implements Lpm
{
    /** The largest value a route may carry. */
    static final int MAX_VALUE = (1 << 25) - 2;

    private final PrefixMap rules;

    /** @param expected how many prefixes to size the rule set for (it grows beyond). */
    LpmRules(final int expected)
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

    static int entry(final int value, final int depth)
    {
        return ((value + 1) << 6) | depth;
    }

    static int depth(final int entry)
    {
        return entry & 63;
    }

    /**
     * Writes a prefix's entries. Adding (add true): entries of depth up to plen in the prefix's range become e.
     * Deleting: entries equal to old become e (only the deleted prefix's own entries are equal to it).
     */
    abstract void write(int p, int plen, int e, int old, boolean add);

    /** Empties the entries (the rule set is emptied by {@link #clear}). */
    abstract void clearEntries();

    /** @return the bytes of the entries' arrays. */
    abstract long entryBytes();

    @Override
    public final int get(final int prefix, final int plen)
    {
        return rules.get(PrefixMap.key(mask(prefix, plen), plen));
    }

    @Override
    public final int size()
    {
        return rules.size();
    }

    @Override
    public final long bytes()
    {
        return entryBytes() + rules.bytes();
    }

    @Override
    public final boolean add(final int prefix, final int plen, final int value)
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

    @Override
    public final int remove(final int prefix, final int plen)
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

    @Override
    public final void clear()
    {
        clearEntries();
        rules.clear();
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
}
