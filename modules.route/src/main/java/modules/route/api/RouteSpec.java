package modules.route.api;

/**
 * An IPv4 route as another bundle adds or deletes it through {@link Routes#add} and {@link Routes#delete}: the
 * fields of {@code dp_vs_route_detail} that SET 28 and 29 carry. Addresses are the big-endian values of their
 * network-order bytes (10.0.0.1 is {@code 0x0a000001}).
 *
 * @param dst     the destination.
 * @param plen    its prefix length, 0..32.
 * @param flags   {@code RTF_*} of {@link RouteConf}: FORWARD for a net route, LOCALIN for a local /32.
 * @param gateway the gateway, 0 for none (a connected route).
 * @param src     the preferred source, 0 for none (netif's {@code Route4.src}).
 * @param mtu     the MTU, 0 for the port's.
 * @param metric  the metric.
 * @param ifname  the port's name.
 * @since 1.1
 */
public record RouteSpec(int dst, int plen, int flags, int gateway, int src, int mtu, int metric, String ifname)
{
}
