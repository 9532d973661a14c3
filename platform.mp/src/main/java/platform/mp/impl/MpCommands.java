package platform.mp.impl;

import java.time.Instant;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;

import platform.mp.api.MpActionInfo;
import platform.mp.client.MpConnection;

/**
 * Gogo commands of the {@code mp} scope, registered by {@link MpRuntime}. Each returns its output.
 */
public final class MpCommands
{
    static final String[] FUNCTIONS = {"peers", "actions", "regions"};

    private final MpPrimary primary;

    MpCommands(final MpPrimary primary)
    {
        this.primary = primary;
    }

    @Descriptor("lists the attached secondaries: id, pid, since, frames in and out, fds passed, frames queued")
    public String peers()
    {
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-4s %-8s %-24s %10s %10s %-4s %6s%n",
            "ID", "PID", "SINCE", "MSGS-IN", "MSGS-OUT", "FDS", "QUEUED"));
        for (final MpConnection c : primary.connections())
        {
            sb.append(String.format(Locale.ROOT, "%-4d %-8d %-24s %10d %10d %-4s %6d%n", c.peerId(), c.pid(),
                Instant.ofEpochMilli(c.sinceMillis), c.msgsIn.get(), c.msgsOut.get(), c.passesFds() ? "yes" : "no",
                c.backlog()));
        }
        sb.append(String.format(Locale.ROOT, "socket %s; %d attached since start; protocol errors %d, unknown "
            + "actions %d, action errors %d, late replies %d, timed-out requests %d, pending %d, slow peers closed "
            + "%d%n", primary.socket, primary.attached.get(), primary.protocolErrors.get(),
            primary.unknownActions.get(), primary.actionErrors.get(), primary.lateReplies.get(),
            primary.timeouts.get(), primary.pendingRequests(), primary.slowPeers.get()));
        return sb.toString();
    }

    @Descriptor("lists the shared regions: name, size, the secondary that allocated it, file")
    public String regions()
    {
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-24s %10s %6s %s%n", "NAME", "SIZE",
            "OWNER", "FILE"));
        for (final RegionManager.Region r : primary.regions.list())
        {
            sb.append(String.format(Locale.ROOT, "%-24s %10d %6d %s%n", r.name(), r.size(), r.owner(), r.path()));
        }
        return sb.toString();
    }

    @Descriptor("lists the registered actions of the primary and of each secondary")
    public String actions()
    {
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-32s %s%n", "NAME", "OWNER"));
        for (final MpActionInfo a : primary.actions())
        {
            sb.append(String.format(Locale.ROOT, "%-32s %s%n", a.name(), a.owner()));
        }
        return sb.toString();
    }
}
