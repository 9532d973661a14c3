package modules.neigh.impl;

import java.util.Arrays;

import modules.netif.api.Mbuf;

/**
 * An Ethernet frame carrying ARP for IPv4 (RFC 826; DPDK's {@code rte_arp_hdr}), offsets from the start of the
 * frame, and the few operations the neighbour table needs on it. Allocation-free.
 *
 * <pre>
 *  0          6          12     14    16    18  19  20    22         28     32         38     42
 *  +----------+----------+------+-----+-----+---+---+-----+----------+------+----------+------+
 *  | dst MAC  | src MAC  |0x0806| hrd | pro |hln|pln| op  | sha      | sip  | tha      | tip  |
 *  +----------+----------+------+-----+-----+---+---+-----+----------+------+----------+------+
 *                                 1   0x0800  6   4  1 req
 *                                                    2 reply
 * </pre>
 */
final class Arp
{
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETH_DST = 0;
    static final int ETH_SRC = 6;
    static final int ETH_TYPE = 12;
    static final int HRD = 14;
    static final int PRO = 16;
    static final int HLN = 18;
    static final int PLN = 19;
    static final int OP = 20;
    static final int SHA = 22;
    static final int SIP = 28;
    static final int THA = 32;
    static final int TIP = 38;
    /** Ethernet header and ARP for IPv4. */
    static final int LENGTH = 42;
    /** What goes on the wire: the Ethernet minimum without the FCS (DPVS sends 60 bytes too). */
    static final int FRAME_LENGTH = 60;
    static final int OP_REQUEST = 1;
    static final int OP_REPLY = 2;
    static final long BROADCAST = 0xffffffffffffL;

    private Arp()
    {
    }

    /** @return why the frame is not ARP for IPv4 over Ethernet, or null when it is. */
    static String malformed(final Mbuf m)
    {
        if (m.length() < LENGTH)
        {
            return "short frame of " + m.length() + " bytes";
        }
        if (1 != m.u16(HRD) || ETHERTYPE_IPV4 != m.u16(PRO) || 6 != m.u8(HLN) || 4 != m.u8(PLN))
        {
            return "hrd " + m.u16(HRD) + " pro 0x" + Integer.toHexString(m.u16(PRO)) + " hln " + m.u8(HLN)
                + " pln " + m.u8(PLN);
        }
        final int op = m.u16(OP);
        return OP_REQUEST == op || OP_REPLY == op ? null : "op " + op;
    }

    /** @return the 6 bytes at {@code at} as the low 48 bits of a long. */
    static long mac(final Mbuf m, final int at)
    {
        return ((long)m.u16(at) << 32) | (m.u32(at + 2) & 0xffffffffL);
    }

    static void putMac(final Mbuf m, final int at, final long mac)
    {
        m.put16(at, (int)(mac >>> 32));
        m.put32(at + 2, (int)mac);
    }

    /** @return the 6 bytes as the low 48 bits of a long. */
    static long mac(final byte[] b)
    {
        long v = 0;
        for (int i = 0; i < 6; i++)
        {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    /**
     * Writes the Ethernet header of an IPv4 packet (DPVS's {@code neigh_fill_mac}).
     */
    static void fillEthernet(final Mbuf m, final long dst, final long src)
    {
        putMac(m, ETH_DST, dst);
        putMac(m, ETH_SRC, src);
        m.put16(ETH_TYPE, ETHERTYPE_IPV4);
    }

    /**
     * Builds a broadcast who-has request in a fresh buffer (DPVS's {@code neigh_send_arp}).
     *
     * @param m   a buffer of at least 60 bytes of data room.
     * @param src the port's MAC.
     * @param sip the sender address.
     * @param tip the address asked for.
     */
    static void request(final Mbuf m, final long src, final int sip, final int tip)
    {
        m.length(FRAME_LENGTH);
        Arrays.fill(m.array(), m.offset(), m.offset() + FRAME_LENGTH, (byte)0);
        putMac(m, ETH_DST, BROADCAST);
        putMac(m, ETH_SRC, src);
        m.put16(ETH_TYPE, ETHERTYPE_ARP);
        m.put16(HRD, 1);
        m.put16(PRO, ETHERTYPE_IPV4);
        m.put8(HLN, 6);
        m.put8(PLN, 4);
        m.put16(OP, OP_REQUEST);
        putMac(m, SHA, src);
        m.put32(SIP, sip);
        m.put32(TIP, tip);
    }

    /**
     * Turns a request for one of our addresses into its reply, in place (DPVS's {@code neigh_resolve_input}).
     *
     * @param m   the request.
     * @param own the port's MAC.
     */
    static void turnIntoReply(final Mbuf m, final long own)
    {
        final long requester = mac(m, SHA);
        final int sip = m.u32(SIP);
        final int tip = m.u32(TIP);
        putMac(m, ETH_DST, mac(m, ETH_SRC));
        putMac(m, ETH_SRC, own);
        m.put16(OP, OP_REPLY);
        putMac(m, THA, requester);
        putMac(m, SHA, own);
        m.put32(SIP, tip);
        m.put32(TIP, sip);
    }

    static String ip(final int a)
    {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    static String macText(final long mac)
    {
        final StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++)
        {
            final int b = (int)(mac >>> (40 - 8 * i)) & 0xff;
            sb.append(i > 0 ? ":" : "").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    /**
     * @param text {@code aa:bb:cc:dd:ee:ff} (one or two hex digits per byte, as dpip's sscanf takes).
     * @return the MAC, or -1 when it is not one.
     */
    static long parseMac(final String text)
    {
        final String[] p = text.split(":", -1);
        if (6 != p.length)
        {
            return -1;
        }
        long v = 0;
        for (final String b : p)
        {
            if (b.isEmpty() || b.length() > 2)
            {
                return -1;
            }
            final int x;
            try
            {
                x = Integer.parseInt(b, 16);
            }
            catch (final NumberFormatException ex)
            {
                return -1;
            }
            v = (v << 8) | x;
        }
        return v;
    }

    /**
     * @param text a dotted quad.
     * @return the address as an int (network order), or null when it is not one.
     */
    static Integer parseIp(final String text)
    {
        final String[] p = text.split("\\.", -1);
        if (4 != p.length)
        {
            return null;
        }
        int a = 0;
        for (final String b : p)
        {
            final int x;
            try
            {
                x = Integer.parseInt(b);
            }
            catch (final NumberFormatException ex)
            {
                return null;
            }
            if (x < 0 || x > 255 || b.isEmpty() || b.length() > 3)
            {
                return null;
            }
            a = (a << 8) | x;
        }
        return a;
    }
}
