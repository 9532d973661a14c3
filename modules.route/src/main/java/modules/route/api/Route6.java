package modules.route.api;

/**
 * The answer of an IPv6 route lookup, filled in by {@link Routes6#lookup6}. One per lcore, reused for every packet,
 * so a lookup allocates nothing. An address is two longs: {@code hi} holds its first 8 bytes, {@code lo} its last 8,
 * each read big-endian (2001:db8::1 is hi {@code 0x20010db800000000L}, lo {@code 1L}).
 *
 * @since 1.1
 */
public final class Route6
{
    /** The destination is one of ours (RTF_LOCALIN, RTF_KNI): deliver locally. */
    public static final int LOCAL = 1;
    /** The destination is on the port's link: the next hop is the destination itself. */
    public static final int CONNECTED = 2;
    /** Through a gateway. */
    public static final int GATEWAY = 3;

    /** Port to send on. */
    public int port;
    /** {@link #LOCAL}, {@link #CONNECTED} or {@link #GATEWAY}. */
    public int kind;
    /** Next hop, first 8 bytes: the gateway, or the destination for a connected or local route. */
    public long nextHopHi;
    /** Next hop, last 8 bytes. */
    public long nextHopLo;
    /** MTU of the route (the port's when it was added with 0). */
    public int mtu;
    /** The route's source ({@code src}), first 8 bytes; 0 and 0 when none. */
    public long srcHi;
    /** The route's source, last 8 bytes. */
    public long srcLo;
    /** The route's RTF_* flags ({@link RouteConf}). */
    public int flags;
}
