package platform.msgmgr.impl;

import java.util.Locale;

import org.apache.felix.service.command.Descriptor;

import platform.lcore.api.Edpvs;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.api.MsgReply;

/**
 * Gogo commands of the {@code msg} scope. Registered by {@link MsgRuntime} while the manager runs (they read its
 * tables and counters, which are not part of the API). Each returns its output as text.
 */
public final class MsgCommands
{
    static final String[] FUNCTIONS = {"types", "stats", "latency", "hello", "rings"};

    private final MsgCore core;

    MsgCommands(final MsgCore core)
    {
        this.core = core;
    }

    @Descriptor("lists the registered message types: id, name, lcore, mode, priority, owner")
    public String types()
    {
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-5s %-20s %-5s %-9s %-4s %s%n", "ID",
            "NAME", "LCORE", "MODE", "PRIO", "OWNER"));
        for (final TypeEntry e : core.entries())
        {
            sb.append(String.format(Locale.ROOT, "%-5d %-20s %-5d %-9s %-4s %s%n", e.id, e.spec.name(), e.lcore, e.mode,
                e.priority, e.owner));
        }
        return sb.toString();
    }

    @Descriptor("counters per message type and lcore, and the manager's own")
    public String stats()
    {
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
            "%-5s %-20s %-5s %10s %10s %10s %8s %8s %8s %8s %8s%n", "ID", "NAME", "LCORE", "SENT", "RECV", "FIN", "DROP",
            "TIMEOUT", "CB_FAIL", "RINGFULL", "LATE"));
        for (final TypeEntry e : core.entries())
        {
            sb.append(String.format(Locale.ROOT, "%-5d %-20s %-5d %10d %10d %10d %8d %8d %8d %8d %8d%n", e.id,
                e.spec.name(), e.lcore, e.sent.get(), e.received, e.finished, e.dropped, e.timedOut.get(),
                e.callbackFailures, e.ringFull.get(), e.lateReplies));
        }
        sb.append(String.format(Locale.ROOT,
            "not registered: %d, dropped after their type went: %d, late multicast replies: %d, duplicate replies: "
                + "%d, replies lost: %d, messages allocated: %d, pooled: %d, kept off the lcores' stacks (on two "
                + "cache lines): %d%n",
            core.notExist.get(), core.droppedUnregistered.get(), core.lateReplies.get(), core.duplicateReplies.get(),
            core.replyLost.get(),
            core.pool.allocated.get(), core.pool.available(), core.pool.straddlersSkipped.get()));
        return sb.toString();
    }

    @Descriptor("latency of synchronous sends (and of multicasts, on the master's entry) per type and lcore")
    public String latency()
    {
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-5s %-20s %-5s %10s %9s %9s %9s %9s%n",
            "ID", "NAME", "LCORE", "COUNT", "P50_US", "P99_US", "P999_US", "MAX_US"));
        for (final TypeEntry e : core.entries())
        {
            final org.HdrHistogram.Histogram h = e.latencySnapshot();
            if (0 == h.getTotalCount())
            {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "%-5d %-20s %-5d %10d %9.1f %9.1f %9.1f %9.1f%n", e.id,
                e.spec.name(), e.lcore, h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0));
        }
        return sb.toString();
    }

    @Descriptor("pings an lcore through its ring and prints the round-trip time")
    public String hello(@Descriptor("lcore id") final int lcore)
    {
        final MsgReply r = new MsgReply();
        final int rc = core.sendSync(MsgIds.HELLO, lcore, null, 1_000_000, r, true);
        if (Edpvs.OK != rc)
        {
            return "hello lcore " + lcore + ": " + Edpvs.name(rc) + " (" + Edpvs.strerror(rc) + ")\n";
        }
        return String.format(Locale.ROOT, "hello from lcore %s: round trip %.1f us%n", r.reply(),
            r.latencyNs() / 1000.0);
    }

    @Descriptor("fill levels of every lcore's rings")
    public String rings()
    {
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-5s %-7s %10s %10s%n", "LCORE", "RING",
            "USED", "SIZE"));
        final String[] names = {"HIGH", "NORM", "LOW"};
        for (final LcoreMsg l : core.lcores())
        {
            for (int r = 0; r < LcoreMsg.RINGS; r++)
            {
                sb.append(String.format(Locale.ROOT, "%-5d %-7s %10d %10d%n", l.id, names[r], l.fill(r),
                    l.ringCapacity));
            }
        }
        return sb.toString();
    }
}
