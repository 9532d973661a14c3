package modules.netif.impl;

import modules.netif.api.Mbuf;

/**
 * IPv4 and Ethernet header offsets and the Internet checksum (RFC 1071), with the incremental update of RFC 1624
 * for the TTL decrement on forward.
 *
 * <pre>
 * Ethernet (14 bytes)
 *  0          6          12     14
 *  +----------+----------+------+
 *  | dst MAC  | src MAC  | type |
 *  +----------+----------+------+
 * IPv4 (20 bytes without options), relative to the network header
 *  0       1       2               4               6               8       9       10              12
 *  +-------+-------+---------------+---------------+---------------+-------+-------+---------------+
 *  |ver/ihl|  tos  | total length  |      id       | flags/fragoff |  ttl  | proto |   checksum    |
 *  +-------+-------+---------------+---------------+---------------+-------+-------+---------------+
 *  12                              16                              20
 *  +-------------------------------+-------------------------------+
 *  |          source               |         destination           |
 *  +-------------------------------+-------------------------------+
 * </pre>
 */
final class Ipv4
{
    static final int ETH_HLEN = 14;
    static final int ETH_DST = 0;
    static final int ETH_SRC = 6;
    static final int ETH_TYPE = 12;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETHERTYPE_IPV6 = 0x86dd;

    static final int VER_IHL = 0;
    static final int TOS = 1;
    static final int TOT_LEN = 2;
    static final int ID = 4;
    static final int FRAG = 6;
    static final int TTL = 8;
    static final int PROTO = 9;
    static final int CSUM = 10;
    static final int SADDR = 12;
    static final int DADDR = 16;
    static final int MIN_HLEN = 20;

    static final int PROTO_ICMP = 1;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;

    private Ipv4()
    {
    }

    /**
     * @param b   bytes.
     * @param off start.
     * @param len length, even or odd.
     * @return the Internet checksum of the bytes (the one's complement of their one's complement sum).
     */
    static int checksum(final byte[] b, final int off, final int len)
    {
        long sum = 0;
        int i = off;
        final int end = off + (len & ~1);
        while (i < end)
        {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
            i += 2;
        }
        if (0 != (len & 1))
        {
            sum += (b[end] & 0xff) << 8;
        }
        while (0 != (sum >>> 16))
        {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int)(~sum & 0xffff);
    }

    /**
     * Completes the TCP or UDP checksum of a frame the kernel handed over with the checksum left to offload
     * (af_packet's {@code TP_STATUS_CSUMNOTREADY}: sent by this host over a veth or a tap, the field holds only the
     * pseudo-header's sum), as the kernel's {@code skb_checksum_help} would before a real NIC: the one's complement
     * of the sum from the transport header to the end, field included. Anything else (not IPv4, a fragment, not TCP
     * or UDP, truncated) is left as it is.
     *
     * @param m the frame, its data at the Ethernet header (an 802.1Q tag is skipped).
     * @return whether a checksum was written.
     */
    static boolean completeL4Checksum(final Mbuf m)
    {
        int l3 = ETH_HLEN;
        int type = m.length() >= ETH_HLEN ? m.u16(ETH_TYPE) : 0;
        if (0x8100 == type && m.length() >= ETH_HLEN + 4)
        {
            l3 += 4;
            type = m.u16(ETH_TYPE + 4);
        }
        if (ETHERTYPE_IPV4 != type || m.length() < l3 + MIN_HLEN)
        {
            return false;
        }
        final int l4 = l3 + ((m.u8(l3 + VER_IHL) & 0xf) << 2);
        final int end = l3 + m.u16(l3 + TOT_LEN);
        final int proto = m.u8(l3 + PROTO);
        final int field = PROTO_UDP == proto ? 6 : PROTO_TCP == proto ? 16 : -1;
        if (field < 0 || 0 != (m.u16(l3 + FRAG) & 0x3fff) || end > m.length() || l4 + field + 2 > end)
        {
            return false;
        }
        final int sum = checksum(m.array(), m.offset() + l4, end - l4);
        // UDP sends a computed 0 as 0xffff: 0 means "no checksum" (RFC 768)
        m.put16(l4 + field, 0 == sum && PROTO_UDP == proto ? 0xffff : sum);
        return true;
    }

    /**
     * Decrements the TTL of the IPv4 header at {@code l3} and updates its checksum incrementally (RFC 1624, eqn. 3:
     * HC' = ~(~HC + ~m + m'), with m the 16-bit word holding TTL and protocol).
     *
     * @param m  the packet.
     * @param l3 the network header's offset in the data.
     */
    static void decTtl(final Mbuf m, final int l3)
    {
        final int oldWord = m.u16(l3 + TTL);
        final int newWord = oldWord - 0x0100;
        m.put16(l3 + TTL, newWord);
        int sum = (~m.u16(l3 + CSUM) & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        m.put16(l3 + CSUM, ~sum & 0xffff);
    }

    /**
     * @param a an address as an int in network order.
     * @return dotted quad.
     */
    static String text(final int a)
    {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    /**
     * @param s dotted quad.
     * @return the address as an int in network order.
     * @throws IllegalArgumentException when not an IPv4 address.
     */
    static int parse(final String s)
    {
        final String[] p = s.split("\\.");
        if (4 != p.length)
        {
            throw new IllegalArgumentException(s + ": not an IPv4 address");
        }
        int a = 0;
        for (final String x : p)
        {
            final int v;
            try
            {
                v = Integer.parseInt(x);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(s + ": not an IPv4 address");
            }
            if (v < 0 || v > 255)
            {
                throw new IllegalArgumentException(s + ": not an IPv4 address");
            }
            a = (a << 8) | v;
        }
        return a;
    }
}
