package modules.netif.impl;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Hashtable;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import modules.netif.api.NeighOutput;
import modules.netif.api.Netif;
import modules.netif.api.RouteLookup;
import modules.stats.api.LcoreStats;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.MsgManager;
import platform.sockopt.api.SockoptRegistry;

/**
 * The netif bundle's component: reads the configuration, opens the ports, registers the packet jobs and message
 * types, offers {@link Netif} (one facade per using bundle, which owns that bundle's hooks), the {@code netif:}
 * Gogo commands and, when platform.metrics is there, its figures for the metrics endpoint ({@link NetifMetrics});
 * on deactivation removes all of them and closes the ports. Route lookup and neighbour output are picked up and
 * dropped as their bundles come and go.
 * <p>
 * The configuration comes from, in order: {@code conf.file} (ConfigAdmin, e.g. a {@code modules.netif.cfg} in
 * {@code deploy/}), the framework property {@code platform.netif.conf} (the distribution points it at
 * {@code etc/netif.conf} when that file exists), or the embedded default: a synthetic port with a queue per
 * forwarding lcore.
 */
@Component(immediate = true, configurationPid = NetifComponent.PID)
@Designate(ocd = NetifComponent.Config.class)
public final class NetifComponent
{
    /** Configuration PID. */
    public static final String PID = "modules.netif";
    /** Framework property naming the configuration file. */
    public static final String CONF_PROPERTY = "platform.netif.conf";

    private static final Logger LOG = LoggerFactory.getLogger(NetifComponent.class);

    /** Typed configuration. */
    @ObjectClassDefinition(name = "Netif", description = "Ports, queues and the packet path")
    public @interface Config
    {
        @AttributeDefinition(description = "Netif configuration file; empty: framework property "
            + "platform.netif.conf, else the embedded default (a synthetic port)")
        String conf_file() default "";
    }

    private final NetifCore core;
    private final ServiceRegistration<Netif> service;
    private final ServiceRegistration<NetifCommands> commands;
    /** Netif's figures for the metrics endpoint, or null when platform.metrics is not there. */
    private final ServiceRegistration<?> metrics;

    @Activate
    public NetifComponent(final BundleContext context, @Reference final LcoreScheduler lcores,
        @Reference final MsgManager msg, @Reference final LcoreStats stats,
        @Reference final SockoptRegistry sockopts, final Config config) throws Exception
    {
        final NetifConfig conf;
        try
        {
            conf = load(config.conf_file(), context.getProperty(CONF_PROPERTY), lcores);
            this.core = new NetifCore(lcores, msg, stats, conf, Drivers.all());
        }
        catch (final NetifConfig.ConfigException | IOException ex)
        {
            LOG.error("netif configuration refused, netif not started: {}", ex.getMessage());
            throw ex;
        }
        core.start(sockopts);
        this.service = context.registerService(Netif.class, new Factory(core), null);
        final Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "netif");
        props.put("osgi.command.function", NetifCommands.FUNCTIONS);
        this.commands = context.registerService(NetifCommands.class, new NetifCommands(core), props);
        this.metrics = NetifMetricsRegistration.registerIfWired(context, core);
    }

    static NetifConfig load(final String confFile, final String property, final LcoreScheduler lcores)
        throws IOException, NetifConfig.ConfigException
    {
        final String file = null != confFile && !confFile.isBlank() ? confFile
            : null != property && !property.isBlank() ? property : null;
        if (null == file)
        {
            return NetifConfig.defaults(lcores.lcoreIds(LcoreRole.FWD_WORKER));
        }
        final Path path = Paths.get(file);
        if (!Files.isReadable(path))
        {
            throw new IOException("netif configuration file " + path.toAbsolutePath() + " is missing or unreadable");
        }
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8))
        {
            return NetifConfig.parse(path.toString(), r);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindRouteLookup(final RouteLookup r)
    {
        core().routeLookup(r);
    }

    void unbindRouteLookup(final RouteLookup r)
    {
        core().routeLookup(null);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindNeighOutput(final NeighOutput n)
    {
        core().neighOutput(n);
    }

    void unbindNeighOutput(final NeighOutput n)
    {
        core().neighOutput(null);
    }

    private NetifCore core()
    {
        return core;
    }

    @Deactivate
    void deactivate()
    {
        if (null != metrics)
        {
            // returns once no scrape reads the core any more
            metrics.unregister();
        }
        commands.unregister();
        // every using bundle's facade is released first: their hooks are closed while the lcores still run
        service.unregister();
        core.stop();
    }

    /** One facade per using bundle, owning that bundle's hooks. */
    private static final class Factory implements ServiceFactory<Netif>
    {
        private final NetifCore core;

        Factory(final NetifCore core)
        {
            this.core = core;
        }

        @Override
        public Netif getService(final Bundle bundle, final ServiceRegistration<Netif> reg)
        {
            return new BundleNetif(core, bundle.getSymbolicName() + "/" + bundle.getVersion());
        }

        @Override
        public void ungetService(final Bundle bundle, final ServiceRegistration<Netif> reg, final Netif service)
        {
            ((BundleNetif)service).release();
        }
    }
}
