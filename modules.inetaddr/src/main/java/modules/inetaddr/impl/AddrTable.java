package modules.inetaddr.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One lcore's addresses, touched by that lcore only: the entries in insertion order (for listings and the
 * control path) and an open-addressing count per address, so the data path's "is it ours?" reads two ints at
 * best and allocates nothing. Changes are idempotent (adding a present entry or removing an absent one does
 * nothing), so an undo after a partly failed multicast is harmless.
 */
final class AddrTable
{
    private final List<IfAddr> entries = new ArrayList<>();
    /** Addresses (0 = empty slot; 0.0.0.0 is never an interface address) and how many entries hold each. */
    private int[] keys = new int[16];
    private int[] counts = new int[16];
    private int used;

    /**
     * @param addr an address.
     * @return whether an entry holds it. Allocates nothing.
     */
    boolean contains(final int addr)
    {
        if (0 == addr)
        {
            return false;
        }
        final int[] k = keys;
        final int m = k.length - 1;
        for (int i = mix(addr) & m;; i = (i + 1) & m)
        {
            final int v = k[i];
            if (v == addr)
            {
                return true;
            }
            if (0 == v)
            {
                return false;
            }
        }
    }

    /** @return the entry matching as DPVS's ifa_lookup does, or null. */
    IfAddr find(final int port, final int addr, final int plen)
    {
        for (final IfAddr a : entries)
        {
            if (a.matches(port, addr, plen))
            {
                return a;
            }
        }
        return null;
    }

    /** Adds an entry unless one with its port, address and prefix length is there. */
    void add(final IfAddr a)
    {
        if (null != find(a.port(), a.addr(), a.plen()))
        {
            return;
        }
        entries.add(a);
        count(a.addr(), 1);
    }

    /** Removes the entry with that port, address and prefix length, if any. */
    void remove(final IfAddr a)
    {
        for (int i = 0; i < entries.size(); i++)
        {
            if (entries.get(i).matches(a.port(), a.addr(), a.plen()))
            {
                entries.remove(i);
                count(a.addr(), -1);
                return;
            }
        }
    }

    /** Puts a changed copy in the place of the entry with the same port, address and prefix length. */
    void replace(final IfAddr a)
    {
        for (int i = 0; i < entries.size(); i++)
        {
            if (entries.get(i).matches(a.port(), a.addr(), a.plen()))
            {
                entries.set(i, a);
                return;
            }
        }
        add(a);
    }

    /**
     * @param port a port id.
     * @return the entries of that port, removed.
     */
    List<IfAddr> removePort(final int port)
    {
        final List<IfAddr> gone = new ArrayList<>();
        for (final IfAddr a : List.copyOf(entries))
        {
            if (a.port() == port)
            {
                remove(a);
                gone.add(a);
            }
        }
        return gone;
    }

    /** @return a copy of the entries in insertion order. */
    IfAddr[] toArray()
    {
        return entries.toArray(new IfAddr[0]);
    }

    int size()
    {
        return entries.size();
    }

    private void count(final int addr, final int delta)
    {
        final int m = keys.length - 1;
        int i = mix(addr) & m;
        while (0 != keys[i] && keys[i] != addr)
        {
            i = (i + 1) & m;
        }
        if (keys[i] == addr)
        {
            counts[i] += delta;
            if (counts[i] <= 0)
            {
                rebuildWithout(addr);
            }
            return;
        }
        if (delta <= 0)
        {
            return;
        }
        keys[i] = addr;
        counts[i] = delta;
        if (++used * 2 > keys.length)
        {
            rehash(keys.length * 2, 0);
        }
    }

    /** Open addressing with linear probing cannot just clear a slot: rebuild without the address. */
    private void rebuildWithout(final int addr)
    {
        used--;
        rehash(keys.length, addr);
    }

    private void rehash(final int size, final int skip)
    {
        final int[] ok = keys;
        final int[] oc = counts;
        final int[] nk = new int[size];
        final int[] nc = new int[size];
        final int m = size - 1;
        for (int j = 0; j < ok.length; j++)
        {
            if (0 != ok[j] && ok[j] != skip)
            {
                int i = mix(ok[j]) & m;
                while (0 != nk[i])
                {
                    i = (i + 1) & m;
                }
                nk[i] = ok[j];
                nc[i] = oc[j];
            }
        }
        counts = nc;
        keys = nk;
    }

    private static int mix(final int a)
    {
        final int h = a * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    @Override
    public String toString()
    {
        return entries + " " + Arrays.toString(keys);
    }
}
