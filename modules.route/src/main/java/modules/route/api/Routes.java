package modules.route.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The routing table as other bundles read and change it. Changes from the control socket (SET 28..31) and from
 * {@link #add} and {@link #delete} all run on the master lcore, so every lcore's table sees them in one order.
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
}
