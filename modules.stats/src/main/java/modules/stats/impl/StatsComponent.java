package modules.stats.impl;

import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import modules.stats.api.LcoreStats;
import platform.lcore.api.LcoreScheduler;
import platform.sockopt.api.SockoptRegistry;

/**
 * The statistics bundle's one component: it registers the GET range 57..59 and offers {@link LcoreStats} to the
 * data path and the {@code stats:} Gogo command; deactivation removes all of them.
 */
@Component(immediate = true)
public final class StatsComponent
{
    private final StatsCore core;
    private final ServiceRegistration<LcoreStats> service;
    private final ServiceRegistration<StatsCommands> commands;

    @Activate
    public StatsComponent(final BundleContext context, @Reference final LcoreScheduler lcores,
        @Reference final SockoptRegistry sockopts)
    {
        this.core = new StatsCore(lcores);
        core.start(sockopts);
        this.service = context.registerService(LcoreStats.class, core, null);
        final Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "stats");
        props.put("osgi.command.function", StatsCommands.FUNCTIONS);
        this.commands = context.registerService(StatsCommands.class, new StatsCommands(core), props);
    }

    @Deactivate
    void deactivate()
    {
        commands.unregister();
        service.unregister();
        core.stop();
    }
}
