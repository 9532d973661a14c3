package modules.route.impl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import modules.route.api.RouteConf;
import modules.route.api.RouteSpec;

/** Reading DPVS's route records ({@code dp_vs_route_detail}, {@code dp_vs_route6_conf}) and naming lcore masks. */
final class RouteDetail
{
    private RouteDetail()
    {
    }

    /**
     * @param body a dp_vs_route_detail (little-endian, addresses in network order).
     * @param at   where it starts.
     * @return its fields.
     */
    static RouteSpec spec(final ByteBuffer body, final int at)
    {
        final ByteBuffer b = body.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return new RouteSpec(Integer.reverseBytes(b.getInt(at + RouteConf.DST_OFFSET)),
            b.getInt(at + RouteConf.DST_PLEN_OFFSET), b.getInt(at + RouteConf.FLAGS_OFFSET),
            Integer.reverseBytes(b.getInt(at + RouteConf.GATEWAY_OFFSET)),
            Integer.reverseBytes(b.getInt(at + RouteConf.SRC_OFFSET)), b.getInt(at + RouteConf.MTU_OFFSET),
            b.getInt(at + RouteConf.METRIC_OFFSET), ifname(b, at, RouteConf.IFNAME_OFFSET, RouteConf.IFNAME_LENGTH));
    }

    /**
     * @param body   a record.
     * @param at     where the record starts.
     * @param offset the interface name's offset in it.
     * @param length the name's field length (NUL-padded).
     * @return the interface name.
     */
    static String ifname(final ByteBuffer body, final int at, final int offset, final int length)
    {
        int n = 0;
        while (n < length && 0 != body.get(at + offset + n))
        {
            n++;
        }
        final byte[] b = new byte[n];
        body.get(at + offset, b);
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** @return the lcores of a mask, "1,2". */
    static String lcoreList(final long mask)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 64; i++)
        {
            if (0 != (mask & (1L << i)))
            {
                sb.append(sb.length() > 0 ? "," : "").append(i);
            }
        }
        return sb.toString();
    }
}
