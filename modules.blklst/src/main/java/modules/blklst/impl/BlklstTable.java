package modules.blklst.impl;

import java.util.Arrays;

/**
 * One lcore's blacklist: open addressing with linear probing over packed longs, so that a lookup reads one or two
 * adjacent array elements per probe and allocates nothing. IPv4 entries take 16 bytes a slot (service and client
 * address in one long, family, protocol and port in the other), IPv6 entries 40 bytes in a table of their own, so
 * the common IPv4 table stays dense in cache. Owned by one lcore: not thread-safe, never shared. Removal shifts
 * the rest of the run back instead of leaving tombstones, so lookups never slow down with churn. Each table grows
 * (on the owning lcore, on the control path) when a quarter full: most lookups miss (few clients are
 * blacklisted), and a miss probes until an empty slot, about 1.4 slots at that load against 2.5 at a half.
 */
final class BlklstTable
{
    /** The filter's bits per IPv4 entry at most (two probes: about 2 % false positives at 12 bits an entry). */
    private static final int BLOOM_BITS_PER_ENTRY = 12;

    private final Slots v4 = new Slots(2);
    private final Slots v6 = new Slots(5);
    /**
     * A counting Bloom filter over the IPv4 entries, asked first by the packet hook: two bits of an array that
     * stays in cache (16 KB for 10 000 entries) answer almost every packet of a client that is not blacklisted
     * (all but about 2 %), instead of a probe into a slot table of up to megabytes, a cache miss per packet.
     * {@link #bloomCount} (one byte per bit, touched on the control path only) lets removals clear bits; a count
     * that reached 255 stays, its bit set (a false positive, never a false negative).
     */
    private long[] bloom = new long[(1 << 16) / 64];
    private byte[] bloomCount = new byte[1 << 16];
    private int bloomMask = (1 << 16) - 1;

    /**
     * @param initialCapacity slots to start the IPv4 table with, rounded up to a power of two (at least 16).
     */
    BlklstTable(final int initialCapacity)
    {
        v4.reset(Math.max(16, Integer.highestOneBit(Math.max(1, initialCapacity - 1)) << 1));
        v6.reset(16);
    }

    /** af (8 bits), proto (8 bits) and port (16 bits) in one non-zero long (af is never 0 in an entry). */
    static long meta(final int af, final int proto, final int vport)
    {
        return ((long)af << 32) | ((long)(proto & 0xff) << 16) | (vport & 0xffff);
    }

    private static long v4key(final long vaddr, final long saddr)
    {
        return (vaddr << 32) | (saddr & 0xffffffffL);
    }

    /** Independent of {@link #hashV4}'s mix: the filter's two positions come from bits 0.. and 40.. of it. */
    private static long bloomHash(final long key, final long meta)
    {
        final long h = (key + meta * 0xC2B2AE3D27D4EB4FL) * 0x165667B19E3779F9L;
        return h ^ (h >>> 29);
    }

    /** Adds (+1) or removes (-1) an IPv4 key's two filter positions. */
    private void bloom(final long key, final long meta, final int delta)
    {
        final long x = bloomHash(key, meta);
        bloomAt((int)(x >>> 40) & bloomMask, delta);
        bloomAt((int)x & bloomMask, delta);
    }

    private void bloomAt(final int bit, final int delta)
    {
        final int c = bloomCount[bit] & 0xff;
        if (255 == c)
        {
            return;
        }
        final int n = c + delta;
        bloomCount[bit] = (byte)n;
        if (0 == n)
        {
            bloom[bit >>> 6] &= ~(1L << bit);
        }
        else
        {
            bloom[bit >>> 6] |= 1L << bit;
        }
    }

    /** @return the filter's bits set, and its size in bits (for tests and statistics). */
    long[] bloomFill()
    {
        long set = 0;
        for (final long w : bloom)
        {
            set += Long.bitCount(w);
        }
        return new long[] {set, bloomMask + 1L};
    }

    /** Doubles the filter when it holds more than {@link #BLOOM_BITS_PER_ENTRY} bits an entry, from the table. */
    private void growBloomIfFull()
    {
        if ((long)(v4.size + 1) * BLOOM_BITS_PER_ENTRY <= bloomMask + 1L)
        {
            return;
        }
        int bits = (bloomMask + 1) * 2;
        while ((long)(v4.size + 1) * BLOOM_BITS_PER_ENTRY > bits)
        {
            bits *= 2;
        }
        bloom = new long[bits / 64];
        bloomCount = new byte[bits];
        bloomMask = bits - 1;
        final long[] k = v4.keys;
        for (int i = 0; i <= v4.mask; i++)
        {
            if (0 != k[2 * i + 1])
            {
                bloom(k[2 * i], k[2 * i + 1], 1);
            }
        }
    }

