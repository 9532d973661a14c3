package modules.neigh.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import modules.neigh.api.NeighConf;
import platform.sockopt.client.CtlCommand;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * {@code dplanectl neigh}: the neighbour table from the command line, with dpip's syntax, bytes and output
 * (tools/dpip/neigh.c). Found by dplanectl through {@link java.util.ServiceLoader}; uses only the JDK, the client
 * package and this bundle's API constants.
 */
public final class NeighCtl implements CtlCommand
{
    static final String USAGE = String.join("\n",
        "  neigh add ADDR lladdr LLADDR dev DEVICE   add a static neighbour on every worker (SET 70)",
        "  neigh del ADDR [lladdr LLADDR] dev DEVICE delete it (SET 71)",
        "  neigh show [dev DEVICE] [-4]              every worker's neighbours (GET 72), as dpip prints them");

    @Override
    public String name()
    {
        return "neigh";
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
            err.println("dplanectl neigh: add, del or show?");
            return EXIT_USAGE;
        }
        final String verb = args.get(0);
        if (!"add".equals(verb) && !"del".equals(verb) && !"show".equals(verb))
        {
            err.println("dplanectl neigh: unknown verb " + verb);
            return EXIT_USAGE;
        }
        final byte[] conf;
        try
        {
            conf = conf(verb, args.subList(1, args.size()));
        }
        catch (final IllegalArgumentException ex)
        {
            err.println(ex.getMessage());
            return EXIT_USAGE;
        }
        if ("show".equals(verb))
        {
            final SockoptResponse r = client.get(NeighConf.SOCKOPT_GET_NEIGH_SHOW, conf);
            return r.ok() ? show(r.body(), out, err) : check(err, r);
        }
        return check(err, client.set("add".equals(verb) ? NeighConf.SOCKOPT_SET_NEIGH_ADD
            : NeighConf.SOCKOPT_SET_NEIGH_DEL, conf));
    }

    /**
     * dpip's {@code neigh_parse_args}: the words in any order, {@code dev X}, {@code lladdr M}, {@code -4}, the
     * address.
     *
     * @param verb  add, del or show.
     * @param words the words after the verb.
     * @return the 52-byte dp_vs_neigh_conf dpip sends.
     * @throws IllegalArgumentException with dpip's message when the words are wrong.
     */
    public static byte[] conf(final String verb, final List<String> words)
    {
        final ByteBuffer b = ByteBuffer.allocate(NeighConf.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        String addr = null;
        boolean macSet = false;
        for (int i = 0; i < words.size(); i++)
        {
            final String w = words.get(i);
            if ("dev".equals(w) || "lladdr".equals(w))
            {
                if (i + 1 >= words.size())
                {
                    throw new IllegalArgumentException("missing argument after " + w);
                }
                final String v = words.get(++i);
                if ("dev".equals(w))
                {
                    final byte[] name = v.getBytes(StandardCharsets.US_ASCII);
                    b.put(NeighConf.IFNAME_OFFSET, name, 0, Math.min(name.length, NeighConf.IFNAME_LENGTH - 1));
                }
                else
                {
                    putMac(b, v);
                    macSet = true;
                }
            }
            else if ("-4".equals(w))
            {
                b.putInt(NeighConf.AF_OFFSET, NeighConf.AF_INET);
            }
            else
            {
                addr = w;
            }
        }
        if (!"show".equals(verb) && null == addr)
        {
            throw new IllegalArgumentException("missing ip address");
        }
        if (null != addr)
        {
            final InetAddress a;
            try
            {
                a = addr.matches("[0-9.]+") || addr.contains(":") ? InetAddress.getByName(addr) : null;
            }
            catch (final UnknownHostException ex)
            {
                throw new IllegalArgumentException("invalid IP address", ex);
            }
            if (null == a)
            {
                throw new IllegalArgumentException("invalid IP address");
            }
            b.putInt(NeighConf.AF_OFFSET, a instanceof Inet4Address ? NeighConf.AF_INET : NeighConf.AF_INET6);
            b.put(NeighConf.IP_OFFSET, a.getAddress());
        }
        if ("add".equals(verb))
        {
            boolean zero = true;
            for (int i = 0; i < 6; i++)
            {
                zero &= 0 == b.get(NeighConf.MAC_OFFSET + i);
            }
            if (!macSet || zero)
            {
                throw new IllegalArgumentException("invalid MAC address");
            }
        }
        return b.array();
    }

    private static void putMac(final ByteBuffer b, final String text)
    {
        final String[] p = text.split(":", -1);
        if (6 != p.length)
        {
            throw new IllegalArgumentException("invalid link layer addr");
        }
        for (int i = 0; i < 6; i++)
        {
            try
            {
                final int v = Integer.parseInt(p[i], 16);
                if (p[i].isEmpty() || p[i].length() > 2 || v < 0)
                {
                    throw new IllegalArgumentException("invalid link layer addr");
                }
                b.put(NeighConf.MAC_OFFSET + i, (byte)v);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("invalid link layer addr", ex);
            }
        }
    }

    private static int check(final PrintStream err, final SockoptResponse r)
    {
        if (r.ok())
        {
            return EXIT_OK;
        }
        err.println(String.format(Locale.ROOT, "dplanectl: neigh: %s (%d)", r.errstr(), r.errcode()));
        return EXIT_ERRCODE;
    }

    /** dpip's {@code neigh_dump}, one entry a line; "corrupted response." unless len == 4 + 52n. */
    static int show(final byte[] body, final PrintStream out, final PrintStream err)
    {
        final ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        final int n = body.length >= NeighConf.ARRAY_HEADER ? b.getInt(0) : -1;
        if (n < 0 || body.length != NeighConf.ARRAY_HEADER + n * NeighConf.SIZE)
        {
            err.println("corrupted response.");
            return EXIT_ERRCODE;
        }
        for (int i = 0; i < n; i++)
        {
            out.println(NeighConf.describe(b, NeighConf.ARRAY_HEADER + i * NeighConf.SIZE));
        }
        return EXIT_OK;
    }
}
