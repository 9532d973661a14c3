package modules.route.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The routing tables as other bundles read and change them. Changes from the control socket (SET 28..31, and for
 * IPv6 SET 33..34) and from {@link #add} and {@link #delete} all run on the master lcore, so every lcore's table
 * sees them in one order. IPv6 addresses are two longs: the first 8 bytes read big-endian, then the last 8.
 */
@ProviderType
public interface Routes
{
    /** @return the number of IPv4 routes the master lcore holds (what GET 32 lists). */
    int size();

    /**
     * Called on an lcore: its own table's longest match for {@code daddr}.
     *
     * @param daddr the destination, the value of its network-order bytes read big-endian (10.0.0.1 is
     *              {@code 0x0a000001}).
     * @return the matching route as dpip prints it ("10.0.0.0/24 via 0.0.0.0 dev dpdk0 ..."), or null when none
     * matches or the caller is not an lcore. Allocates: for tools and tests, not the data path.
     */
    String describe(int daddr);

    /**
     * Adds a route as SET 28 does: the same checks and codes, multicast to every forwarding lcore, the master's
     * table changed only once all of them applied it. May be called on any thread; from another thread than the
     * master lcore it travels there as a message, and the call waits.
     *
     * @param route the route.
     * @return an {@code Edpvs} code: OK, EXIST for a routed prefix, INVAL for a bad route or an unknown device,
     * or the multicast's failure.
     * @since 1.1
     */
    int add(RouteSpec route);

    /**
     * Deletes a route as SET 29 does (matched by prefix and device).
     *
     * @param route the route.
     * @return an {@code Edpvs} code: OK, NOTEXIST when that prefix is not routed on that device, INVAL, or the
     * multicast's failure.
     * @since 1.1
     */
    int delete(RouteSpec route);

    /**
     * @return the number of IPv6 routes the master lcore holds (what GET 35 lists).
     * @since 1.1
     */
    int size6();

    /**
     * The data path's IPv6 lookup: the longest match for a destination in the calling lcore's own table. Allocates
     * nothing and takes no lock; call it on the lcore {@code lcoreId} only.
     *
     * @param lcoreId the lcore calling.
     * @param hi      the destination's first 8 bytes, big-endian.
     * @param lo      its last 8 bytes.
     * @param out     filled in when a route matches.
     * @return whether one did (false too when the lcore has no table yet).
     * @since 1.1
     */
    boolean lookup6(int lcoreId, long hi, long lo, Route6 out);

    /**
     * Called on an lcore: its own IPv6 table's longest match, as {@code dpip -6 route show} prints it.
     *
     * @param hi the destination's first 8 bytes, big-endian.
     * @param lo its last 8 bytes.
     * @return the route ("inet6 2001:db8::/64 dev dpdk0 mtu 1500 scope link"), or null when none matches or the
     * caller is not an lcore. Allocates: for tools and tests, not the data path.
     * @since 1.1
     */
    String describe6(long hi, long lo);
}