    /** One multiply: enough spread for address pairs, and cheap on the lookup path. */
    private static int hashV4(final long key, final long meta)
    {
        final long h = (key ^ (meta << 20)) * 0x9E3779B97F4A7C15L;
        return (int)(h ^ (h >>> 32));
    }

    private static int hashV6(final long a, final long b, final long c, final long d, final long meta)
    {
        // independent multiplies overlap in the pipeline; xor mixes them
        final long h = (a * 0x9E3779B97F4A7C15L) ^ (c * 0xC2B2AE3D27D4EB4FL) ^ (meta * 0x165667B19E3779F9L)
            ^ b ^ Long.rotateLeft(d, 29);
        return (int)(h ^ (h >>> 32));
    }

    /**
     * The data-path lookup.
     *
     * @return true when the entry is in this table.
     */
    boolean contains(final long meta, final long vaddrHi, final long vaddrLo, final long saddrHi, final long saddrLo)
    {
        if ((meta >>> 32) == 2)
        {
            return findV4(v4key(vaddrHi, saddrHi), meta) >= 0;
        }
        return findV6(vaddrHi, vaddrLo, saddrHi, saddrLo, meta) >= 0;
    }

    /**
     * The packet hook's lookup: like {@link #contains} for IPv4, and counts a hit on the entry found.
     *
     * @return true when the entry is in this table.
     */
    boolean hitV4(final long meta, final long vaddr, final long saddr)
    {
        final long key = v4key(vaddr, saddr);
        final long x = bloomHash(key, meta);
        final long[] b = bloom;
        final int mask = bloomMask;
        final int b1 = (int)(x >>> 40) & mask;
        final int b2 = (int)x & mask;
        if (0 == (b[b1 >>> 6] & (1L << b1)) || 0 == (b[b2 >>> 6] & (1L << b2)))
        {
            return false;
        }
        final int i = findV4(key, meta);
        if (i < 0)
        {
            return false;
        }
        v4.hits[i]++;
        return true;
    }

    /**
     * @param e an entry.
     * @return the packets dropped on it by this table's lcore, 0 when it is not here.
     */
    long hits(final BlklstEntry e)
    {
        final long meta = meta(e.af(), e.proto(), e.vport());
        if (2 == e.af())
        {
            final int i = findV4(v4key(e.vaddrHi(), e.saddrHi()), meta);
            return i < 0 ? 0 : v4.hits[i];
        }
        final int i = findV6(e.vaddrHi(), e.vaddrLo(), e.saddrHi(), e.saddrLo(), meta);
        return i < 0 ? 0 : v6.hits[i];
    }

    boolean contains(final BlklstEntry e)
    {
        return contains(meta(e.af(), e.proto(), e.vport()), e.vaddrHi(), e.vaddrLo(), e.saddrHi(), e.saddrLo());
    }

    private int findV4(final long key, final long meta)
    {
        final long[] k = v4.keys;
        int i = hashV4(key, meta) & v4.mask;
        while (true)
        {
            final long m = k[2 * i + 1];
            if (0 == m)
            {
                return -1;
            }
            if (m == meta && k[2 * i] == key)
            {
                return i;
            }
            i = (i + 1) & v4.mask;
        }
    }

    private int findV6(final long a, final long b, final long c, final long d, final long meta)
    {
        final long[] k = v6.keys;
        int i = hashV6(a, b, c, d, meta) & v6.mask;
        while (true)
        {
            final int at = 5 * i;
            final long m = k[at + 4];
            if (0 == m)
            {
                return -1;
            }
            if (m == meta && k[at] == a && k[at + 1] == b && k[at + 2] == c && k[at + 3] == d)
            {
                return i;
            }
            i = (i + 1) & v6.mask;
        }
    }

    /** @return the home slot of the entry stored at slot {@code i} of {@code s}. */
    private static int home(final Slots s, final int i)
    {
        final long[] k = s.keys;
        if (2 == s.stride)
        {
            return hashV4(k[2 * i], k[2 * i + 1]) & s.mask;
        }
        final int at = 5 * i;
        return hashV6(k[at], k[at + 1], k[at + 2], k[at + 3], k[at + 4]) & s.mask;
    }

