package modules.route.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import modules.route.api.Route6Conf;
import modules.route.api.RouteConf;
import platform.sockopt.client.CtlCommand;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * {@code dplanectl route}: the routing tables from the command line with dpip's syntax, bytes and output (DPVS
 * v1.10 tools/dpip/route.c). IPv4 sends {@code dp_vs_route_detail} to SET 28 (add), 29 (del), 31 (flush) and GET 32
 * (show); IPv6 sends {@code dp_vs_route6_conf} to SET 33 (add: ops 2, del: ops 3), 34 (flush: ops 4) and GET 35.
 * dpip takes the family before the object ({@code dpip -6 route add ...}); dplanectl's options before the command
 * are its own, so the family comes right after {@code route}: {@code dplanectl route -6 add 2001:db8::/64 dev
 * dpdk0}. An add or del whose prefix (or gateway, or source) is an IPv6 address is IPv6 without {@code -6}.
 * Found by dplanectl through {@link java.util.ServiceLoader}; uses only the JDK, the client package and this
 * bundle's API constants.
 */
public final class RouteCtl implements CtlCommand
{
    static final String USAGE = String.join("\n",
        "  route [-4|-6] add|del PREFIX[/LEN]|default [via GW] dev IF [scope host|kni_host|link|global] [mtu N]",
        "        [metric N] [src ADDR] [local]   as dpip [-6] route add|del (SET 28/29; IPv6: SET 33, ops 2/3)",
        "  route [-4|-6] show [dev IF]           as dpip [-6] route show (GET 32; IPv6: GET 35)",
        "  route [-4|-6] flush                   remove every route of the family (SET 31; IPv6: SET 34)");

    @Override
    public String name()
    {
        return "route";
    }

    @Override
    public String usage()
    {
        return USAGE;
    }

    /** A request's words, parsed as dpip's route4_parse_args and route6_parse_args do. */
    public static final class Parsed
    {
        String prefix;
        String via;
        String dev = "";
        String src;
        String scope;
        boolean local;
        int mtu;
        int metric;
    }

