package modules.neigh.impl;

import java.nio.ByteBuffer;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;

import modules.neigh.api.NeighConf;

/**
 * Gogo commands of the {@code neigh} scope, registered by {@link NeighComponent}, with dpip's syntax. Each returns
 * its output.
 */
public final class NeighCommands
{
    static final String[] FUNCTIONS = {"add", "del", "show", "stats"};

    private final NeighCore core;

    NeighCommands(final NeighCore core)
    {
        this.core = core;
    }

    @Descriptor("adds a static neighbour on every worker: neigh:add ADDR lladdr LLADDR dev DEVICE")
    public String add(@Descriptor("ADDR lladdr LLADDR dev DEVICE") final String... args)
    {
        return change(true, args);
    }

    @Descriptor("deletes a neighbour from every worker: neigh:del ADDR dev DEVICE")
    public String del(@Descriptor("ADDR [lladdr LLADDR] dev DEVICE") final String... args)
    {
        return change(false, args);
    }

    private String change(final boolean add, final String... args)
    {
        String addr = null;
        String dev = "";
        long mac = 0;
        for (int i = 0; i < args.length; i++)
        {
            if (("dev".equals(args[i]) || "lladdr".equals(args[i])) && i + 1 >= args.length)
            {
                return "missing value after " + args[i];
            }
            if ("dev".equals(args[i]))
            {
                dev = args[++i];
            }
            else if ("lladdr".equals(args[i]))
            {
                mac = Arp.parseMac(args[++i]);
                if (mac < 0)
                {
                    return "invalid link layer addr";
                }
            }
            else
            {
                addr = args[i];
            }
        }
        final Integer ip = null == addr ? null : Arp.parseIp(addr);
        if (null == ip)
        {
            return null == addr ? "missing ip address" : "invalid IP address";
        }
        if (add && 0 == mac)
        {
            return "invalid MAC address";
        }
        return core.master.call(add, ip, mac, dev);
    }

    @Descriptor("lists every worker's neighbours as dpip neigh show prints them")
    public String show(@Descriptor("[dev DEVICE]") final String... args)
    {
        int port = -1;
        if (args.length >= 2 && "dev".equals(args[0]))
        {
            port = core.netif.portId(args[1]);
            if (port < 0)
            {
                return "no such device: " + args[1];
            }
        }
        final ByteBuffer b = core.master.gather(port);
        if (null == b)
        {
            return "a worker did not answer";
        }
        final StringBuilder sb = new StringBuilder();
        final int n = b.getInt(0);
        for (int i = 0; i < n; i++)
        {
            sb.append(NeighConf.describe(b, NeighConf.ARRAY_HEADER + i * NeighConf.SIZE))
                .append(System.lineSeparator());
        }
        return sb.toString();
    }

    @Descriptor("the neighbour table's counters: the workers' sums, then the master's")
    public String stats()
    {
        final long[] t = core.totals();
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.length; i++)
        {
            sb.append(String.format(Locale.ROOT, "%-18s %d%n", NeighTable.COUNTER_NAMES[i], t[i]));
        }
        final NeighMaster m = core.master;
        sb.append(String.format(Locale.ROOT, "master: static %d, resolving %d, arp sent %d (retries %d), "
            + "resolutions failed %d, no source %d, alloc failures %d, xmit failures %d, learned %d "
            + "(failed %d), added %d, deleted %d, refused %d; freed at stop %d%n", m.staticCount(),
            m.pendingCount(), m.arpSent.get(), m.arpRetries.get(), m.resolveFailed.get(), m.noSource.get(),
            m.allocFailures.get(), m.xmitFailures.get(), m.learned.get(), m.learnFailures.get(), m.added.get(),
            m.deleted.get(), m.refused.get(), core.freedAtStop.get()));
        sb.append("neigh.change events: ").append(core.events.describe()).append(System.lineSeparator());
        return sb.toString();
    }
}
