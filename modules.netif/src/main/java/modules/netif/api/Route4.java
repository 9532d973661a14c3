package modules.netif.api;

/**
 * The answer of an IPv4 route lookup, filled in by {@link RouteLookup#lookup4}. One per lcore, reused for every
 * packet, so a lookup allocates nothing.
 */
public final class Route4
{
    /** The destination is one of ours: deliver locally. */
    public static final int LOCAL = 1;
    /** The destination is on the port's link: the next hop is the destination itself. */
    public static final int CONNECTED = 2;
    /** Through a gateway. */
    public static final int GATEWAY = 3;

    /** Port to send on. */
    public int port;
    /** Next hop: the gateway, or the destination for a connected or local route. */
    public int nextHop;
    /** {@link #LOCAL}, {@link #CONNECTED} or {@link #GATEWAY}. */
    public int kind;
    /** MTU of the route, 0 for the port's. */
    public int mtu;
    /**
     * The route's preferred source (DPVS's {@code src}: a connected route carries the address it follows), 0 when
     * none; what the data plane puts as sender in the packets it builds for that route (ARP requests, ICMP).
     *
     * @since 1.1
     */
    public int src;

    /**
     * @param port    port.
     * @param nextHop next hop.
     * @param kind    kind.
     * @return this.
     */
    public Route4 set(final int port, final int nextHop, final int kind)
    {
        this.port = port;
        this.nextHop = nextHop;
        this.kind = kind;
        this.mtu = 0;
        this.src = 0;
        return this;
    }
}
