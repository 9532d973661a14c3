package modules.inetaddr.api;

/**
 * DPVS's interface-address sockopts and structs (include/conf/inetaddr.h, v1.10.2), as dpip sends them:
 * {@code addr add} SET 47, {@code addr del} SET 48, {@code addr set} SET 49, {@code addr flush} SET 50,
 * {@code addr show} GET 51; GET 52 (multicast addresses of a device) takes the device name alone.
 *
 * <pre>
 * struct inet_addr_entry, 68 bytes, packed, little-endian host order except the addresses (network order)
 *  0      4           8              12      16               32               48               64   65    66  67
 *  +------+-----------+--------------+-------+----------------+----------------+----------------+----+-----+---+---+
 *  |  af  | valid_lft | prefered_lft | flags | ifname char[16]| bcast inet_addr| addr inet_addr |plen|scope|cid|nop|
 *  +------+-----------+--------------+-------+----------------+----------------+----------------+----+-----+---+---+
 *  inet_addr: 16 bytes, an IPv4 address is its first 4. lifetimes: seconds, 0 = forever. plen, scope, cid: u8.
 *
 * struct inet_addr_param, 76 bytes, packed (every SET 47..50 and the GET 51 request)
 *  0          4               8                                  76
 *  +----------+---------------+----------------------------------+
 *  | ifa_ops  | ifa_ops_flags | ifa_entry  inet_addr_entry (68)  |
 *  +----------+---------------+----------------------------------+
 *  ifa_ops (enum, 4 bytes): GET 1, ADD 2, DEL 3, MOD 4, FLUSH 5, SYNC 6; ifa_ops_flags: VERBOSE 1, STATS 2.
 *
 * struct inet_addr_data, 80 bytes, packed: ifa_entry (68) at 0, ifa_stats at 68 = sa_used, sa_free, sa_miss u32.
 *
 * struct inet_addr_data_array (the GET 51 reply), packed
 *  0      4           8       12
 *  +------+-----------+-------+---------------------------------+
 *  | ops  | ops_flags | naddr | naddr x inet_addr_data (80)     |
 *  +------+-----------+-------+---------------------------------+
 *  ops = INET_ADDR_GET, ops_flags = the request's; len == 12 + 80 * naddr.
 *
 * struct inet_maddr_entry, 44 bytes: ifname char[16] at 0, maddr inet_addr at 16, af at 32, flags at 36, refcnt at
 * 40; struct inet_maddr_array (the GET 52 reply): nmaddr int32, then nmaddr entries.
 * </pre>
 * Sizes and offsets checked with gcc 12 on x86_64 against these struct definitions.
 */
public final class InetAddrConf
{
    public static final int SOCKOPT_SET_IFADDR_ADD = 47;
    public static final int SOCKOPT_SET_IFADDR_DEL = 48;
    public static final int SOCKOPT_SET_IFADDR_SET = 49;
    public static final int SOCKOPT_SET_IFADDR_FLUSH = 50;
    public static final int SOCKOPT_GET_IFADDR_SHOW = 51;
    public static final int SOCKOPT_GET_IFMADDR_SHOW = 52;

    /** {@code sizeof(struct inet_addr_entry)}. */
    public static final int ENTRY_SIZE = 68;
    public static final int AF_OFFSET = 0;
    public static final int VALID_LFT_OFFSET = 4;
    public static final int PREFERED_LFT_OFFSET = 8;
    public static final int FLAGS_OFFSET = 12;
    public static final int IFNAME_OFFSET = 16;
    public static final int IFNAME_LENGTH = 16;
    public static final int BCAST_OFFSET = 32;
    public static final int ADDR_OFFSET = 48;
    public static final int PLEN_OFFSET = 64;
    public static final int SCOPE_OFFSET = 65;
    public static final int CID_OFFSET = 66;

    /** {@code sizeof(struct inet_addr_param)}. */
    public static final int PARAM_SIZE = 76;
    public static final int PARAM_OPS_OFFSET = 0;
    public static final int PARAM_OPS_FLAGS_OFFSET = 4;
    /** Where the inet_addr_entry starts in a param; entry offsets are relative to it. */
    public static final int PARAM_ENTRY_OFFSET = 8;

    /** {@code sizeof(struct inet_addr_data)}. */
    public static final int DATA_SIZE = 80;
    public static final int STATS_SA_USED_OFFSET = 68;
    public static final int STATS_SA_FREE_OFFSET = 72;
    public static final int STATS_SA_MISS_OFFSET = 76;

    /** {@code sizeof(struct inet_addr_data_array)} without its entries. */
    public static final int ARRAY_HEADER = 12;
    public static final int ARRAY_OPS_OFFSET = 0;
    public static final int ARRAY_OPS_FLAGS_OFFSET = 4;
    public static final int ARRAY_NADDR_OFFSET = 8;

    /** {@code sizeof(struct inet_maddr_entry)}; {@code inet_maddr_array} is an int32 count and the entries. */
    public static final int MADDR_ENTRY_SIZE = 44;
    public static final int MADDR_ARRAY_HEADER = 4;

    /** {@code ifaddr_ops_t}. */
    public static final int INET_ADDR_GET = 1;
    public static final int INET_ADDR_ADD = 2;
    public static final int INET_ADDR_DEL = 3;
    public static final int INET_ADDR_MOD = 4;
    public static final int INET_ADDR_FLUSH = 5;
    public static final int INET_ADDR_SYNC = 6;

    /** {@code ifa_ops_flags}: dpip's {@code -v} (every lcore's entries, the lcore in front) and {@code -s}. */
    public static final int IFA_F_OPS_VERBOSE = 0x1;
    public static final int IFA_F_OPS_STATS = 0x2;

    /** Address flags: Linux's IFA_F_* (linux/if_addr.h) and DPVS's own. */
    public static final int IFA_F_SECONDARY = 0x01;
    public static final int IFA_F_NODAD = 0x02;
    public static final int IFA_F_OPTIMISTIC = 0x04;
    public static final int IFA_F_DADFAILED = 0x08;
    public static final int IFA_F_HOMEADDRESS = 0x10;
    public static final int IFA_F_DEPRECATED = 0x20;
    public static final int IFA_F_TENTATIVE = 0x40;
    /** Set by DPVS on an address whose valid lifetime is forever (0). */
    public static final int IFA_F_PERMANENT = 0x80;
    /** DPVS: the address has a socket-address pool (FNAT local address). */
    public static final int IFA_F_SAPOOL = 0x10000;
    /** DPVS: an IPv6 link-local address. */
    public static final int IFA_F_LINKLOCAL = 0x20000;

    /** Scopes. */
    public static final int IFA_SCOPE_GLOBAL = 0;
    public static final int IFA_SCOPE_SITE = 1;
    public static final int IFA_SCOPE_LINK = 2;
    public static final int IFA_SCOPE_HOST = 3;
    public static final int IFA_SCOPE_NONE = 255;

    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    private InetAddrConf()
    {
    }
}