    /**
     * @param e the entry.
     * @return true when added, false when it was there already.
     */
    boolean add(final BlklstEntry e)
    {
        final long meta = meta(e.af(), e.proto(), e.vport());
        if (2 == e.af())
        {
            final long key = v4key(e.vaddrHi(), e.saddrHi());
            if (findV4(key, meta) >= 0)
            {
                return false;
            }
            growIfQuarterFull(v4);
            growBloomIfFull();
            put(v4, hashV4(key, meta), key, 0, 0, 0, meta);
            bloom(key, meta, 1);
            return true;
        }
        if (findV6(e.vaddrHi(), e.vaddrLo(), e.saddrHi(), e.saddrLo(), meta) >= 0)
        {
            return false;
        }
        growIfQuarterFull(v6);
        put(v6, hashV6(e.vaddrHi(), e.vaddrLo(), e.saddrHi(), e.saddrLo(), meta), e.vaddrHi(), e.vaddrLo(),
            e.saddrHi(), e.saddrLo(), meta);
        return true;
    }

    /** Stores a key that is not there; the meta long is the last of the slot's longs. */
    private static int put(final Slots s, final int hash, final long a, final long b, final long c, final long d,
        final long meta)
    {
        final long[] k = s.keys;
        final int stride = s.stride;
        int i = hash & s.mask;
        while (0 != k[stride * i + stride - 1])
        {
            i = (i + 1) & s.mask;
        }
        final int at = stride * i;
        k[at] = a;
        if (5 == stride)
        {
            k[at + 1] = b;
            k[at + 2] = c;
            k[at + 3] = d;
        }
        k[at + stride - 1] = meta;
        s.size++;
        return i;
    }

    private static void growIfQuarterFull(final Slots s)
    {
        if ((s.size + 1) * 4 <= s.mask + 1)
        {
            return;
        }
        final long[] old = s.keys;
        final long[] oldHits = s.hits;
        final int stride = s.stride;
        s.reset((s.mask + 1) * 2);
        for (int at = 0; at < old.length; at += stride)
        {
            final long meta = old[at + stride - 1];
            if (0 == meta)
            {
                continue;
            }
            final int i;
            if (2 == stride)
            {
                i = put(s, hashV4(old[at], meta), old[at], 0, 0, 0, meta);
            }
            else
            {
                i = put(s, hashV6(old[at], old[at + 1], old[at + 2], old[at + 3], meta), old[at], old[at + 1],
                    old[at + 2], old[at + 3], meta);
            }
            s.hits[i] = oldHits[at / stride];
        }
    }

    /**
     * @param e the entry.
     * @return true when removed, false when it was not there.
     */
    boolean remove(final BlklstEntry e)
    {
        final long meta = meta(e.af(), e.proto(), e.vport());
        final Slots s;
        int hole;
        if (2 == e.af())
        {
            s = v4;
            hole = findV4(v4key(e.vaddrHi(), e.saddrHi()), meta);
            if (hole >= 0)
            {
                bloom(v4key(e.vaddrHi(), e.saddrHi()), meta, -1);
            }
        }
        else
        {
            s = v6;
            hole = findV6(e.vaddrHi(), e.vaddrLo(), e.saddrHi(), e.saddrLo(), meta);
        }
        if (hole < 0)
        {
            return false;
        }
        final long[] k = s.keys;
        final int stride = s.stride;
        // backward-shift deletion: move back every later entry of the run whose home slot is not after the hole
        int i = hole;
        while (true)
        {
            i = (i + 1) & s.mask;
            if (0 == k[stride * i + stride - 1])
            {
                break;
            }
            final int home = home(s, i);
            // the entry at i may fill the hole unless its home lies cyclically in (hole, i]
            final boolean homeBetween = hole <= i ? home > hole && home <= i : home > hole || home <= i;
            if (!homeBetween)
            {
                System.arraycopy(k, stride * i, k, stride * hole, stride);
                s.hits[hole] = s.hits[i];
                hole = i;
            }
        }
        Arrays.fill(k, stride * hole, stride * hole + stride, 0);
        s.hits[hole] = 0;
        s.size--;
        return true;
    }

    void clear()
    {
        Arrays.fill(v4.keys, 0);
        Arrays.fill(v6.keys, 0);
        Arrays.fill(v4.hits, 0);
        Arrays.fill(v6.hits, 0);
        Arrays.fill(bloom, 0);
        Arrays.fill(bloomCount, (byte)0);
        v4.size = 0;
        v6.size = 0;
    }

    int size()
    {
        return v4.size + v6.size;
    }

    /** @return slots of the IPv4 and the IPv6 table together. */
    int capacity()
    {
        return v4.mask + 1 + v6.mask + 1;
    }

    /** A power-of-two array of slots of {@code stride} longs, the last one the non-zero meta of a used slot. */
    private static final class Slots
    {
        final int stride;
        long[] keys;
        /** Packets dropped per slot by the packet hook; moves with its entry. */
        long[] hits;
        int mask;
        int size;

        Slots(final int stride)
        {
            this.stride = stride;
        }

        void reset(final int slots)
        {
            keys = new long[slots * stride];
            hits = new long[slots];
            mask = slots - 1;
            size = 0;
        }
    }
}
