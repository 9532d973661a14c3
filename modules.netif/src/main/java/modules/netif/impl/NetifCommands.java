package modules.netif.impl;

import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;

import modules.netif.api.PortInfo;

/**
 * Gogo commands of the {@code netif} scope, registered by {@link NetifComponent}. Each returns its output.
 */
public final class NetifCommands
{
    static final String[] FUNCTIONS = {"ports", "lcores", "hooks", "stats"};

    private final NetifCore core;

    NetifCommands(final NetifCore core)
    {
        this.core = core;
    }

    @Descriptor("lists the ports: driver, device, MAC, MTU, queues, state and packet counters")
    public String ports()
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-3s %-15s %-10s %-16s %-17s %5s %3s %3s %-5s %12s %12s %10s %10s%n",
            "ID", "NAME", "DRIVER", "DEVICE", "MAC", "MTU", "RXQ", "TXQ", "STATE", "IPACKETS", "OPACKETS", "IERRORS",
            "OERRORS"));
        for (final PortInfo p : core.ports())
        {
            final NetifCore.Port port = core.port(p.id());
            sb.append(String.format(Locale.ROOT,
                "%-3d %-15s %-10s %-16s %-17s %5d %3d %3d %-5s %12d %12d %10d %10d%n", p.id(), p.name(), p.driver(),
                p.device().isEmpty() ? "-" : p.device(), p.macText(), p.mtu(), p.rxQueues(), p.txQueues(),
                !p.up() ? "down" : p.linkUp() ? "up" : "nolink", port.stats.rxTotal(PortStats.IPACKETS),
                port.stats.txTotal(PortStats.OPACKETS), port.stats.rxTotal(PortStats.IERRORS)
                    + port.dev.rxErrors(), port.stats.txTotal(PortStats.OERRORS)));
        }
        for (final String r : core.refusedPorts())
        {
            sb.append("refused: ").append(r).append(System.lineSeparator());
        }
        sb.append(String.format(Locale.ROOT, "mbuf pool: %d buffers, %d in use, %d allocation failures%n",
            core.pool().capacity(), core.pool().inUse(), core.pool().allocFailures()));
        return sb.toString();
    }

    @Descriptor("lists which forwarding lcore polls which queues (the netif lcore configuration)")
    public String lcores()
    {
        final StringBuilder sb = new StringBuilder();
        for (final int id : core.workerIds())
        {
            sb.append(String.format(Locale.ROOT, "lcore %d: %s%n", id, core.queueText(id)));
        }
        if (core.kniLcore() >= 0)
        {
            sb.append(String.format(Locale.ROOT, "kni job on lcore %d%n", core.kniLcore()));
        }
        return sb.toString();
    }

    @Descriptor("lists the hooks by point, in calling order, then the ethertype and protocol receivers, with their owners and counters")
    public String hooks()
    {
        final List<HookChain.Entry> all = core.hooks();
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d hooks%n", all.size()));
        for (final HookChain.Entry e : all)
        {
            sb.append(String.format(Locale.ROOT, "%-12s %6d %-24s drops %d, stolen %d, failures %d (%s)%n", e.point,
                e.priority, e.name, e.drops.get(), e.stolen.get(), e.failures.get(), e.owner));
        }
        final List<Receivers.Entry> receivers = core.receivers();
        sb.append(String.format(Locale.ROOT, "%d receivers%n", receivers.size()));
        for (final Receivers.Entry e : receivers)
        {
            sb.append(String.format(Locale.ROOT, "%-18s %-24s failures %d (%s)%n", e.key(), e.name,
                e.failures.get(), e.owner));
        }
        return sb.toString();
    }

    @Descriptor("the packet path's drop and hand-over counters and DPVS's lcore counters per forwarding lcore, read on each lcore (NETIF_LCORE_STATS) so they agree with each other")
    public String stats()
    {
        final StringBuilder sb = new StringBuilder();
        for (final int id : core.workerIds())
        {
            final long[] s = core.lcoreSnapshot(id);
            sb.append("lcore ").append(id).append(':');
            if (null == s)
            {
                sb.append(" no answer").append(System.lineSeparator());
                continue;
            }
            for (int i = 0; i < s.length; i++)
            {
                final String name = i < LcoreNetif.NAMES.length ? LcoreNetif.NAMES[i]
                    : LcoreNetif.LCORE_NAMES[i - LcoreNetif.NAMES.length];
                sb.append(' ').append(name).append(' ').append(s[i]);
            }
            sb.append(System.lineSeparator());
        }
        sb.append(String.format(Locale.ROOT, "hook failures %d, master xmit failures %d%n", core.hookFailures(),
            core.masterXmitFailures()));
        return sb.toString();
    }
}
