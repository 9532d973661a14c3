package modules.blklst.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;

import modules.blklst.api.BlklstConf;
import platform.sockopt.client.CtlCommand;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * {@code dplanectl blklst}: the blacklist from the command line, over the same sockopts and bytes as ipvsadm's
 * {@code --add-blklst}, {@code --del-blklst} and {@code --get-blklst}. Found by dplanectl through
 * {@link java.util.ServiceLoader}; uses only the JDK, the client package and this bundle's API constants.
 */
public final class BlklstCtl implements CtlCommand
{
    static final String USAGE = String.join("\n",
        "  blklst add tcp|udp|sctp VIP:PORT IP   blacklist IP for the service (SET 73); IPv6 as [VIP]:PORT",
        "  blklst del tcp|udp|sctp VIP:PORT IP   remove it (SET 74)",
        "  blklst flush                          remove every entry (SET 75)",
        "  blklst show                           list the entries (GET 76)");

    @Override
    public String name()
    {
        return "blklst";
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
        if (args.isEmpty())
        {
            err.println("dplanectl blklst: add, del, flush or show?");
            return EXIT_USAGE;
        }
        final String verb = args.get(0);
        switch (verb)
        {
            case "add":
            case "del":
            {
                if (4 != args.size())
                {
                    err.println("dplanectl blklst " + verb + ": want PROTO VIP:PORT IP");
                    return EXIT_USAGE;
                }
                final byte[] conf;
                try
                {
                    conf = conf(args.get(1), args.get(2), args.get(3));
                }
                catch (final IllegalArgumentException ex)
                {
                    err.println("dplanectl blklst " + verb + ": " + ex.getMessage());
                    return EXIT_USAGE;
                }
                return check(err, client.set("add".equals(verb) ? BlklstConf.SOCKOPT_SET_BLKLST_ADD
                    : BlklstConf.SOCKOPT_SET_BLKLST_DEL, conf));
            }
            case "flush":
                return check(err, client.set(BlklstConf.SOCKOPT_SET_BLKLST_FLUSH, new byte[0]));
            case "show":
            {
                final SockoptResponse r = client.get(BlklstConf.SOCKOPT_GET_BLKLST_GETALL, new byte[0]);
                if (!r.ok())
                {
                    return check(err, r);
                }
                return show(r.body(), out, err);
            }
            default:
                err.println("dplanectl blklst: unknown verb " + verb);
                return EXIT_USAGE;
        }
    }

    private static int check(final PrintStream err, final SockoptResponse r)
    {
        if (r.ok())
        {
            return EXIT_OK;
        }
        err.println(String.format(Locale.ROOT, "dplanectl: blklst: %s (%d)", r.errstr(), r.errcode()));
        return EXIT_ERRCODE;
    }

    /** ipvsadm's title line, then one entry a line. */
    static int show(final byte[] body, final PrintStream out, final PrintStream err)
    {
        final ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        final int n = body.length >= BlklstConf.ARRAY_HEADER ? b.getInt(0) : -1;
        if (n < 0 || body.length != BlklstConf.ARRAY_HEADER + n * BlklstConf.SIZE)
        {
            err.println("dplanectl blklst show: corrupted reply of " + body.length + " bytes");
            return EXIT_ERRCODE;
        }
        out.println(String.format(Locale.ROOT, "%-8s %-30s %s", "PROTO", "VIP:VPORT", "BLACKLIST"));
        for (int i = 0; i < n; i++)
        {
            final int at = BlklstConf.ARRAY_HEADER + i * BlklstConf.SIZE;
            final int af = body[at + BlklstConf.AF_OFFSET] & 0xff;
            final int len = BlklstConf.AF_INET6 == af ? 16 : 4;
            final String vaddr = address(body, at + BlklstConf.VADDR_OFFSET, len);
            final int vport = ((body[at + BlklstConf.VPORT_OFFSET] & 0xff) << 8)
                | (body[at + BlklstConf.VPORT_OFFSET + 1] & 0xff);
            out.println(String.format(Locale.ROOT, "%-8s %-30s %s", protoName(body[at + BlklstConf.PROTO_OFFSET] & 0xff),
                (16 == len ? "[" + vaddr + "]" : vaddr) + ":" + vport,
                address(body, at + BlklstConf.SUBJECT_OFFSET, len)));
        }
        return EXIT_OK;
    }

    /**
     * @param proto   tcp, udp or sctp.
     * @param service VIP:PORT, or [VIP6]:PORT.
     * @param subject the address to blacklist, of the service's family.
     * @return the 68-byte dp_vs_blklst_conf ipvsadm would send.
     * @throws IllegalArgumentException naming what is wrong.
     */
    public static byte[] conf(final String proto, final String service, final String subject)
    {
        final int p = switch (proto.toLowerCase(Locale.ROOT))
        {
            case "tcp" -> 6;
            case "udp" -> 17;
            case "sctp" -> 132;
            default -> throw new IllegalArgumentException("protocol " + proto + ": want tcp, udp or sctp");
        };
        final int colon = service.lastIndexOf(':');
        if (colon <= 0)
        {
            throw new IllegalArgumentException("service " + service + ": want VIP:PORT");
        }
        final String host = service.substring(0, colon);
        final int port;
        try
        {
            port = Integer.parseInt(service.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("service " + service + ": bad port");
        }
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("port " + port + " out of range");
        }
        final InetAddress vip = literal(host.startsWith("[") && host.endsWith("]")
            ? host.substring(1, host.length() - 1) : host);
        final InetAddress ip = literal(subject);
        if ((vip instanceof Inet6Address) != (ip instanceof Inet6Address))
        {
            throw new IllegalArgumentException("the service and the address must be of one family");
        }
        final ByteBuffer b = ByteBuffer.allocate(BlklstConf.SIZE);
        b.put(BlklstConf.VADDR_OFFSET, vip.getAddress());
        b.putShort(BlklstConf.VPORT_OFFSET, (short)port); // big-endian: network order
        b.put(BlklstConf.PROTO_OFFSET, (byte)p);
        b.put(BlklstConf.AF_OFFSET, (byte)(vip instanceof Inet4Address ? BlklstConf.AF_INET : BlklstConf.AF_INET6));
        b.put(BlklstConf.SUBJECT_OFFSET, ip.getAddress());
        return b.array();
    }

    /** Parses an address literal without ever asking DNS. */
    private static InetAddress literal(final String text)
    {
        final boolean v4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!v4 && !text.matches("[0-9A-Fa-f:.]+") || !v4 && !text.contains(":"))
        {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        try
        {
            return InetAddress.getByName(text);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
    }

    private static String address(final byte[] body, final int at, final int len)
    {
        final byte[] raw = new byte[len];
        System.arraycopy(body, at, raw, 0, len);
        try
        {
            return InetAddress.getByAddress(raw).getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static String protoName(final int proto)
    {
        return switch (proto)
        {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 132 -> "SCTP";
            default -> Integer.toString(proto);
        };
    }
}
