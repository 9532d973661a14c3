package modules.route.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The routing table as other bundles may read it. Changes go through the control socket (SET 28..31), so that
 * every lcore's table sees them in the same order.
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
}
