package modules.route.impl;

/**
 * An IPv4 longest-prefix-match table of one lcore: {@link Lpm4} (DIR-16-8-8, small) or {@link Lpm24} (DIR-24-8,
 * DPDK's {@code rte_lpm}: one memory read for prefixes up to /24, 64 MB a table). Values are route slots. Not
 * thread-safe: each lcore owns its own.
 */
interface Lpm
{
    /** The kinds, as the configuration names them. */
    String DIR_24_8 = "dir-24-8";
    String DIR_16_8_8 = "dir-16-8-8";

    /**
     * @param kind     {@link #DIR_24_8} or {@link #DIR_16_8_8}.
     * @param expected prefixes to size the rule set for.
     * @return a new empty table.
     * @throws IllegalArgumentException for another kind.
     */
    static Lpm of(final String kind, final int expected)
    {
        if (DIR_24_8.equals(kind))
        {
            return new Lpm24(expected);
        }
        if (DIR_16_8_8.equals(kind))
        {
            return new Lpm4(expected);
        }
        throw new IllegalArgumentException("lpm " + kind + ": want " + DIR_24_8 + " or " + DIR_16_8_8);
    }

    /**
     * @param addr the destination, big-endian value of its bytes.
     * @return the value of the longest prefix matching it, or -1.
     */
    int lookup(int addr);

    /** @return the value of exactly that prefix, or -1. */
    int get(int prefix, int plen);

    /** @return false when the table already has this prefix (nothing changed). */
    boolean add(int prefix, int plen, int value);

    /** @return the value it had, or -1 when the table does not have it. */
    int remove(int prefix, int plen);

    /** Empties the table (keeps its arrays). */
    void clear();

    /** @return the number of prefixes. */
    int size();

    /** @return the second- (and third-) level groups in use. */
    int groupsInUse();

    /** @return the bytes the table's arrays take. */
    long bytes();
}
