package platform.lcore.impl.commands;

import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import platform.lcore.api.JobInfo;
import platform.lcore.api.LcoreInfo;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.LcoreTimers;
import platform.lcore.api.TimerInfo;

/**
 * Gogo commands of the {@code lcore} scope. Each returns its output as text.
 */
@Component(service = LcoreCommands.class, property = {
    "osgi.command.scope=lcore",
    "osgi.command.function=list",
    "osgi.command.function=jobs",
    "osgi.command.function=reset",
    "osgi.command.function=resume",
    "osgi.command.function=timers"})
public final class LcoreCommands
{
    private final LcoreScheduler scheduler;
    private final LcoreTimers timers;

    @Activate
    public LcoreCommands(@Reference final LcoreScheduler scheduler, @Reference final LcoreTimers timers)
    {
        this.scheduler = scheduler;
        this.timers = timers;
    }

    @Descriptor("lists the lcores: id, role, cpu, pinned, state, idle strategy, loops/s, idle %, longest loop, big loops"
        + " (on the CPU over the role's threshold), off-CPU loops (over it only through preemption or a pause)")
    public String list()
    {
        return formatLcores(scheduler.lcores());
    }

    @Descriptor("lists the jobs of every lcore with their statistics")
    public String jobs()
    {
        return formatJobs(scheduler.jobs(-1));
    }

    @Descriptor("lists the jobs of one lcore with their statistics")
    public String jobs(@Descriptor("lcore id") final int lcore)
    {
        if (lcore < 0 || lcore >= LcoreScheduler.MAX_LCORES || !configured(lcore))
        {
            return "no lcore " + lcore + "\n";
        }
        return formatJobs(scheduler.jobs(lcore));
    }

    @Descriptor("zeroes the loop and job statistics of every lcore")
    public String reset()
    {
        scheduler.resetStats();
        return "lcore and job statistics reset\n";
    }

    @Descriptor("takes a quarantined job back into service")
    public String resume(@Descriptor("the job's role") final String role, @Descriptor("job name") final String name)
    {
        final LcoreRole r;
        try
        {
            r = LcoreRole.parse(role);
        }
        catch (final IllegalArgumentException ex)
        {
            return ex.getMessage() + "\n";
        }
        return scheduler.resume(r, name) ? "job '" + name + "' (" + r + ") active\n"
            : "no job '" + name + "' registered for " + r + "\n";
    }

    @Descriptor("lists each lcore's timers: pending in its wheel, fired, cancelled, callbacks that threw")
    public String timers()
    {
        return formatTimers(timers.timerStats(), timers.tickNs());
    }

    private boolean configured(final int lcore)
    {
        for (final LcoreInfo l : scheduler.lcores())
        {
            if (l.id() == lcore)
            {
                return true;
            }
        }
        return false;
    }

    static String formatLcores(final List<LcoreInfo> lcores)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-5s %-13s %-4s %-6s %-8s %-9s %10s %6s %11s %8s %8s%n", "LCORE",
            "ROLE", "CPU", "PINNED", "STATE", "IDLE", "LOOPS/S", "IDLE%", "LONGEST_US", "BIG", "OFF_CPU"));
        for (final LcoreInfo l : lcores)
        {
            sb.append(String.format(Locale.ROOT, "%-5d %-13s %-4s %-6s %-8s %-9s %10d %6.1f %11.1f %8d %8d%n",
                l.id(), l.role(), l.cpu() < 0 ? "-" : Integer.toString(l.cpu()), l.pinned() ? "yes" : "no", l.state(),
                l.idleStrategy(), l.loopsPerSec(), l.idlePercent(), l.longestLoopNs() / 1000.0, l.bigLoops(),
                l.offCpuLoops()));
        }
        return sb.toString();
    }

    static String formatTimers(final List<TimerInfo> stats, final long tickNs)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-5s %10s %14s %12s %8s%n", "LCORE", "PENDING", "FIRED", "CANCELLED",
            "FAILURES"));
        for (final TimerInfo t : stats)
        {
            sb.append(String.format(Locale.ROOT, "%-5d %10d %14d %12d %8d%n", t.lcoreId(), t.pending(), t.fired(),
                t.cancelled(), t.failures()));
        }
        sb.append(String.format(Locale.ROOT, "(tick %.3f ms)%n", tickNs / 1e6));
        return sb.toString();
    }

    static String formatJobs(final List<JobInfo> jobs)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-5s %-24s %-13s %-9s %12s %10s %10s %8s %-11s %s%n", "LCORE", "JOB",
            "ROLE", "TYPE", "CALLS", "AVG_NS", "MAX_NS", "FAILURES", "STATE", "OWNER"));
        for (final JobInfo j : jobs)
        {
            final String type = 0 == j.skipLoops() ? j.type().name() : j.type() + "/" + j.skipLoops();
            sb.append(String.format(Locale.ROOT, "%-5s %-24s %-13s %-9s %12d %10d %10d %8d %-11s %s%n",
                j.lcoreId() < 0 ? "-" : Integer.toString(j.lcoreId()),
                j.name(), j.role(), type, j.calls(), j.avgNs(), j.maxNs(), j.failures(), j.state(), j.owner()));
        }
        if (jobs.isEmpty())
        {
            sb.append("(no jobs registered)\n");
        }
        return sb.toString();
    }
}
