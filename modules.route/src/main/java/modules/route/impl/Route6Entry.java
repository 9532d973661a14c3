package modules.route.impl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import modules.route.api.Route6;
import modules.route.api.Route6Conf;
import modules.route.api.RouteConf;
import modules.route.cli.RouteText;

/**
 * One IPv6 route, immutable, shared by every lcore's table (a multicast hands the same instance to each): the
 * fields of {@code dp_vs_route6_conf} DPVS keeps in its {@code struct route6}. Addresses are two longs, the first 8
 * bytes and the last 8, big-endian. The destination is masked to its length, as DPVS stores and shows it.
 *
 * @param dstHi       the destination's first 8 bytes, masked.
 * @param dstLo       its last 8 bytes, masked.
 * @param plen        its prefix length, 0..128.
 * @param srcHi       the source ({@code src}), first 8 bytes.
 * @param srcLo       its last 8 bytes.
 * @param srcPlen     src.plen as given.
 * @param prefsrcHi   the preferred source ({@code prefsrc}), first 8 bytes.
 * @param prefsrcLo   its last 8 bytes.
 * @param prefsrcPlen prefsrc.plen as given.
 * @param gwHi        the gateway, first 8 bytes; 0 and 0 for none.
 * @param gwLo        its last 8 bytes.
 * @param mtu         the route's MTU (the port's when the request said 0, as DPVS does).
 * @param flags       the RTF_* flags as given.
 * @param port        the port id.
 * @param ifname      the port name.
 */
record Route6Entry(long dstHi, long dstLo, int plen, long srcHi, long srcLo, int srcPlen, long prefsrcHi,
    long prefsrcLo, int prefsrcPlen, long gwHi, long gwLo, int mtu, int flags, int port, String ifname)
{
    /** @return the kind a lookup reports: LOCAL for DPVS's local (LOCALIN, KNI) routes. */
    int kind()
    {
        if (0 != (flags & (RouteConf.RTF_LOCALIN | RouteConf.RTF_KNI)))
        {
            return Route6.LOCAL;
        }
        return 0 != gwHi || 0 != gwLo ? Route6.GATEWAY : Route6.CONNECTED;
    }

    /**
     * Reads the route fields of a dp_vs_route6_conf (the caller checked the lengths and the device).
     *
     * @param body   a buffer holding the 104 bytes at {@code at}.
     * @param at     where they start.
     * @param mtu    the MTU to keep (the request's, or the port's when that is 0).
     * @param port   the port id.
     * @param ifname the port name.
     * @return the route, its destination masked.
     */
    static Route6Entry decode(final ByteBuffer body, final int at, final int mtu, final int port, final String ifname)
    {
        final ByteBuffer b = body.duplicate().order(ByteOrder.BIG_ENDIAN);
        final ByteBuffer le = body.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        final int plen = le.getInt(at + Route6Conf.DST_PLEN_OFFSET);
        return new Route6Entry(Lpm6.maskHi(b.getLong(at + Route6Conf.DST_OFFSET), plen),
            Lpm6.maskLo(b.getLong(at + Route6Conf.DST_OFFSET + 8), plen), plen,
            b.getLong(at + Route6Conf.SRC_OFFSET), b.getLong(at + Route6Conf.SRC_OFFSET + 8),
            le.getInt(at + Route6Conf.SRC_PLEN_OFFSET), b.getLong(at + Route6Conf.PREFSRC_OFFSET),
            b.getLong(at + Route6Conf.PREFSRC_OFFSET + 8), le.getInt(at + Route6Conf.PREFSRC_PLEN_OFFSET),
            b.getLong(at + Route6Conf.GATEWAY_OFFSET), b.getLong(at + Route6Conf.GATEWAY_OFFSET + 8), mtu,
            le.getInt(at + Route6Conf.FLAGS_OFFSET), port, ifname);
    }

    /**
     * Writes the route as DPVS's GET 35 does ({@code rt6_fill_cfg}): a 104-byte dp_vs_route6_conf with ops 0 at the
     * buffer's position.
     *
     * @param out a little-endian buffer.
     */
    void encode(final ByteBuffer out)
    {
        final int at = out.position();
        for (int i = 0; i < Route6Conf.SIZE; i++)
        {
            out.put(at + i, (byte)0);
        }
        final ByteBuffer b = out.duplicate().order(ByteOrder.BIG_ENDIAN);
        b.putLong(at + Route6Conf.DST_OFFSET, dstHi).putLong(at + Route6Conf.DST_OFFSET + 8, dstLo);
        b.putLong(at + Route6Conf.SRC_OFFSET, srcHi).putLong(at + Route6Conf.SRC_OFFSET + 8, srcLo);
        b.putLong(at + Route6Conf.PREFSRC_OFFSET, prefsrcHi).putLong(at + Route6Conf.PREFSRC_OFFSET + 8, prefsrcLo);
        b.putLong(at + Route6Conf.GATEWAY_OFFSET, gwHi).putLong(at + Route6Conf.GATEWAY_OFFSET + 8, gwLo);
        out.putInt(at + Route6Conf.DST_PLEN_OFFSET, plen);
        out.putInt(at + Route6Conf.SRC_PLEN_OFFSET, srcPlen);
        out.putInt(at + Route6Conf.PREFSRC_PLEN_OFFSET, prefsrcPlen);
        out.putInt(at + Route6Conf.MTU_OFFSET, mtu);
        out.putInt(at + Route6Conf.FLAGS_OFFSET, flags);
        final byte[] name = ifname.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < name.length && i < Route6Conf.IFNAME_LENGTH - 1; i++)
        {
            out.put(at + Route6Conf.IFNAME_OFFSET + i, name[i]);
        }
        out.position(at + Route6Conf.SIZE);
    }

    /**
     * @return the line {@code dpip -6 route show} prints for it (dplanectl's {@link RouteText#line6} of its GET 35
     * record).
     */
    @Override
    public String toString()
    {
        final ByteBuffer b = ByteBuffer.allocate(Route6Conf.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        encode(b);
        return RouteText.line6(b.array(), 0);
    }
}
