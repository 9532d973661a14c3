package modules.route.api;

/**
 * DPVS's IPv4 route sockopts and {@code struct dp_vs_route_detail} (include/conf/route.h, v1.10), as dpip sends
 * them: {@code route add} SET 28, {@code route del} SET 29, {@code route set} SET 30 (DPVS: not supported),
 * {@code route flush} SET 31, {@code route show} GET 32.
 *
 * <pre>
 * dp_vs_route_detail, 112 bytes, natural alignment, little-endian host order except where marked
 *  0      4      8       12      16                     36                     56                     76
 *  +------+------+-------+-------+----------------------+----------------------+----------------------+--
 *  |  af  | mtu  | flags |metric | dst    rt_addr       | src    rt_addr       | gateway  rt_addr     | ..
 *  +------+------+-------+-------+----------------------+----------------------+----------------------+--
 *     76                     96                  112
 *  ..-+----------------------+-------------------+
 *     | prefsrc  rt_addr     | ifname  char[16]  |
 *  ..-+----------------------+-------------------+
 *
 * rt_addr, 20 bytes: addr inet_addr (16 bytes; an IPv4 address is its first 4 bytes, network order), plen int32.
 * dpip ORs RTF_FORWARD into every add/del; "scope host" adds RTF_LOCALIN, "scope kni_host" RTF_KNI.
 *
 * SHOW reply (GET 32): nroute int32, then nroute records of 112 bytes, no gap: len == 4 + 112 * nroute exactly,
 * the 4-byte count included when there is no route.
 * </pre>
 */
public final class RouteConf
{
    public static final int SOCKOPT_SET_ROUTE_ADD = 28;
    public static final int SOCKOPT_SET_ROUTE_DEL = 29;
    public static final int SOCKOPT_SET_ROUTE_SET = 30;
    public static final int SOCKOPT_SET_ROUTE_FLUSH = 31;
    public static final int SOCKOPT_GET_ROUTE_SHOW = 32;

    /** {@code sizeof(struct dp_vs_route_detail)}. */
    public static final int SIZE = 112;
    public static final int AF_OFFSET = 0;
    public static final int MTU_OFFSET = 4;
    public static final int FLAGS_OFFSET = 8;
    public static final int METRIC_OFFSET = 12;
    public static final int DST_OFFSET = 16;
    /** dst.plen. */
    public static final int DST_PLEN_OFFSET = 32;
    public static final int SRC_OFFSET = 36;
    public static final int SRC_PLEN_OFFSET = 52;
    public static final int GATEWAY_OFFSET = 56;
    public static final int GATEWAY_PLEN_OFFSET = 72;
    public static final int PREFSRC_OFFSET = 76;
    public static final int IFNAME_OFFSET = 96;
    public static final int IFNAME_LENGTH = 16;
    /** The SHOW reply's count header. */
    public static final int ARRAY_HEADER = 4;

    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;

    public static final int RTF_HOST = 0x4;
    public static final int RTF_FORWARD = 0x400;
    public static final int RTF_LOCALIN = 0x800;
    public static final int RTF_DEFAULT = 0x1000;
    public static final int RTF_KNI = 0x2000;

    private RouteConf()
    {
    }
}
