package modules.blklst.impl;

import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;

import platform.common.EventPublisher;

/**
 * Gogo commands of the {@code blklst} scope, registered by {@link BlklstComponent}. Each returns its output.
 */
public final class BlklstCommands
{
    static final String[] FUNCTIONS = {"list", "lcores", "stats"};

    private final BlklstCore core;
    private final EventPublisher events;

    BlklstCommands(final BlklstCore core)
    {
        this(core, null);
    }

    BlklstCommands(final BlklstCore core, final EventPublisher events)
    {
        this.core = core;
        this.events = events;
    }

    @Descriptor("lists the blacklist as the master lcore holds it (what GET 76 returns), in insertion order, with the packets the workers dropped per entry")
    public String list()
    {
        final List<BlklstEntry> entries = core.entries();
        final long[] hits = core.hits(entries);
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d entries%n", entries.size()));
        for (int i = 0; i < entries.size(); i++)
        {
            sb.append(entries.get(i)).append("  dropped ").append(hits[i]).append(System.lineSeparator());
        }
        return sb.toString();
    }

    @Descriptor("asks every forwarding lcore how many entries its own table holds")
    public String lcores()
    {
        return core.lcoreCounts();
    }

    @Descriptor("the blacklist's counters")
    public String stats()
    {
        return String.format(Locale.ROOT, "entries %d; added %d, deleted %d, flushed %d, refused %d, "
            + "multicasts failed %d%n", core.size(), core.added.get(), core.deleted.get(), core.flushed.get(),
            core.refused.get(), core.multicastFailures.get())
            + (null == events ? "" : "blklst.change events: " + events.describe() + System.lineSeparator());
    }
}
