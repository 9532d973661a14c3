package modules.stats.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import modules.stats.api.NetifLcoreConf;
import platform.sockopt.client.CtlCommand;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * {@code dplanectl link show cpu[N] [--stats]}: the lcores as {@code dpip [-s] link show cpu} prints them, over the
 * same sockopts (GET 57, then GET 58 and with {@code --stats} GET 59 per lcore) and in the same format, DPVS's
 * spelling of "Controll" included.
 * <p>
 * Not final: the netif bundle's command extends it with the NICs ({@code dplanectl link show [NIC]}) and, as a
 * subclass, replaces it in {@code dplanectl} when both jars are on the class path.
 */
public class LinkCtl implements CtlCommand
{
    /** The usage lines of the lcores, for a command that extends this one. */
    protected static final String USAGE_TEXT = String.join("\n",
        "  link show cpu [--stats]               every lcore as 'dpip [-s] link show cpu' prints it (GET 57, 58, 59)",
        "  link show cpuN [--stats]              one lcore");

    @Override
    public String name()
    {
        return "link";
    }

    @Override
    public String usage()
    {
        return USAGE_TEXT;
    }

    @Override
    public int run(final List<String> args, final SockoptClient client, final PrintStream out, final PrintStream err)
        throws IOException
    {
        final List<String> words = new ArrayList<>(args);
        // dpip's -s (dpip -s link show cpu); here -s names dplanectl's socket
        final boolean stats = words.remove("--stats");
        if (words.size() != 2 || !"show".equals(words.get(0)) || !words.get(1).startsWith("cpu"))
        {
            err.println("dplanectl link: want 'show cpu [--stats]' or 'show cpuN [--stats]' (NICs come with the netif "
                + "bundle)");
            return EXIT_USAGE;
        }
        final String which = words.get(1).substring(3);
        if (!which.isEmpty())
        {
            final int id;
            try
            {
                id = Integer.parseInt(which);
            }
            catch (final NumberFormatException ex)
            {
                err.println("dplanectl link: bad lcore " + words.get(1));
                return EXIT_USAGE;
            }
            if (id < 0 || id > 63)
            {
                err.println("dplanectl link: lcore ids are 0..63");
                return EXIT_USAGE;
            }
            return show(client, id, stats, out, err);
        }
        final SockoptResponse m = client.get(NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_MASK, new byte[0]);
        if (!m.ok() || m.body().length < NetifLcoreConf.MASK_SIZE)
        {
            err.println(String.format(Locale.ROOT, "Fail to get configured CPU information: %s.", m.errstr()));
            return EXIT_ERRCODE;
        }
        final ByteBuffer b = ByteBuffer.wrap(m.body()).order(ByteOrder.LITTLE_ENDIAN);
        final int master = b.get(NetifLcoreConf.MASK_MASTER_OFFSET) & 0xff;
        final int kni = b.get(NetifLcoreConf.MASK_KNI_OFFSET) & 0xff;
        final long slaves = b.getLong(NetifLcoreConf.MASK_SLAVE_MASK_OFFSET);
        final long isolRx = b.getLong(NetifLcoreConf.MASK_ISOLRX_MASK_OFFSET);
        int exit = EXIT_OK;
        out.println("<< Controll Plane >>");
        exit = worst(exit, show(client, master, stats, out, err));
        if (0 != kni)
        {
            exit = worst(exit, show(client, kni, stats, out, err));
        }
        out.println("<< Data Plane >>");
        for (int i = 0; i < 64; i++)
        {
            if (0 != (slaves & (1L << i)))
            {
                exit = worst(exit, show(client, i, stats, out, err));
            }
        }
        if (0 != (b.get(NetifLcoreConf.MASK_ISOLRX_NUM_OFFSET) & 0xff))
        {
            out.println("<< Isolate RX Lcores >>");
            for (int i = 0; i < 64; i++)
            {
                if (0 != (isolRx & (1L << i)))
                {
                    exit = worst(exit, show(client, i, stats, out, err));
                }
            }
        }
        return exit;
    }

