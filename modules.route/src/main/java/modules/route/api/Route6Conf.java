package modules.route.api;

/**
 * DPVS's IPv6 route sockopts and {@code struct dp_vs_route6_conf} (include/conf/route6.h, v1.10), as dpip sends
 * them: {@code dpip -6 route add} and {@code del} are both SET 33, told apart by {@code ops} (2 ADD, 3 DEL);
 * {@code dpip -6 route flush} is SET 34 (ops 4); {@code dpip -6 route show} is GET 35 with the same 104-byte
 * record as its body (ops 0, flags RTF_FORWARD, ifname for {@code dev X}).
 *
 * <pre>
 * dp_vs_route6_conf, 104 bytes, __attribute__((packed)), little-endian host order except the addresses
 *  0      4                      24                     44                     64                80
 *  +------+----------------------+----------------------+----------------------+-----------------+--
 *  | ops  | dst      rt_addr     | src      rt_addr     | prefsrc  rt_addr     | ifname char[16] | ..
 *  +------+----------------------+----------------------+----------------------+-----------------+--
 *     80                96      100     104
 *  ..-+-----------------+-------+-------+
 *     | gateway in6_addr|  mtu  | flags |
 *  ..-+-----------------+-------+-------+
 *
 * rt_addr (rt_addr_t, include/conf/flow.h), 20 bytes: addr union inet_addr (16 bytes, the in6_addr in network
 * order), plen int32 at +16. So dst.plen is at 20, src.plen at 40, prefsrc.plen at 60.
 * ops: RT6_OPS_GET 1, RT6_OPS_ADD 2, RT6_OPS_DEL 3, RT6_OPS_FLUSH 4 (dpip leaves 0 in a show request).
 * flags: the RTF_* of {@link RouteConf}; dpip sets RTF_FORWARD unless "scope host"/"local" (RTF_LOCALIN) or
 * "scope kni_host" (RTF_KNI) is given. A prefix without /len is a /128; "default" is ::/0.
 *
 * SHOW reply (GET 35): nroute int32, then nroute records of 104 bytes, no gap (dp_vs_route6_conf_array, packed):
 * len == 4 + 104 * nroute exactly, the 4-byte count included when there is no route. Each record: ops 0, dst
 * masked to its length, src, prefsrc, ifname, gateway, mtu (the port's when the route was added with 0), flags.
 * </pre>
 *
 * @since 1.1
 */
public final class Route6Conf
{
    /** {@code SOCKOPT_SET_ROUTE6_ADD_DEL}: add or delete, by {@link #OPS_OFFSET}. */
    public static final int SOCKOPT_SET_ROUTE6_ADD_DEL = 33;
    /** {@code SOCKOPT_SET_ROUTE6_FLUSH}. */
    public static final int SOCKOPT_SET_ROUTE6_FLUSH = 34;
    /** {@code SOCKOPT_GET_ROUTE6_SHOW}. */
    public static final int SOCKOPT_GET_ROUTE6_SHOW = 35;

    public static final int OPS_GET = 1;
    public static final int OPS_ADD = 2;
    public static final int OPS_DEL = 3;
    public static final int OPS_FLUSH = 4;

    /** {@code sizeof(struct dp_vs_route6_conf)}. */
    public static final int SIZE = 104;
    public static final int OPS_OFFSET = 0;
    public static final int DST_OFFSET = 4;
    /** dst.plen. */
    public static final int DST_PLEN_OFFSET = 20;
    public static final int SRC_OFFSET = 24;
    public static final int SRC_PLEN_OFFSET = 40;
    public static final int PREFSRC_OFFSET = 44;
    public static final int PREFSRC_PLEN_OFFSET = 60;
    public static final int IFNAME_OFFSET = 64;
    public static final int IFNAME_LENGTH = 16;
    public static final int GATEWAY_OFFSET = 80;
    public static final int MTU_OFFSET = 96;
    public static final int FLAGS_OFFSET = 100;
    /** The length of an in6_addr. */
    public static final int ADDR_LENGTH = 16;
    /** The SHOW reply's count header. */
    public static final int ARRAY_HEADER = 4;
    /** The longest IPv6 prefix. */
    public static final int MAX_PLEN = 128;

    private Route6Conf()
    {
    }
}
