package modules.inetaddr.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import modules.inetaddr.api.InetAddrConf;
import platform.sockopt.client.CtlCommand;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * {@code dplanectl addr}: the interface addresses from the command line, with dpip's syntax, over the same
 * sockopts and bytes as {@code dpip addr}. Found by dplanectl through {@link java.util.ServiceLoader}; uses only
 * the JDK, the client package and this bundle's API constants. The parser and the printer are also what the
 * bundle's Gogo commands and its configured addresses use, so all three read and print as dpip does.
 */
public final class AddrCtl implements CtlCommand
{
    static final String USAGE = String.join("\n",
        "  addr show [dev PORT] [-v] [-s]          list the addresses as dpip addr show prints them (GET 51)",
        "  addr add|set ADDR[/PLEN] dev PORT [broadcast ADDR] [scope host|link|global|NUM]",
        "           [valid_lft LFT] [prefered_lft LFT]   add (SET 47) or change (SET 49) an address; LFT: forever",
        "  addr del ADDR[/PLEN] dev PORT            delete an address and its routes (SET 48)",
        "  addr flush dev PORT                      delete every address of a port (SET 50)");

    /** A parsed command line: the sockopt and its 76-byte inet_addr_param. */
    public record Request(int sockopt, boolean get, byte[] param)
    {
    }

    @Override
    public String name()
    {
        return "addr";
    }

    @Override
    public String usage()
    {
        return USAGE;
    }

    @Override
    public int run(final List<String> args, final SockoptClient client, final PrintStream out, final PrintStream err)
        throws IOException
    {
        final Request r;
        try
        {
            r = parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("dplanectl addr: " + ex.getMessage());
            return EXIT_USAGE;
        }
        if (!r.get())
        {
            return check(err, client.set(r.sockopt(), r.param()));
        }
        final SockoptResponse resp = client.get(r.sockopt(), r.param());
        if (!resp.ok())
        {
            return check(err, resp);
        }
        final String text = show(resp.body());
        if (null == text)
        {
            err.println("corrupted response.");
            return EXIT_ERRCODE;
        }
        out.print(text);
        return EXIT_OK;
    }

    private static int check(final PrintStream err, final SockoptResponse r)
    {
        if (r.ok())
        {
            return EXIT_OK;
        }
        err.println(String.format(Locale.ROOT, "dplanectl: addr: %s (%d)", r.errstr(), r.errcode()));
        return EXIT_ERRCODE;
    }

