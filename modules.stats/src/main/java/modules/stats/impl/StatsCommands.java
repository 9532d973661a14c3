package modules.stats.impl;

import org.apache.felix.service.command.Descriptor;

/**
 * Gogo commands of the {@code stats} scope, registered by {@link StatsComponent}. Each returns its output.
 */
public final class StatsCommands
{
    static final String[] FUNCTIONS = {"lcores"};

    private final StatsCore core;

    StatsCommands(final StatsCore core)
    {
        this.core = core;
    }

    @Descriptor("per lcore: role, NUMA socket, loops and packet counters (what GET 57..59 serve)")
    public String lcores()
    {
        return core.table();
    }
}
