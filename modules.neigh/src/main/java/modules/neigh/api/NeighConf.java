package modules.neigh.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * DPVS's neighbour sockopts and {@code struct dp_vs_neigh_conf} (include/conf/neigh.h, v1.10.2), as dpip sends them:
 * {@code neigh add} SET 70, {@code neigh del} SET 71, {@code neigh show} GET 72.
 *
 * <pre>
 * dp_vs_neigh_conf, 52 bytes, __attribute__((__packed__, aligned(2))), host order (little-endian) except where
 * marked
 *  0      4       8                       24              30        34                 50     51     52
 *  +------+-------+-----------------------+---------------+---------+------------------+------+------+
 *  |  af  | state | ip_addr   inet_addr   | eth_addr  MAC | que_num | ifname  char[16] | flag | cid  |
 *  +------+-------+-----------------------+---------------+---------+------------------+------+------+
 *   int32  uint32  16 bytes: an IPv4        6 bytes         uint32    NUL-padded         uint8  uint8
 *                  address is its first 4   (wire order)    unaligned
 *                  bytes, network order
 *
 * state: 0 NONE, 1 SEND, 2 REACHABLE, 3 PROBE, 4 DELAY (DPVS_NUD_S_*); flag: 0x1 HASHED, 0x2 STATIC (a row of
 * the table carries HASHED, as DPVS's neigh_hash sets it: 3 for a static entry, 1 for a learned one);
 * que_num: packets held for the neighbour; cid: the lcore whose table the row comes from.
 * dpip add/del: af 2 (10 for IPv6), ip, eth_addr (add), ifname; show: zero except ifname (dev X) and af (-4/-6).
 *
 * SHOW reply (GET 72): neigh_nums int32, then neigh_nums records of 52 bytes, no gap:
 * len == 4 + 52 * neigh_nums exactly, the 4-byte count included when there is no entry.
 * </pre>
 */
public final class NeighConf
{
    public static final int SOCKOPT_SET_NEIGH_ADD = 70;
    public static final int SOCKOPT_SET_NEIGH_DEL = 71;
    public static final int SOCKOPT_GET_NEIGH_SHOW = 72;

    /** {@code sizeof(struct dp_vs_neigh_conf)}. */
    public static final int SIZE = 52;
    public static final int AF_OFFSET = 0;
    public static final int STATE_OFFSET = 4;
    public static final int IP_OFFSET = 8;
    public static final int IP_LENGTH = 16;
    public static final int MAC_OFFSET = 24;
    public static final int QUE_NUM_OFFSET = 30;
    public static final int IFNAME_OFFSET = 34;
    public static final int IFNAME_LENGTH = 16;
    public static final int FLAG_OFFSET = 50;
    public static final int CID_OFFSET = 51;
    /** The SHOW reply's count header. */
    public static final int ARRAY_HEADER = 4;

    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    public static final int NUD_NONE = 0;
    public static final int NUD_SEND = 1;
    public static final int NUD_REACHABLE = 2;
    public static final int NUD_PROBE = 3;
    public static final int NUD_DELAY = 4;
    /** dpip's names of the states, by number. */
    public static final String[] STATE_NAMES = {"NONE", "SEND", "REACHABLE", "PROBE", "DELAY"};

    public static final int FLAG_HASHED = 0x1;
    public static final int FLAG_STATIC = 0x2;

    private NeighConf()
    {
    }

    /**
     * One record as {@code dpip neigh show} prints it (tools/dpip/neigh.c {@code neigh_dump}), without the line end.
     *
     * @param b  the reply, little-endian.
     * @param at where the record starts.
     * @return the line.
     */
    public static String describe(final ByteBuffer b, final int at)
    {
        final int af = b.getInt(at + AF_OFFSET);
        final int state = b.getInt(at + STATE_OFFSET);
        final String ip = address(b, at + IP_OFFSET, AF_INET6 == af);
        final String stateName = state >= 0 && state < STATE_NAMES.length ? STATE_NAMES[state] : "BUG";
        final String ifname = ifname(b, at + IFNAME_OFFSET);
        final int cid = b.get(at + CID_OFFSET) & 0xff;
        final String st = 0 != (b.get(at + FLAG_OFFSET) & FLAG_STATIC) ? "static" : "";
        if (state >= NUD_REACHABLE)
        {
            return String.format(Locale.ROOT, "ip: %-48s mac: %s   state: %-12s  dev: %s  core: %d  %s", ip,
                mac(b, at + MAC_OFFSET), stateName, ifname, cid, st);
        }
        return String.format(Locale.ROOT,
            "ip: %-48s mac:incomplate                       state: %-12s   dev: %s  core: %d  %s", ip, stateName,
            ifname, cid, st);
    }

    /**
     * @param b  a buffer.
     * @param at where 6 bytes of MAC start.
     * @return {@code aa:bb:cc:dd:ee:ff}.
     */
    public static String mac(final ByteBuffer b, final int at)
    {
        final StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++)
        {
            sb.append(i > 0 ? ":" : "").append(String.format(Locale.ROOT, "%02x", b.get(at + i) & 0xff));
        }
        return sb.toString();
    }

    /**
     * @param b  a buffer.
     * @param at where the NUL-padded 16-byte name starts.
     * @return the name.
     */
    public static String ifname(final ByteBuffer b, final int at)
    {
        int n = 0;
        while (n < IFNAME_LENGTH && 0 != b.get(at + n))
        {
            n++;
        }
        final byte[] name = new byte[n];
        b.get(at, name);
        return new String(name, StandardCharsets.US_ASCII);
    }

    private static String address(final ByteBuffer b, final int at, final boolean v6)
    {
        if (!v6)
        {
            return (b.get(at) & 0xff) + "." + (b.get(at + 1) & 0xff) + "." + (b.get(at + 2) & 0xff) + "."
                + (b.get(at + 3) & 0xff);
        }
        final byte[] a = new byte[16];
        b.get(at, a);
        try
        {
            return java.net.InetAddress.getByAddress(a).getHostAddress();
        }
        catch (final java.net.UnknownHostException ex)
        {
            return "::";
        }
    }
}