    /**
     * Parses dpip's {@code addr} arguments (dpip's {@code addr_parse_args}): the verb, then in any order
     * {@code dev}, {@code scope}, {@code broadcast}, {@code valid_lft}, {@code prefered_lft} (also
     * {@code preferred_lft}), {@code sapool}, the prefix; and dpip's global {@code -v}, {@code -s} for show.
     *
     * @param args the words after "addr".
     * @return the sockopt and the bytes dpip would send.
     * @throws IllegalArgumentException naming what is wrong.
     */
    public static Request parse(final List<String> args)
    {
        if (args.isEmpty())
        {
            throw new IllegalArgumentException("add, del, set, flush or show?");
        }
        final String verb = args.get(0);
        final int sockopt;
        final int ops;
        switch (verb)
        {
            case "add" -> { sockopt = InetAddrConf.SOCKOPT_SET_IFADDR_ADD; ops = InetAddrConf.INET_ADDR_ADD; }
            case "del" -> { sockopt = InetAddrConf.SOCKOPT_SET_IFADDR_DEL; ops = InetAddrConf.INET_ADDR_DEL; }
            case "set" -> { sockopt = InetAddrConf.SOCKOPT_SET_IFADDR_SET; ops = InetAddrConf.INET_ADDR_MOD; }
            case "flush" -> { sockopt = InetAddrConf.SOCKOPT_SET_IFADDR_FLUSH; ops = InetAddrConf.INET_ADDR_FLUSH; }
            case "show", "list" -> { sockopt = InetAddrConf.SOCKOPT_GET_IFADDR_SHOW; ops = InetAddrConf.INET_ADDR_GET; }
            default -> throw new IllegalArgumentException("unknown verb " + verb + ": want add, del, set, flush or show");
        }
        final ByteBuffer p = ByteBuffer.allocate(InetAddrConf.PARAM_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        final int e = InetAddrConf.PARAM_ENTRY_OFFSET;
        int af = InetAddrConf.AF_UNSPEC;
        int opsFlags = 0;
        String prefix = null;
        String dev = null;
        for (int i = 1; i < args.size(); i++)
        {
            final String a = args.get(i);
            switch (a)
            {
                case "dev" -> dev = next(args, ++i, a);
                case "scope" -> p.put(e + InetAddrConf.SCOPE_OFFSET, (byte)scope(next(args, ++i, a)));
                case "broadcast" ->
                {
                    final byte[] b = address(next(args, ++i, a));
                    af = family(af, b);
                    p.put(e + InetAddrConf.BCAST_OFFSET, b);
                }
                case "valid_lft" -> p.putInt(e + InetAddrConf.VALID_LFT_OFFSET, lifetime(next(args, ++i, a)));
                case "prefered_lft", "preferred_lft" ->
                    p.putInt(e + InetAddrConf.PREFERED_LFT_OFFSET, lifetime(next(args, ++i, a)));
                case "sapool" -> p.putInt(e + InetAddrConf.FLAGS_OFFSET,
                    p.getInt(e + InetAddrConf.FLAGS_OFFSET) | InetAddrConf.IFA_F_SAPOOL);
                case "-v" -> opsFlags |= InetAddrConf.IFA_F_OPS_VERBOSE;
                case "-s" -> opsFlags |= InetAddrConf.IFA_F_OPS_STATS;
                default ->
                {
                    if (null != prefix)
                    {
                        throw new IllegalArgumentException("two addresses: " + prefix + " and " + a);
                    }
                    prefix = a;
                }
            }
        }
        final boolean needsPrefix = InetAddrConf.INET_ADDR_ADD == ops || InetAddrConf.INET_ADDR_DEL == ops
            || InetAddrConf.INET_ADDR_MOD == ops;
        if (needsPrefix && null == prefix)
        {
            throw new IllegalArgumentException("missing IFADDR");
        }
        int plen = 0;
        if (null != prefix)
        {
            final int slash = prefix.indexOf('/');
            final byte[] addr = address(slash < 0 ? prefix : prefix.substring(0, slash));
            af = family(af, addr);
            p.put(e + InetAddrConf.ADDR_OFFSET, addr);
            if (slash >= 0)
            {
                plen = number(prefix.substring(slash + 1), "prefix length", 255);
            }
        }
        if (0 == plen && InetAddrConf.AF_INET == af)
        {
            plen = 32;
        }
        else if (0 == plen && InetAddrConf.AF_INET6 == af)
        {
            plen = 128;
        }
        p.put(e + InetAddrConf.PLEN_OFFSET, (byte)plen);
        if (InetAddrConf.INET_ADDR_GET != ops && null == dev)
        {
            throw new IllegalArgumentException("no device specified.");
        }
        if (null != dev)
        {
            final byte[] n = dev.getBytes(StandardCharsets.US_ASCII);
            if (n.length >= InetAddrConf.IFNAME_LENGTH)
            {
                throw new IllegalArgumentException("device name " + dev + " longer than 15 characters");
            }
            p.put(e + InetAddrConf.IFNAME_OFFSET, n);
        }
        p.putInt(InetAddrConf.PARAM_OPS_OFFSET, ops);
        p.putInt(InetAddrConf.PARAM_OPS_FLAGS_OFFSET, opsFlags);
        p.putInt(e + InetAddrConf.AF_OFFSET, af);
        return new Request(sockopt, InetAddrConf.INET_ADDR_GET == ops, p.array());
    }

    /**
     * Splits a configured line ("10.0.1.1/24 dev dpdk0 scope link") into words, prefixed by the verb.
     *
     * @param verb  "add".
     * @param entry the entry.
     * @return the words.
     */
    public static List<String> words(final String verb, final String entry)
    {
        final List<String> w = new ArrayList<>();
        w.add(verb);
        for (final String s : entry.trim().split("\\s+"))
        {
            if (!s.isEmpty())
            {
                w.add(s);
            }
        }
        return w;
    }

    private static String next(final List<String> args, final int i, final String what)
    {
        if (i >= args.size())
        {
            throw new IllegalArgumentException("missing argument for `" + what + "'");
        }
        return args.get(i);
    }

    private static int scope(final String s)
    {
        return switch (s)
        {
            case "host" -> InetAddrConf.IFA_SCOPE_HOST;
            case "link" -> InetAddrConf.IFA_SCOPE_LINK;
            case "global" -> InetAddrConf.IFA_SCOPE_GLOBAL;
            default -> number(s, "scope", 255);
        };
    }

    private static int lifetime(final String s)
    {
        return "forever".equals(s) ? 0 : number(s, "lifetime", Integer.MAX_VALUE);
    }

    private static int number(final String s, final String what, final int max)
    {
        try
        {
            final int v = Integer.parseInt(s);
            if (v < 0 || v > max)
            {
                throw new IllegalArgumentException(what + " " + s + " out of range 0.." + max);
            }
            return v;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("bad " + what + ": " + s);
        }
    }

    private static int family(final int af, final byte[] addr)
    {
        final int f = 4 == addr.length ? InetAddrConf.AF_INET : InetAddrConf.AF_INET6;
        if (InetAddrConf.AF_UNSPEC != af && af != f)
        {
            throw new IllegalArgumentException("the addresses are of two families");
        }
        return f;
    }

    /** Parses an address literal without ever asking DNS. */
    private static byte[] address(final String text)
    {
        if (text.matches("\\d{1,3}(\\.\\d{1,3}){3}"))
        {
            final byte[] b = new byte[4];
            final String[] q = text.split("\\.");
            for (int i = 0; i < 4; i++)
            {
                final int v = Integer.parseInt(q[i]);
                if (v > 255)
                {
                    throw new IllegalArgumentException("not an IP address: " + text);
                }
                b[i] = (byte)v;
            }
            return b;
        }
        if (text.contains(":") && text.matches("[0-9A-Fa-f:.]+"))
        {
            try
            {
                return InetAddress.getByName(text).getAddress();
            }
            catch (final UnknownHostException ex)
            {
                throw new IllegalArgumentException("not an IP address: " + text);
            }
        }
        throw new IllegalArgumentException("not an IP address: " + text);
    }

    /**
     * Prints a GET 51 reply as dpip's {@code addr_dump} does, one entry in two lines.
     *
     * @param body the reply's body, an inet_addr_data_array.
     * @return the text, or null when the body is corrupted (dpip: "corrupted response.").
     */
    public static String show(final byte[] body)
    {
        if (body.length < InetAddrConf.ARRAY_HEADER)
        {
            return null;
        }
        final ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        final int n = b.getInt(InetAddrConf.ARRAY_NADDR_OFFSET);
        final int opsFlags = b.getInt(InetAddrConf.ARRAY_OPS_FLAGS_OFFSET);
        if (n < 0 || body.length < InetAddrConf.ARRAY_HEADER + (long)n * InetAddrConf.DATA_SIZE)
        {
            return null;
        }
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            dump(b, InetAddrConf.ARRAY_HEADER + i * InetAddrConf.DATA_SIZE, opsFlags, sb);
        }
        return sb.toString();
    }

