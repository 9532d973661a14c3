package modules.netif.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import modules.netif.api.NetifNicConf;
import modules.stats.cli.LinkCtl;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * {@code dplanectl link show [NIC] [--stats]}: the NICs as {@code dpip [-s] link show [NIC]} prints them (DPVS's
 * tools/dpip/link.c {@code dump_nic_basic} and {@code dump_nic_stats}, its "foward2kni" spelling included), over
 * the same conversation: GET 60 for the list, then per NIC GET 61 and with {@code --stats} GET 62, each with the
 * name in 32 NUL-padded bytes. {@code link show cpu...} goes to modules.stats' lcores, which this extends.
 * {@code link set NIC promisc|link on|off|up|down} sends SET 54 as dpip does.
 */
public final class NetifLinkCtl extends LinkCtl
{
    static final String USAGE = String.join("\n",
        "  link show [NIC] [--stats]             every NIC or one, as 'dpip [-s] link show [NIC]' (GET 60, 61, 62)",
        "  link set NIC promisc on|off           as 'dpip link set NIC promisc on|off' (SET 54)",
        "  link set NIC link up|down             as 'dpip link set NIC link up|down' (SET 54)",
        LinkCtl.USAGE_TEXT);

    @Override
    public String usage()
    {
        return USAGE;
    }