    private static int worst(final int a, final int b)
    {
        return EXIT_OK == a ? b : a;
    }

    private static int show(final SockoptClient client, final int id, final boolean stats, final PrintStream out,
        final PrintStream err) throws IOException
    {
        final byte[] req = {(byte)id};
        final SockoptResponse basic = client.get(NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_BASIC, req);
        if (!basic.ok() || basic.body().length < NetifLcoreConf.BASIC_HEADER_SIZE)
        {
            err.println(String.format(Locale.ROOT, "Fail to get information for cpu%d: %s (%d)", id, basic.errstr(),
                basic.errcode()));
            return EXIT_ERRCODE;
        }
        final ByteBuffer b = ByteBuffer.wrap(basic.body()).order(ByteOrder.LITTLE_ENDIAN);
        out.println(String.format(Locale.ROOT, "%d: cpu%d: socket %d", id + 1,
            b.get(NetifLcoreConf.BASIC_LCORE_OFFSET) & 0xff, b.get(NetifLcoreConf.BASIC_SOCKET_OFFSET) & 0xff));
        final int qlen = b.getInt(NetifLcoreConf.BASIC_QUEUE_DATA_LEN_OFFSET);
        if (qlen > 0)
        {
            int end = NetifLcoreConf.BASIC_HEADER_SIZE;
            while (end < basic.body().length && 0 != basic.body()[end])
            {
                end++;
            }
            out.println("    queues " + new String(basic.body(), NetifLcoreConf.BASIC_HEADER_SIZE,
                end - NetifLcoreConf.BASIC_HEADER_SIZE, StandardCharsets.US_ASCII));
        }
        else
        {
            out.println("    queues none");
        }
        if (!stats)
        {
            return EXIT_OK;
        }
        final SockoptResponse s = client.get(NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_STATS, req);
        if (!s.ok() || s.body().length != NetifLcoreConf.STATS_SIZE)
        {
            err.println(String.format(Locale.ROOT, "Fail to get statistics of cpu%d: %s (%d)", id, s.errstr(),
                s.errcode()));
            return EXIT_ERRCODE;
        }
        final ByteBuffer v = ByteBuffer.wrap(s.body()).order(ByteOrder.LITTLE_ENDIAN);
        out.println(String.format(Locale.ROOT, "    %-20s%-20s%-20s%-20s", "lcore_loop", "pktburst", "zpktburst",
            "fpktburst"));
        out.println(String.format(Locale.ROOT, "    %-20d%-20d%-20d%-20d",
            v.getLong(NetifLcoreConf.STATS_LCORE_LOOP_OFFSET), v.getLong(NetifLcoreConf.STATS_PKTBURST_OFFSET),
            v.getLong(NetifLcoreConf.STATS_ZPKTBURST_OFFSET), v.getLong(NetifLcoreConf.STATS_FPKTBURST_OFFSET)));
        out.println(String.format(Locale.ROOT, "    %-20s%-20s%-20s", "z2hpktburst", "h2fpktburst", "dropped"));
        out.println(String.format(Locale.ROOT, "    %-20d%-20d%-20d",
            v.getLong(NetifLcoreConf.STATS_Z2HPKTBURST_OFFSET), v.getLong(NetifLcoreConf.STATS_H2FPKTBURST_OFFSET),
            v.getLong(NetifLcoreConf.STATS_DROPPED_OFFSET)));
        out.println(String.format(Locale.ROOT, "    %-20s%-20s%-20s%-20s", "ipackets", "ibytes", "opackets",
            "obytes"));
        out.println(String.format(Locale.ROOT, "    %-20d%-20d%-20d%-20d",
            v.getLong(NetifLcoreConf.STATS_IPACKETS_OFFSET), v.getLong(NetifLcoreConf.STATS_IBYTES_OFFSET),
            v.getLong(NetifLcoreConf.STATS_OPACKETS_OFFSET), v.getLong(NetifLcoreConf.STATS_OBYTES_OFFSET)));
        return EXIT_OK;
    }
}