    private static void dump(final ByteBuffer b, final int at, final int opsFlags, final StringBuilder sb)
    {
        final int af = b.getInt(at + InetAddrConf.AF_OFFSET);
        final int len = InetAddrConf.AF_INET6 == af ? 16 : 4;
        final String bcast = any(b, at + InetAddrConf.BCAST_OFFSET, len) ? ""
            : "broadcast " + text(b, at + InetAddrConf.BCAST_OFFSET, len);
        if (0 != (opsFlags & InetAddrConf.IFA_F_OPS_VERBOSE))
        {
            sb.append(String.format(Locale.ROOT, "[%02d] ", b.get(at + InetAddrConf.CID_OFFSET) & 0xff));
        }
        sb.append(String.format(Locale.ROOT, "%s %s/%d scope %s %s\n    %s valid_lft %s preferred_lft %s",
            afName(af), text(b, at + InetAddrConf.ADDR_OFFSET, len), b.get(at + InetAddrConf.PLEN_OFFSET) & 0xff,
            scopeName(b.get(at + InetAddrConf.SCOPE_OFFSET) & 0xff), ifname(b, at), bcast,
            lifetime(b.getInt(at + InetAddrConf.VALID_LFT_OFFSET)),
            lifetime(b.getInt(at + InetAddrConf.PREFERED_LFT_OFFSET))));
        if (0 != (opsFlags & (InetAddrConf.IFA_F_OPS_STATS | InetAddrConf.IFA_F_OPS_VERBOSE))
            && 0 != (b.getInt(at + InetAddrConf.FLAGS_OFFSET) & InetAddrConf.IFA_F_SAPOOL))
        {
            sb.append(String.format(Locale.ROOT, " sa_used %d sa_free %d sa_miss %d",
                b.getInt(at + InetAddrConf.STATS_SA_USED_OFFSET) & 0xffffffffL,
                b.getInt(at + InetAddrConf.STATS_SA_FREE_OFFSET) & 0xffffffffL,
                b.getInt(at + InetAddrConf.STATS_SA_MISS_OFFSET) & 0xffffffffL));
        }
        sb.append('\n');
    }

    private static String afName(final int af)
    {
        return switch (af)
        {
            case InetAddrConf.AF_INET -> "inet";
            case InetAddrConf.AF_INET6 -> "inet6";
            case InetAddrConf.AF_UNSPEC -> "unspec";
            default -> "<unknow>";
        };
    }

    private static String scopeName(final int scope)
    {
        return switch (scope)
        {
            case InetAddrConf.IFA_SCOPE_HOST -> "host";
            case InetAddrConf.IFA_SCOPE_LINK -> "link";
            case InetAddrConf.IFA_SCOPE_SITE -> "site";
            case InetAddrConf.IFA_SCOPE_GLOBAL -> "global";
            default -> Integer.toString(scope);
        };
    }

    private static String lifetime(final int lft)
    {
        return 0 == lft ? "forever" : Long.toString(lft & 0xffffffffL);
    }

    private static boolean any(final ByteBuffer b, final int at, final int len)
    {
        for (int i = 0; i < len; i++)
        {
            if (0 != b.get(at + i))
            {
                return false;
            }
        }
        return true;
    }

    private static String text(final ByteBuffer b, final int at, final int len)
    {
        final byte[] raw = new byte[len];
        b.get(at, raw);
        try
        {
            return InetAddress.getByAddress(raw).getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static String ifname(final ByteBuffer b, final int at)
    {
        int n = 0;
        while (n < InetAddrConf.IFNAME_LENGTH && 0 != b.get(at + InetAddrConf.IFNAME_OFFSET + n))
        {
            n++;
        }
        final byte[] raw = new byte[n];
        b.get(at + InetAddrConf.IFNAME_OFFSET, raw);
        return new String(raw, StandardCharsets.US_ASCII);
    }
}
