package modules.route.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

import modules.route.api.Route6Conf;
import modules.route.api.RouteConf;
import platform.sockopt.client.SockoptClient;

/**
 * A route record as dpip prints it (DPVS v1.10 tools/dpip/route.c), for {@code dplanectl route show} and the route
 * bundle's Gogo commands alike. JDK, client package and API constants only.
 */
public final class RouteText
{
    private RouteText()
    {
    }

    /**
     * dpip's {@code route4_dump} of a {@code dp_vs_route_detail}: "inet DST/PLEN via GW src SRC dev IF mtu N tos 0
     * scope S metric N proto auto " (the trailing space is dpip's: its flags word, "onlink", has the value 0 and
     * never prints). Addresses print even when 0.0.0.0; the scope is host (RTF_LOCALIN), kni_host (RTF_KNI), link
     * (no gateway) or global.
     *
     * @param rec the records.
     * @param at  where the 112 bytes start.
     * @return the line, without the newline.
     */
    public static String line4(final byte[] rec, final int at)
    {
        final ByteBuffer b = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
        final int af = b.getInt(at + RouteConf.AF_OFFSET);
        final int flags = b.getInt(at + RouteConf.FLAGS_OFFSET);
        final boolean v6 = 10 == af;
        final String gw = v6 ? Ipv6Text.format(rec, at + RouteConf.GATEWAY_OFFSET)
            : Ipv6Text.format4(rec, at + RouteConf.GATEWAY_OFFSET);
        final boolean noGateway = v6 ? "::".equals(gw) : "0.0.0.0".equals(gw);
        final String scope = 0 != (flags & RouteConf.RTF_LOCALIN) ? "host"
            : 0 != (flags & RouteConf.RTF_KNI) ? "kni_host" : noGateway ? "link" : "global";
        return String.format(Locale.ROOT, "%s %s/%d via %s src %s dev %s mtu %d tos 0 scope %s metric %d proto auto ",
            2 == af ? "inet" : v6 ? "inet6" : "unspec",
            v6 ? Ipv6Text.format(rec, at + RouteConf.DST_OFFSET) : Ipv6Text.format4(rec, at + RouteConf.DST_OFFSET),
            b.getInt(at + RouteConf.DST_PLEN_OFFSET), gw,
            v6 ? Ipv6Text.format(rec, at + RouteConf.SRC_OFFSET) : Ipv6Text.format4(rec, at + RouteConf.SRC_OFFSET),
            SockoptClient.cString(b, at + RouteConf.IFNAME_OFFSET, RouteConf.IFNAME_LENGTH),
            b.getInt(at + RouteConf.MTU_OFFSET), scope, b.getInt(at + RouteConf.METRIC_OFFSET));
    }

    /**
     * dpip's {@code route6_dump} of a {@code dp_vs_route6_conf}: "inet6 default" (:: with length 0) or "inet6
     * DST/PLEN", then " via GW" and " src SRC" only when not ::, " dev IF", " mtu N" only when not 0, and " scope S":
     * kni_host (RTF_KNI, tested first), host (RTF_LOCALIN), link or global (RTF_FORWARD, by the gateway), else "::".
     *
     * @param rec the records.
     * @param at  where the 104 bytes start.
     * @return the line, without the newline.
     */
    public static String line6(final byte[] rec, final int at)
    {
        final ByteBuffer b = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
        final int plen = b.getInt(at + Route6Conf.DST_PLEN_OFFSET);
        final int flags = b.getInt(at + Route6Conf.FLAGS_OFFSET);
        final int mtu = b.getInt(at + Route6Conf.MTU_OFFSET);
        final String dst = Ipv6Text.format(rec, at + Route6Conf.DST_OFFSET);
        final String gw = Ipv6Text.format(rec, at + Route6Conf.GATEWAY_OFFSET);
        final String src = Ipv6Text.format(rec, at + Route6Conf.SRC_OFFSET);
        final StringBuilder sb = new StringBuilder("inet6 ");
        if ("::".equals(dst) && 0 == plen)
        {
            sb.append("default");
        }
        else
        {
            sb.append(dst).append('/').append(plen);
        }
        if (!"::".equals(gw))
        {
            sb.append(" via ").append(gw);
        }
        if (!"::".equals(src))
        {
            sb.append(" src ").append(src);
        }
        sb.append(" dev ").append(SockoptClient.cString(b, at + Route6Conf.IFNAME_OFFSET, Route6Conf.IFNAME_LENGTH));
        if (0 != mtu)
        {
            sb.append(" mtu ").append(mtu);
        }
        final String scope = 0 != (flags & RouteConf.RTF_KNI) ? "kni_host"
            : 0 != (flags & RouteConf.RTF_LOCALIN) ? "host"
            : 0 != (flags & RouteConf.RTF_FORWARD) ? "::".equals(gw) ? "link" : "global" : "::";
        return sb.append(" scope ").append(scope).toString();
    }
}