    @Override
    public int run(final List<String> args, final SockoptClient client, final PrintStream out, final PrintStream err)
        throws IOException
    {
        final List<String> words = new ArrayList<>(args);
        final boolean stats = words.contains("--stats");
        if (words.size() >= 2 && "show".equals(words.get(0)) && words.get(1).startsWith("cpu"))
        {
            return super.run(args, client, out, err);
        }
        words.remove("--stats");
        if (!words.isEmpty() && "set".equals(words.get(0)))
        {
            return set(words, client, err);
        }
        if (words.isEmpty() || !"show".equals(words.get(0)) || words.size() > 2)
        {
            err.println("dplanectl link: want 'show [NIC] [--stats]', 'show cpu[N] [--stats]' or "
                + "'set NIC promisc on|off' / 'set NIC link up|down'");
            return EXIT_USAGE;
        }
        if (2 == words.size())
        {
            final String name = words.get(1);
            if (name.getBytes(StandardCharsets.US_ASCII).length >= NetifNicConf.NAME_REQUEST_SIZE)
            {
                err.println("dplanectl link: NIC names are at most 31 bytes: " + name);
                return EXIT_USAGE;
            }
            return nic(client, name, stats, out, err);
        }
        final SockoptResponse list = client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_LIST, new byte[0]);
        if (!list.ok() || list.body().length < NetifNicConf.LIST_HEADER_SIZE)
        {
            err.println(String.format(Locale.ROOT, "Fail to get configured NIC list: %s.", list.errstr()));
            return EXIT_ERRCODE;
        }
        final ByteBuffer b = ByteBuffer.wrap(list.body()).order(ByteOrder.LITTLE_ENDIAN);
        final int n = b.getShort(NetifNicConf.LIST_NIC_NUM_OFFSET) & 0xffff;
        int exit = EXIT_OK;
        for (int i = 0; i < n && NetifNicConf.listEntryOffset(i + 1) <= list.body().length; i++)
        {
            final String name = SockoptClient.cString(b, NetifNicConf.listEntryOffset(i)
                + NetifNicConf.LIST_ENTRY_NAME_OFFSET, NetifNicConf.LIST_ENTRY_NAME_SIZE);
            if (EXIT_OK != nic(client, name, stats, out, err))
            {
                err.println("Fail to get information for " + name);
                exit = EXIT_ERRCODE;
            }
        }
        return exit;
    }

    /** dpip's link_nic_show: the basic lines, then with stats the counters. */
    private static int nic(final SockoptClient client, final String name, final boolean stats, final PrintStream out,
        final PrintStream err) throws IOException
    {
        final byte[] req = nameRequest(name, NetifNicConf.NAME_REQUEST_SIZE);
        final SockoptResponse r = client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_BASIC, req);
        if (!r.ok() || r.body().length < NetifNicConf.BASIC_SIZE)
        {
            err.println(String.format(Locale.ROOT, "dplanectl: %s: %s (%d)", name, r.errstr(), r.errcode()));
            return EXIT_ERRCODE;
        }
        printBasic(ByteBuffer.wrap(r.body()).order(ByteOrder.LITTLE_ENDIAN), out);
        if (!stats)
        {
            return EXIT_OK;
        }
        final SockoptResponse s = client.get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_STATS, req);
        if (!s.ok() || s.body().length != NetifNicConf.STATS_SIZE)
        {
            err.println(String.format(Locale.ROOT, "dplanectl: %s: statistics: %s (%d)", name, s.errstr(),
                s.errcode()));
            return EXIT_ERRCODE;
        }
        printStats(ByteBuffer.wrap(s.body()).order(ByteOrder.LITTLE_ENDIAN), out);
        return EXIT_OK;
    }

    /** dpip's dump_nic_basic. */
    static void printBasic(final ByteBuffer b, final PrintStream out)
    {
        out.print(String.format(Locale.ROOT, "%d: %s: socket %d mtu %d rx-queue %d tx-queue %d%n",
            (b.getShort(NetifNicConf.BASIC_PORT_ID_OFFSET) & 0xffff) + 1,
            SockoptClient.cString(b, NetifNicConf.BASIC_NAME_OFFSET, NetifNicConf.BASIC_NAME_SIZE),
            b.get(NetifNicConf.BASIC_SOCKET_ID_OFFSET) & 0xff, b.getShort(NetifNicConf.BASIC_MTU_OFFSET) & 0xffff,
            b.get(NetifNicConf.BASIC_NRXQ_OFFSET) & 0xff, b.get(NetifNicConf.BASIC_NTXQ_OFFSET) & 0xff));
        final StringBuilder sb = new StringBuilder("    ");
        word(sb, SockoptClient.cString(b, NetifNicConf.BASIC_LINK_STATUS_OFFSET, NetifNicConf.BASIC_TEXT_SIZE));
        // %d of a uint32_t in dpip: printed signed
        sb.append(b.getInt(NetifNicConf.BASIC_LINK_SPEED_OFFSET)).append(" Mbps ");
        word(sb, SockoptClient.cString(b, NetifNicConf.BASIC_LINK_DUPLEX_OFFSET, NetifNicConf.BASIC_TEXT_SIZE));
        word(sb, SockoptClient.cString(b, NetifNicConf.BASIC_LINK_AUTONEG_OFFSET, NetifNicConf.BASIC_TEXT_SIZE));
        final int flags = b.get(NetifNicConf.BASIC_FLAGS_OFFSET) & 0xff;
        final int hi = b.get(NetifNicConf.BASIC_FLAGS_HI_OFFSET) & 0xff;
        flag(sb, flags, NetifNicConf.FLAG_PROMISC, "promisc");
        flag(sb, flags, NetifNicConf.FLAG_FWD2KNI, "foward2kni");
        flag(sb, flags, NetifNicConf.FLAG_TC_EGRESS, "tc-egress");
        flag(sb, flags, NetifNicConf.FLAG_TC_INGRESS, "tc-ingress");
        out.print(sb.append('\n'));
        sb.setLength(0);
        sb.append("    addr ").append(SockoptClient.cString(b, NetifNicConf.BASIC_ADDR_OFFSET,
            NetifNicConf.BASIC_ADDR_SIZE)).append(' ');
        flag(sb, flags, NetifNicConf.FLAG_OL_RX_IP_CSUM, "OF_RX_IP_CSUM");
        flag(sb, flags, NetifNicConf.FLAG_OL_TX_IP_CSUM, "OF_TX_IP_CSUM");
        flag(sb, flags, NetifNicConf.FLAG_OL_TX_TCP_CSUM, "OF_TX_TCP_CSUM");
        flag(sb, hi, NetifNicConf.FLAG_HI_OL_TX_UDP_CSUM, "OF_TX_UDP_CSUM");
        out.print(sb.append('\n'));
    }

    /** dpip's dump_nic_stats. */
    static void printStats(final ByteBuffer v, final PrintStream out)
    {
        out.print(String.format(Locale.ROOT, "    %-20s%-20s%-20s%-20s%n", "ipackets", "opackets", "ibytes",
            "obytes"));
        out.print(String.format(Locale.ROOT, "    %-20s%-20s%-20s%-20s%n",
            Long.toUnsignedString(v.getLong(NetifNicConf.STATS_IPACKETS_OFFSET)),
            Long.toUnsignedString(v.getLong(NetifNicConf.STATS_OPACKETS_OFFSET)),
            Long.toUnsignedString(v.getLong(NetifNicConf.STATS_IBYTES_OFFSET)),
            Long.toUnsignedString(v.getLong(NetifNicConf.STATS_OBYTES_OFFSET))));
        out.print(String.format(Locale.ROOT, "    %-20s%-20s%-20s%-20s%n", "ierrors", "oerrors", "imissed",
            "rx_nombuf"));
        out.print(String.format(Locale.ROOT, "    %-20s%-20s%-20s%-20s%n",
            Long.toUnsignedString(v.getLong(NetifNicConf.STATS_IERRORS_OFFSET)),
            Long.toUnsignedString(v.getLong(NetifNicConf.STATS_OERRORS_OFFSET)),
            Long.toUnsignedString(v.getLong(NetifNicConf.STATS_IMISSED_OFFSET)),
            Long.toUnsignedString(v.getLong(NetifNicConf.STATS_RX_NOMBUF_OFFSET))));
        out.print(String.format(Locale.ROOT, "    %-20s%-20s%n", "mbuf-avail", "mbuf-inuse"));
        out.print(String.format(Locale.ROOT, "    %-20s%-20s%n",
            Integer.toUnsignedString(v.getInt(NetifNicConf.STATS_MBUF_AVAIL_OFFSET)),
            Integer.toUnsignedString(v.getInt(NetifNicConf.STATS_MBUF_INUSE_OFFSET))));
    }

    /** dpip's link_nic_set_promisc and link_nic_set_link_status. */
    private static int set(final List<String> words, final SockoptClient client, final PrintStream err)
        throws IOException
    {
        if (4 != words.size())
        {
            err.println("dplanectl link: want 'set NIC promisc on|off' or 'set NIC link up|down'");
            return EXIT_USAGE;
        }
        final String item = words.get(2) + " " + words.get(3);
        final int flags;
        switch (item)
        {
            case "promisc on":
                flags = NetifNicConf.SET_PROMISC_ON;
                break;
            case "promisc off":
                flags = NetifNicConf.SET_PROMISC_OFF;
                break;
            case "link up":
                flags = NetifNicConf.SET_LINK_UP;
                break;
            case "link down":
                flags = NetifNicConf.SET_LINK_DOWN;
                break;
            default:
                err.println("dplanectl link: unsupported: " + item);
                return EXIT_USAGE;
        }
        final byte[] body = new byte[NetifNicConf.SET_SIZE];
        // strncpy(cfg.pname, name, sizeof(cfg.pname) - 1)
        final byte[] name = nameRequest(words.get(1), NetifNicConf.SET_PNAME_SIZE);
        System.arraycopy(name, 0, body, NetifNicConf.SET_PNAME_OFFSET, NetifNicConf.SET_PNAME_SIZE);
        ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).putShort(NetifNicConf.SET_FLAGS_OFFSET, (short)flags);
        final SockoptResponse r = client.set(NetifNicConf.SOCKOPT_NETIF_SET_PORT, body);
        if (!r.ok())
        {
            err.println(String.format(Locale.ROOT, "dplanectl: %s (%d)", r.errstr(), r.errcode()));
            return EXIT_ERRCODE;
        }
        return EXIT_OK;
    }

    /** A name NUL-padded to size bytes, truncated to size - 1. */
    public static byte[] nameRequest(final String name, final int size)
    {
        final byte[] out = new byte[size];
        final byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, out, 0, Math.min(b.length, size - 1));
        return out;
    }

    private static void word(final StringBuilder sb, final String s)
    {
        if (!s.isEmpty())
        {
            sb.append(s).append(' ');
        }
    }

    private static void flag(final StringBuilder sb, final int flags, final int bit, final String s)
    {
        if (0 != (flags & bit))
        {
            sb.append(s).append(' ');
        }
    }
}
