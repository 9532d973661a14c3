package platform.sockopt.impl;

import java.util.Locale;

import org.apache.felix.service.command.Descriptor;

import platform.sockopt.api.Sockopt;
import platform.sockopt.api.SockoptRange;

/**
 * Gogo commands of the {@code sockopt} scope, registered by {@link SockoptRuntime}. Each returns its output.
 */
public final class SockoptCommands
{
    static final String[] FUNCTIONS = {"list", "stats"};

    private final SockoptCore core;

    SockoptCommands(final SockoptCore core)
    {
        this.core = core;
    }

    @Descriptor("lists the registered sockopt id ranges: type, ids, version, name, owner, calls, errors")
    public String list()
    {
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-4s %-11s %-8s %-16s %-36s %10s %8s%n",
            "TYPE", "IDS", "VERSION", "NAME", "OWNER", "CALLS", "ERRORS"));
        for (final SockoptRange r : core.ranges())
        {
            sb.append(String.format(Locale.ROOT, "%-4s %-11s 0x%06x %-16s %-36s %10d %8d%n",
                Sockopt.typeName(r.type()), r.min() == r.max() ? Integer.toString(r.min()) : r.min() + "-" + r.max(),
                r.version(), r.name(), r.owner(), r.calls(), r.errors()));
        }
        return sb.toString();
    }

    @Descriptor("the control socket: path, connections, request counters and the memory of pending bodies")
    public String stats()
    {
        final SockoptServer s = core.server;
        final ServerCounters n = s.counters;
        return String.format(Locale.ROOT, "socket %s%n"
            + "connections: %d open, %d accepted, %d refused (too many), %d closed for no header in time, "
            + "%d failed (closed); master woken by the doorbell %d times for I/O, %d for timeouts%n"
            + "requests: %d, not registered: %d, version mismatch: %d, malformed: %d, no memory: %d, "
            + "handler errors: %d, handler threw: %d, stalled clients closed: %d, I/O errors: %d%n"
            + "pending request bodies: %d of %d bytes%n",
            s.config.path(), s.openConnections(), n.connections.get(), n.refused.get(), n.headerTimedOut.get(),
            n.connectionFailures.get(), s.doorbell.rings.get(), s.doorbell.timeouts.get(), n.requests.get(),
            n.notSupported.get(), n.versionMismatch.get(), n.malformed.get(), n.noMemory.get(),
            n.handlerErrors.get(), n.handlerThrew.get(), n.timedOut.get(), n.ioErrors.get(), s.bodyBudget.used(),
            s.bodyBudget.limit);
    }
}
