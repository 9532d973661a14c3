package modules.route.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The IPv6 routing table (DPVS's route6) as other bundles read it; offered by the route bundle beside
 * {@link Routes} (a service of its own, so that {@link Routes} and its implementations are left as they are).
 * Changes come from the control socket (SET 33..34) and run on the master lcore. An address is two longs: its
 * first 8 bytes read big-endian, then its last 8 (2001:db8::1 is {@code 0x20010db800000000L}, {@code 1L}).
 *
 * @since 1.1
 */
@ProviderType
public interface Routes6
{
    /** @return the number of IPv6 routes the master lcore holds (what GET 35 lists). */
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
     */
    boolean lookup6(int lcoreId, long hi, long lo, Route6 out);

    /**
     * Called on an lcore: its own IPv6 table's longest match, as {@code dpip -6 route show} prints it.
     *
     * @param hi the destination's first 8 bytes, big-endian.
     * @param lo its last 8 bytes.
     * @return the route ("inet6 2001:db8::/64 dev dpdk0 mtu 1500 scope link"), or null when none matches or the
     * caller is not an lcore. Allocates: for tools and tests, not the data path.
     */
    String describe6(long hi, long lo);
}
