package modules.route.impl;

import java.util.Arrays;

import modules.netif.api.Route4;

/**
 * One lcore's IPv4 routing table: an {@link Lpm} whose values index the routes. Created, read and changed by its
 * own lcore only. {@link #lookup} allocates nothing.
 */
final class RouteTable
{
    /** What a lookup reads per slot, packed so one cache line holds it: port and kind, gateway, mtu, source. */
    private static final int HOT = 4;

    private final Lpm lpm;
    private RouteEntry[] routes;
    /**
     * Per slot, {@link #HOT} ints: {@code port << 2 | kind}, gateway, mtu, src. A lookup reads these instead of the
     * shared {@link RouteEntry} (a reference array and an object, two more cache misses per packet when a table of
     * 100k routes is hit at random).
     */
    private int[] hot;
    private int[] free = new int[16];
    private int freeCount;
    private int top;

    /**
     * @param expected how many routes to size for (it grows beyond).
     * @param lpm      {@link Lpm#DIR_24_8} or {@link Lpm#DIR_16_8_8}.
     */
    RouteTable(final int expected, final String lpm)
    {
        this.lpm = Lpm.of(lpm, expected);
        routes = new RouteEntry[Math.max(16, expected)];
        hot = new int[routes.length * HOT];
    }

    /**
     * @param daddr the destination.
     * @param out   filled in when a route matches.
     * @return whether one did.
     */
    boolean lookup(final int daddr, final Route4 out)
    {
        final int v = lpm.lookup(daddr);
        if (v < 0)
        {
            return false;
        }
        final int at = v * HOT;
        final int[] h = hot;
        final int portKind = h[at];
        final int kind = portKind & 3;
        out.port = portKind >>> 2;
        out.kind = kind;
        out.nextHop = Route4.GATEWAY == kind ? h[at + 1] : daddr;
        out.mtu = h[at + 2];
        out.src = h[at + 3];
        return true;
    }

    /**
     * @param daddr the destination.
     * @return the longest match, or null.
     */
    RouteEntry match(final int daddr)
    {
        final int v = lpm.lookup(daddr);
        return v < 0 ? null : routes[v];
    }

    /**
     * @param r a route.
     * @return the route the table holds for r's prefix, or null.
     */
    RouteEntry get(final RouteEntry r)
    {
        final int v = lpm.get(r.dst(), r.plen());
        return v < 0 ? null : routes[v];
    }

    /**
     * @param r a route.
     * @return false when the table has a route for its prefix already (left as it is).
     */
    boolean add(final RouteEntry r)
    {
        if (null != get(r))
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
                hot = Arrays.copyOf(hot, routes.length * HOT);
            }
            slot = top++;
        }
        routes[slot] = r;
        final int at = slot * HOT;
        hot[at] = r.port() << 2 | r.kind();
        hot[at + 1] = r.gateway();
        hot[at + 2] = r.mtu();
        hot[at + 3] = r.src();
        lpm.add(r.dst(), r.plen(), slot);
        return true;
    }

    /**
     * @param r a route; only its prefix counts.
     * @return the route removed, or null when the table had none for that prefix.
     */
    RouteEntry remove(final RouteEntry r)
    {
        final int slot = lpm.remove(r.dst(), r.plen());
        if (slot < 0)
        {
            return null;
        }
        final RouteEntry old = routes[slot];
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

    /** @return the bytes the table's arrays take (the routes themselves are shared by every lcore). */
    long bytes()
    {
        return lpm.bytes() + routes.length * 4L + hot.length * 4L + free.length * 4L;
    }

    /** @return the LPM's groups in use. */
    int groups()
    {
        return lpm.groupsInUse();
    }
}
