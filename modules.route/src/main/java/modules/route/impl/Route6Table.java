package modules.route.impl;

import java.util.Arrays;

import modules.route.api.Route6;

/**
 * One lcore's IPv6 routing table: an {@link Lpm6} whose values index the routes. Created, read and changed by its
 * own lcore only. {@link #lookup} allocates nothing.
 */
final class Route6Table
{
    private final Lpm6 lpm;
    private Route6Entry[] routes;
    private int[] free = new int[16];
    private int freeCount;
    private int top;

    /** @param expected how many routes to size for (it grows beyond). */
    Route6Table(final int expected)
    {
        lpm = new Lpm6(expected);
        routes = new Route6Entry[Math.max(16, expected)];
    }

    /**
     * @param hi  the destination's first 8 bytes.
     * @param lo  its last 8 bytes.
     * @param out filled in when a route matches.
     * @return whether one did.
     */
    boolean lookup(final long hi, final long lo, final Route6 out)
    {
        final int v = lpm.lookup(hi, lo);
        if (v < 0)
        {
            return false;
        }
        final Route6Entry r = routes[v];
        final int kind = r.kind();
        out.port = r.port();
        out.kind = kind;
        if (Route6.GATEWAY == kind)
        {
            out.nextHopHi = r.gwHi();
            out.nextHopLo = r.gwLo();
        }
        else
        {
            out.nextHopHi = hi;
            out.nextHopLo = lo;
        }
        out.mtu = r.mtu();
        out.srcHi = r.srcHi();
        out.srcLo = r.srcLo();
        out.flags = r.flags();
        return true;
    }

    /**
     * @param hi the destination's first 8 bytes.
     * @param lo its last 8 bytes.
     * @return the longest match, or null.
     */
    Route6Entry match(final long hi, final long lo)
    {
        final int v = lpm.lookup(hi, lo);
        return v < 0 ? null : routes[v];
    }

    /**
     * @param r a route.
     * @return false when the table has a route for its prefix already (left as it is).
     */
    boolean add(final Route6Entry r)
    {
        if (lpm.get(r.dstHi(), r.dstLo(), r.plen()) >= 0)
        {
            return false;
        }
        final int slot;
        if (freeCount > 0)
        {
            slot = free[--freeCount];
        }
        else
        {
            if (top == routes.length)
            {
                routes = Arrays.copyOf(routes, routes.length * 2);
            }
            slot = top++;
        }
        routes[slot] = r;
        lpm.add(r.dstHi(), r.dstLo(), r.plen(), slot);
        return true;
    }

    /**
     * @param r a route; only its prefix counts.
     * @return the route removed, or null when the table had none for that prefix.
     */
    Route6Entry remove(final Route6Entry r)
    {
        final int slot = lpm.remove(r.dstHi(), r.dstLo(), r.plen());
        if (slot < 0)
        {
            return null;
        }
        final Route6Entry old = routes[slot];
        routes[slot] = null;
        if (freeCount == free.length)
        {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
        return old;
    }

    void clear()
    {
        lpm.clear();
        Arrays.fill(routes, 0, top, null);
        top = 0;
        freeCount = 0;
    }

    int size()
    {
        return lpm.size();
    }

    /** @return the distinct prefix lengths in use (the probes of a lookup that misses). */
    int lengthsInUse()
    {
        return lpm.lengthsInUse();
    }

    /** @return the bytes the table's arrays take (the routes themselves are shared by every lcore). */
    long bytes()
    {
        return lpm.bytes() + routes.length * 4L + free.length * 4L;
    }
}