    @Override
    public int run(final List<String> args, final SockoptClient client, final PrintStream out, final PrintStream err)
        throws IOException
    {
        int i = 0;
        int family = 0;
        if (i < args.size() && ("-4".equals(args.get(i)) || "-6".equals(args.get(i))))
        {
            family = "-4".equals(args.get(i)) ? 4 : 6;
            i++;
        }
        if (i >= args.size())
        {
            err.println("dplanectl route: add, del, show or flush?");
            return EXIT_USAGE;
        }
        final String verb = args.get(i);
        final Parsed p;
        try
        {
            p = parse(args.subList(i + 1, args.size()));
            if (("show".equals(verb) || "flush".equals(verb)) && null != p.prefix)
            {
                throw new IllegalArgumentException("too many arguments");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("dplanectl route " + verb + ": " + ex.getMessage());
            return EXIT_USAGE;
        }
        switch (verb)
        {
            case "add":
            case "del":
            {
                final byte[] body;
                final boolean add = "add".equals(verb);
                try
                {
                    if (null == p.prefix)
                    {
                        throw new IllegalArgumentException("missing prefix");
                    }
                    if (p.dev.isEmpty())
                    {
                        throw new IllegalArgumentException("dev IF is required");
                    }
                    if (0 == family)
                    {
                        family = isV6(p.prefix) || isV6(p.via) || isV6(p.src) ? 6 : 4;
                    }
                    body = 6 == family ? conf6(add ? Route6Conf.OPS_ADD : Route6Conf.OPS_DEL, p) : detail(p);
                }
                catch (final IllegalArgumentException ex)
                {
                    err.println("dplanectl route " + verb + ": " + ex.getMessage());
                    return EXIT_USAGE;
                }
                return check(err, client.set(6 == family ? Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL
                    : add ? RouteConf.SOCKOPT_SET_ROUTE_ADD : RouteConf.SOCKOPT_SET_ROUTE_DEL, body));
            }
            case "flush":
                if (6 == family)
                {
                    return check(err, client.set(Route6Conf.SOCKOPT_SET_ROUTE6_FLUSH, showOrFlush6(Route6Conf.OPS_FLUSH,
                        "")));
                }
                return check(err, client.set(RouteConf.SOCKOPT_SET_ROUTE_FLUSH, new byte[0]));
            case "show":
            {
                final boolean v6 = 6 == family;
                final SockoptResponse r = v6 ? client.get(Route6Conf.SOCKOPT_GET_ROUTE6_SHOW, showOrFlush6(0, p.dev))
                    : client.get(RouteConf.SOCKOPT_GET_ROUTE_SHOW, show4(4 == family, p.dev));
                if (!r.ok())
                {
                    return check(err, r);
                }
                return show(r.body(), v6 ? Route6Conf.SIZE : RouteConf.SIZE, v6, out, err);
            }
            default:
                err.println("dplanectl route: unknown verb " + verb);
                return EXIT_USAGE;
        }
    }

    private static boolean isV6(final String address)
    {
        return null != address && address.contains(":");
    }

    private static int check(final PrintStream err, final SockoptResponse r)
    {
        if (r.ok())
        {
            return EXIT_OK;
        }
        err.println(String.format(Locale.ROOT, "dplanectl: route: %s (%d)", r.errstr(), r.errcode()));
        return EXIT_ERRCODE;
    }

    /** dpip's checks of a show reply (len == 4 + n * size exactly, else "corrupted response."), then its lines. */
    static int show(final byte[] body, final int size, final boolean v6, final PrintStream out,
        final PrintStream err)
    {
        final ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        final int n = body.length >= RouteConf.ARRAY_HEADER ? b.getInt(0) : -1;
        if (n < 0 || body.length != RouteConf.ARRAY_HEADER + (long)n * size)
        {
            err.println("corrupted response.");
            return EXIT_ERRCODE;
        }
        for (int i = 0; i < n; i++)
        {
            final int at = RouteConf.ARRAY_HEADER + i * size;
            out.print((v6 ? RouteText.line6(body, at) : RouteText.line4(body, at)) + "\n");
        }
        return EXIT_OK;
    }

    /**
     * @param words the words after the verb.
     * @return them parsed; numbers and scope words checked, addresses not yet.
     * @throws IllegalArgumentException naming what is wrong.
     */
    public static Parsed parse(final List<String> words)
    {
        final Parsed p = new Parsed();
        for (int i = 0; i < words.size(); i++)
        {
            final String w = words.get(i);
            switch (w)
            {
                case "via":
                    p.via = next(words, ++i, w);
                    break;
                case "dev":
                    p.dev = next(words, ++i, w);
                    if (p.dev.getBytes(StandardCharsets.US_ASCII).length >= RouteConf.IFNAME_LENGTH)
                    {
                        throw new IllegalArgumentException("device names are at most 15 bytes: " + p.dev);
                    }
                    break;
                case "src":
                    p.src = next(words, ++i, w);
                    break;
                case "mtu":
                    p.mtu = number(next(words, ++i, w), w);
                    break;
                case "metric":
                    p.metric = number(next(words, ++i, w), w);
                    break;
                case "scope":
                    p.scope = next(words, ++i, w);
                    if (!List.of("host", "kni_host", "link", "global").contains(p.scope))
                    {
                        throw new IllegalArgumentException("scope " + p.scope + ": want host, kni_host, link or "
                            + "global");
                    }
                    break;
                case "local":
                    p.local = true;
                    break;
                default:
                    if (null != p.prefix)
                    {
                        throw new IllegalArgumentException("too many arguments");
                    }
                    p.prefix = w;
            }
        }
        return p;
    }

    private static String next(final List<String> words, final int i, final String keyword)
    {
        if (i >= words.size())
        {
            throw new IllegalArgumentException("missing argument of " + keyword);
        }
        return words.get(i);
    }

    private static int number(final String text, final String keyword)
    {
        try
        {
            return Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(keyword + " " + text + ": not a number");
        }
    }

    /** @return the prefix's address text and its length: "default" is 0/0, no /LEN is the full length. */
    private static String[] prefix(final String prefix, final int bits)
    {
        if ("default".equals(prefix))
        {
            return new String[] {null, "0"};
        }
        final int slash = prefix.indexOf('/');
        if (slash < 0)
        {
            return new String[] {prefix, Integer.toString(bits)};
        }
        number(prefix.substring(slash + 1), "prefix length");
        return new String[] {prefix.substring(0, slash), prefix.substring(slash + 1)};
    }

    /**
     * The dp_vs_route_detail dpip sends for an IPv4 add or del: af 2, RTF_FORWARD always, RTF_LOCALIN for
     * "scope host", RTF_KNI for "scope kni_host", RTF_HOST for "local".
     *
     * @param p the parsed words.
     * @return the 112 bytes.
     */
    public static byte[] detail(final Parsed p)
    {
        final ByteBuffer b = ByteBuffer.allocate(RouteConf.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int flags = RouteConf.RTF_FORWARD;
        if ("host".equals(p.scope))
        {
            flags |= RouteConf.RTF_LOCALIN;
        }
        else if ("kni_host".equals(p.scope))
        {
            flags |= RouteConf.RTF_KNI;
        }
        if (p.local)
        {
            flags |= RouteConf.RTF_HOST;
        }
        final String[] pfx = prefix(p.prefix, 32);
        b.putInt(RouteConf.AF_OFFSET, RouteConf.AF_INET).putInt(RouteConf.MTU_OFFSET, p.mtu)
            .putInt(RouteConf.FLAGS_OFFSET, flags).putInt(RouteConf.METRIC_OFFSET, p.metric)
            .putInt(RouteConf.DST_PLEN_OFFSET, Integer.parseInt(pfx[1]));
        if (null != pfx[0])
        {
            b.put(RouteConf.DST_OFFSET, v4(pfx[0]));
        }
        if (null != p.via)
        {
            b.put(RouteConf.GATEWAY_OFFSET, v4(p.via));
        }
        if (null != p.src)
        {
            b.put(RouteConf.SRC_OFFSET, v4(p.src));
        }
        b.put(RouteConf.IFNAME_OFFSET, p.dev.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    private static byte[] v4(final String text)
    {
        if (isV6(text))
        {
            throw new IllegalArgumentException("invalid family.");
        }
        return Ipv6Text.parse4(text);
    }

    private static byte[] v6(final String text)
    {
        if (!isV6(text))
        {
            throw new IllegalArgumentException("invalid family.");
        }
        return Ipv6Text.parse(text);
    }

    /**
     * The dp_vs_route6_conf dpip sends for an IPv6 add or del: RTF_LOCALIN for "scope host" or "local", RTF_KNI for
     * "scope kni_host", RTF_FORWARD for "scope link|global" or when none of those was given; src with length 0;
     * the metric is not in the struct (dpip reads and drops it).
     *
     * @param ops {@link Route6Conf#OPS_ADD} or {@link Route6Conf#OPS_DEL}.
     * @param p   the parsed words.
     * @return the 104 bytes.
     */
    static byte[] conf6(final int ops, final Parsed p)
    {
        final ByteBuffer b = ByteBuffer.allocate(Route6Conf.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int flags = 0;
        if ("host".equals(p.scope) || p.local)
        {
            flags |= RouteConf.RTF_LOCALIN;
        }
        if ("kni_host".equals(p.scope))
        {
            flags |= RouteConf.RTF_KNI;
        }
        if ("link".equals(p.scope) || "global".equals(p.scope) || 0 == flags)
        {
            flags |= RouteConf.RTF_FORWARD;
        }
        final String[] pfx = prefix(p.prefix, Route6Conf.MAX_PLEN);
        b.putInt(Route6Conf.OPS_OFFSET, ops).putInt(Route6Conf.DST_PLEN_OFFSET, Integer.parseInt(pfx[1]))
            .putInt(Route6Conf.MTU_OFFSET, p.mtu).putInt(Route6Conf.FLAGS_OFFSET, flags);
        if (null != pfx[0])
        {
            b.put(Route6Conf.DST_OFFSET, v6(pfx[0]));
        }
        if (null != p.via)
        {
            b.put(Route6Conf.GATEWAY_OFFSET, v6(p.via));
        }
        if (null != p.src)
        {
            b.put(Route6Conf.SRC_OFFSET, v6(p.src));
        }
        b.put(Route6Conf.IFNAME_OFFSET, p.dev.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** dpip -6's show (ops 0) or flush (ops 4) body: zeros but ops, flags RTF_FORWARD and the device. */
    static byte[] showOrFlush6(final int ops, final String dev)
    {
        final ByteBuffer b = ByteBuffer.allocate(Route6Conf.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(Route6Conf.OPS_OFFSET, ops).putInt(Route6Conf.FLAGS_OFFSET, RouteConf.RTF_FORWARD);
        b.put(Route6Conf.IFNAME_OFFSET, dev.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** dpip's IPv4 show body: zeros but af (2 with -4, else 0) and the device. */
    static byte[] show4(final boolean inet, final String dev)
    {
        final ByteBuffer b = ByteBuffer.allocate(RouteConf.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(RouteConf.AF_OFFSET, inet ? RouteConf.AF_INET : RouteConf.AF_UNSPEC);
        b.put(RouteConf.IFNAME_OFFSET, dev.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }
}
