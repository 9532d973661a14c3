package modules.route.impl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import modules.netif.api.Route4;
import modules.route.api.RouteConf;

/**
 * One IPv4 route, immutable, shared by every lcore's table (a multicast hands the same instance to each). Addresses
 * are the big-endian values of their network-order bytes. The destination is kept as the client gave it (DPVS shows
 * {@code 10.1.2.3/16} back as given); the table matches on it masked to {@link #plen}.
 *
 * @param dst     the destination as given.
 * @param plen    its prefix length, 0..32.
 * @param flags   the RTF_* flags as given.
 * @param gateway the gateway, 0 for none.
 * @param src     the source address, 0 for none.
 * @param mtu     the route's MTU (the port's when the request said 0, as DPVS does).
 * @param metric  the metric.
 * @param port    the port id.
 * @param ifname  the port name.
 */
record RouteEntry(int dst, int plen, int flags, int gateway, int src, int mtu, int metric, int port, String ifname)
{
    /** @return the kind netif's {@link Route4} gets: LOCAL for DPVS's local (LOCALIN, KNI) routes. */
    int kind()
    {
        if (0 != (flags & (RouteConf.RTF_LOCALIN | RouteConf.RTF_KNI)))
        {
            return Route4.LOCAL;
        }
        return 0 != gateway ? Route4.GATEWAY : Route4.CONNECTED;
    }

    /** @return whether DPVS keeps it in its local (host) table rather than its net table. */
    boolean local()
    {
        return 0 != (flags & (RouteConf.RTF_LOCALIN | RouteConf.RTF_KNI));
    }

    /** @return the destination masked to its length. */
    int prefix()
    {
        return LpmRules.mask(dst, plen);
    }

    /**
     * Writes the route as DPVS's GET 32 does: a 112-byte dp_vs_route_detail at the buffer's position.
     *
     * @param out a little-endian buffer.
     */
    void encode(final ByteBuffer out)
    {
        final int at = out.position();
        for (int i = 0; i < RouteConf.SIZE; i++)
        {
            out.put(at + i, (byte)0);
        }
        out.putInt(at + RouteConf.AF_OFFSET, RouteConf.AF_INET);
        out.putInt(at + RouteConf.MTU_OFFSET, mtu);
        out.putInt(at + RouteConf.FLAGS_OFFSET, flags);
        out.putInt(at + RouteConf.METRIC_OFFSET, metric);
        out.putInt(at + RouteConf.DST_OFFSET, Integer.reverseBytes(dst));
        out.putInt(at + RouteConf.DST_PLEN_OFFSET, plen);
        out.putInt(at + RouteConf.SRC_OFFSET, Integer.reverseBytes(src));
        out.putInt(at + RouteConf.GATEWAY_OFFSET, Integer.reverseBytes(gateway));
        final byte[] name = ifname.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < name.length && i < RouteConf.IFNAME_LENGTH - 1; i++)
        {
            out.put(at + RouteConf.IFNAME_OFFSET + i, name[i]);
        }
        out.position(at + RouteConf.SIZE);
    }

    static String ip(final int a)
    {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    /** @return the line dpip's {@code route show} prints for it, without the trailing space. */
    @Override
    public String toString()
    {
        final String scope = 0 != (flags & RouteConf.RTF_LOCALIN) ? "host"
            : 0 != (flags & RouteConf.RTF_KNI) ? "kni_host" : 0 == gateway ? "link" : "global";
        return String.format(Locale.ROOT, "inet %s/%d via %s src %s dev %s mtu %d tos 0 scope %s metric %d proto auto",
            ip(dst), plen, ip(gateway), ip(src), ifname, mtu, scope, metric);
    }
}
