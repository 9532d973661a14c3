package modules.neigh.impl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLongArray;

import modules.netif.api.Mbuf;
import modules.neigh.api.NeighConf;

/**
 * One lcore's IPv4 neighbour table (DPVS's {@code neigh_table[cid]}): (address, port) to MAC, state and flags, with
 * the packets held while an entry is being resolved. Open addressing with linear probing on primitive arrays and
 * backward-shift deletion (no tombstones), sized at construction: a lookup, an insert, a hold and a delete allocate
 * nothing. Held packets live in a fixed set of blocks of {@code qlen} slots; an entry takes a block while it holds
 * packets (few entries are unresolved at once, so the blocks are far fewer than the entries).
 * <p>
 * Correct for use by its own lcore only; the counters may be read from any thread (single writer, release stores).
 */
final class NeighTable
{
    static final long EMPTY = -1L;

    static final int OUTPUT = 0;
    static final int HELD = 1;
    static final int SENT_HELD = 2;
    static final int HOLD_OVERFLOW = 3;
    static final int TABLE_FULL = 4;
    static final int UNRESOLVED_DROPS = 5;
    static final int REQUESTS = 6;
    static final int REQUEST_FAILURES = 7;
    static final int ARP_ANSWERED = 8;
    static final int ARP_REPORTED = 9;
    static final int ARP_MALFORMED = 10;
    static final int ARP_TO_KERNEL = 11;
    static final int XMIT_FAILURES = 12;
    static final int LEARNED = 13;
    static final int AGED_OUT = 14;
    static final int DELETED_HELD = 15;
    static final int BAD_NEXTHOP = 16;
    static final String[] COUNTER_NAMES = {"output", "held", "sent_held", "hold_overflow", "table_full",
        "unresolved_drops", "requests", "request_failures", "arp_answered", "arp_reported", "arp_malformed",
        "arp_to_kernel", "xmit_failures", "learned", "aged_out", "deleted_held", "bad_nexthop"};

    final int lcoreId;
    private final int mask;
    private final int maxEntries;
    private final int qlen;
    private final long[] keys;
    private final long[] macs;
    private final byte[] states;
    private final byte[] flags;
    private final long[] deadlines;
    private final int[] blocks;
    private final Mbuf[] held;
    private final int[] heldCount;
    private final int[] freeBlocks;
    private int freeTop;
    private int size;
    /** Entries in state NONE: their resolution request still has to reach the master. */
    private int unrequested;
    final AtomicLongArray counters = new AtomicLongArray(COUNTER_NAMES.length);

    /**
     * @param lcoreId    the owning lcore.
     * @param maxEntries entries it holds at most.
     * @param qlen       packets held per unresolved entry at most.
     * @param maxBlocks  entries holding packets at once at most.
     */
    NeighTable(final int lcoreId, final int maxEntries, final int qlen, final int maxBlocks)
    {
        this.lcoreId = lcoreId;
        this.maxEntries = maxEntries;
        this.qlen = qlen;
        final int slots = Integer.highestOneBit(Math.max(4, maxEntries) * 2 - 1) << 1;
        this.mask = slots - 1;
        this.keys = new long[slots];
        java.util.Arrays.fill(keys, EMPTY);
        this.macs = new long[slots];
        this.states = new byte[slots];
        this.flags = new byte[slots];
        this.deadlines = new long[slots];
        this.blocks = new int[slots];
        java.util.Arrays.fill(blocks, -1);
        this.held = new Mbuf[maxBlocks * qlen];
        this.heldCount = new int[maxBlocks];
        this.freeBlocks = new int[maxBlocks];
        for (int i = 0; i < maxBlocks; i++)
        {
            freeBlocks[i] = maxBlocks - 1 - i;
        }
        this.freeTop = maxBlocks;
    }

    static long key(final int ip, final int port)
    {
        return ((long)port << 32) | (ip & 0xffffffffL);
    }

    private int home(final long key)
    {
        long h = key * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return (int)h & mask;
    }

