package modules.route.impl;

/**
 * One lcore's IPv4 longest-prefix-match table for the benchmarks, outside OSGi. Split package on the plain
 * benchmark class path on purpose; it does not exist in the bundle.
 */
public final class BenchRoute
{
    private final Lpm lpm;

    /**
     * @param expected routes to size for.
     * @param kind     "dir-24-8" or "dir-16-8-8".
     */
    public BenchRoute(final int expected, final String kind)
    {
        lpm = Lpm.of(kind, expected);
    }

    /**
     * @param prefix the prefix.
     * @param plen   its length.
     * @param value  the route's value.
     * @return false for a duplicate.
     */
    public boolean add(final int prefix, final int plen, final int value)
    {
        return lpm.add(prefix, plen, value);
    }

    /** The lookup {@code RouteLookup.lookup4} makes once it has the calling lcore's table. */
    public int lookup(final int addr)
    {
        return lpm.lookup(addr);
    }

    /**
     * The route bundle's IPv4 core started outside OSGi (its sockopts, messages and per-lcore tables).
     *
     * @return the core, as the services it offers ({@code RouteLookup} and {@code Routes}); stop it with
     * {@link #stop}.
     */
    public static Object start(final platform.lcore.api.LcoreScheduler lcores,
        final platform.msgmgr.api.MsgManager msg, final modules.netif.api.Netif netif,
        final platform.sockopt.api.SockoptRegistry sockopts, final int expected)
    {
        final RouteCore core = new RouteCore(lcores, msg, netif, expected, 2_000_000, "bench", Lpm.DIR_24_8);
        core.start(sockopts);
        return core;
    }

    /** @param core what {@link #start} returned. */
    public static void stop(final Object core)
    {
        ((RouteCore)core).stop();
    }

    /** @return the bytes the table takes. */
    public long bytes()
    {
        return lpm.bytes();
    }
}