    /** @return the slot of (ip, port), or -1. */
    int find(final int ip, final int port)
    {
        final long k = key(ip, port);
        int i = home(k);
        long at;
        while (EMPTY != (at = keys[i]))
        {
            if (at == k)
            {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /**
     * Adds an entry in state NONE with no MAC; the caller checked it is absent.
     *
     * @return its slot, or -1 when the table is full.
     */
    int insert(final int ip, final int port)
    {
        if (size >= maxEntries)
        {
            return -1;
        }
        final long k = key(ip, port);
        int i = home(k);
        while (EMPTY != keys[i])
        {
            i = (i + 1) & mask;
        }
        keys[i] = k;
        macs[i] = 0;
        states[i] = NeighConf.NUD_NONE;
        flags[i] = NeighConf.FLAG_HASHED;
        deadlines[i] = 0;
        blocks[i] = -1;
        size++;
        unrequested++;
        return i;
    }

    int ip(final int slot)
    {
        return (int)keys[slot];
    }

    int port(final int slot)
    {
        return (int)(keys[slot] >>> 32);
    }

    long mac(final int slot)
    {
        return macs[slot];
    }

    void mac(final int slot, final long mac)
    {
        macs[slot] = mac;
    }

    int state(final int slot)
    {
        return states[slot];
    }

    void state(final int slot, final int state)
    {
        if (NeighConf.NUD_NONE == states[slot])
        {
            unrequested--;
        }
        if (NeighConf.NUD_NONE == state)
        {
            unrequested++;
        }
        states[slot] = (byte)state;
    }

    boolean isStatic(final int slot)
    {
        return 0 != (flags[slot] & NeighConf.FLAG_STATIC);
    }

    void setStatic(final int slot, final boolean on)
    {
        flags[slot] = (byte)(on ? flags[slot] | NeighConf.FLAG_STATIC : flags[slot] & ~NeighConf.FLAG_STATIC);
    }

    long deadline(final int slot)
    {
        return deadlines[slot];
    }

    void deadline(final int slot, final long ns)
    {
        deadlines[slot] = ns;
    }

    int size()
    {
        return size;
    }

    int unrequested()
    {
        return unrequested;
    }

    int capacity()
    {
        return keys.length;
    }

    boolean used(final int slot)
    {
        return EMPTY != keys[slot];
    }

    /**
     * Queues a packet on an entry.
     *
     * @return false when the entry's queue is full or no block is free (the caller drops the packet).
     */
    boolean hold(final int slot, final Mbuf m)
    {
        int b = blocks[slot];
        if (b < 0)
        {
            if (0 == freeTop)
            {
                return false;
            }
            b = freeBlocks[--freeTop];
            blocks[slot] = b;
            heldCount[b] = 0;
        }
        final int n = heldCount[b];
        if (n == qlen)
        {
            return false;
        }
        held[b * qlen + n] = m;
        heldCount[b] = n + 1;
        return true;
    }

    /** @return packets held on an entry (DPVS's que_num). */
    int heldCount(final int slot)
    {
        final int b = blocks[slot];
        return b < 0 ? 0 : heldCount[b];
    }

    /**
     * Takes an entry's held packets, in arrival order, and frees its block.
     *
     * @param out at least {@code qlen} long.
     * @return how many were put in {@code out}.
     */
    int takeHeld(final int slot, final Mbuf[] out)
    {
        final int b = blocks[slot];
        if (b < 0)
        {
            return 0;
        }
        final int n = heldCount[b];
        final int base = b * qlen;
        for (int i = 0; i < n; i++)
        {
            out[i] = held[base + i];
            held[base + i] = null;
        }
        heldCount[b] = 0;
        blocks[slot] = -1;
        freeBlocks[freeTop++] = b;
        return n;
    }

    /**
     * Removes an entry; its held packets go to {@code out} for the caller to free.
     *
     * @return how many packets were put in {@code out}.
     */
    int remove(final int slot, final Mbuf[] out)
    {
        final int n = takeHeld(slot, out);
        if (NeighConf.NUD_NONE == states[slot])
        {
            unrequested--;
        }
        size--;
        // backward-shift deletion: pull every following entry of the run that may move closer to its home
        int hole = slot;
        int j = slot;
        while (true)
        {
            j = (j + 1) & mask;
            final long k = keys[j];
            if (EMPTY == k)
            {
                break;
            }
            final int h = home(k);
            final boolean stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
            if (!stays)
            {
                keys[hole] = k;
                macs[hole] = macs[j];
                states[hole] = states[j];
                flags[hole] = flags[j];
                deadlines[hole] = deadlines[j];
                blocks[hole] = blocks[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
        blocks[hole] = -1;
        return n;
    }

    /** One more event of a counter (only the owning lcore calls it). */
    void count(final int counter)
    {
        counters.setRelease(counter, counters.getPlain(counter) + 1);
    }

    void count(final int counter, final int n)
    {
        counters.setRelease(counter, counters.getPlain(counter) + n);
    }

    /**
     * Writes an entry as DPVS's {@code neigh_fill_param} does.
     *
     * @param out    little-endian, 52 bytes from its position on.
     * @param ifname the port's name.
     */
    void encode(final int slot, final ByteBuffer out, final String ifname)
    {
        final int at = out.position();
        out.putInt(at + NeighConf.AF_OFFSET, NeighConf.AF_INET);
        out.putInt(at + NeighConf.STATE_OFFSET, states[slot]);
        final int ip = ip(slot);
        out.put(at + NeighConf.IP_OFFSET, (byte)(ip >>> 24));
        out.put(at + NeighConf.IP_OFFSET + 1, (byte)(ip >>> 16));
        out.put(at + NeighConf.IP_OFFSET + 2, (byte)(ip >>> 8));
        out.put(at + NeighConf.IP_OFFSET + 3, (byte)ip);
        final long mac = macs[slot];
        for (int i = 0; i < 6; i++)
        {
            out.put(at + NeighConf.MAC_OFFSET + i, (byte)(mac >>> (40 - 8 * i)));
        }
        out.putInt(at + NeighConf.QUE_NUM_OFFSET, heldCount(slot));
        final byte[] name = ifname.getBytes(StandardCharsets.US_ASCII);
        out.put(at + NeighConf.IFNAME_OFFSET, name, 0, Math.min(name.length, NeighConf.IFNAME_LENGTH - 1));
        out.put(at + NeighConf.FLAG_OFFSET, flags[slot]);
        out.put(at + NeighConf.CID_OFFSET, (byte)lcoreId);
        out.position(at + NeighConf.SIZE);
    }
}
