package modules.route.impl;

import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.common.EventPublisher;

import modules.netif.api.Netif;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import modules.route.api.Route6;
import modules.route.api.RouteSpec;
import modules.route.api.Routes;
import modules.route.api.Routes6;
import platform.common.StaticConfig;
import platform.lcore.api.LcoreScheduler;
import platform.mp.api.MpChannel;
import platform.msgmgr.api.MsgManager;
import platform.sockopt.api.SockoptRegistry;

/**
 * The route bundle's one component: on activation it registers the workers' INIT jobs, the route message types
 * (ROUTE_ADD 6, ROUTE_DEL 7, ROUTE_FLUSH 44, ROUTE6 17 and four of its own) and the sockopts SET 28..31, GET 32
 * (IPv4, {@link RouteCore}) and SET 33..34, GET 35 (IPv6, {@link Route6Core}), then offers {@link RouteLookup}
 * (which netif binds), {@link Routes} and {@link Routes6}, and the {@code route:} Gogo commands; on deactivation it
 * removes every one of them. Needs netif: a route names its device, a port of netif's.
 * <p>
 * With platform.mp present, every applied change is published to the secondaries subscribed to
 * {@value RouteCore#EVENT} (an optional, dynamic reference to {@code MpChannel}, bound by
 * {@code ServiceReference}; this class names the API only in {@code @Reference}, which the JVM never loads; see
 * {@link MpSink}); the master lcore only queues the event.
 */
@Component(immediate = true, configurationPid = RouteComponent.PID,
    service = {RouteLookup.class, Routes.class, Routes6.class})
@Designate(ocd = RouteComponent.Config.class)
public final class RouteComponent implements RouteLookup, Routes, Routes6
{
    /** Configuration PID. */
    public static final String PID = "modules.route";
    private static final Logger LOG = LoggerFactory.getLogger(RouteComponent.class);

    /** Typed configuration. */
    @ObjectClassDefinition(name = "Route")
    public @interface Config
    {
        @AttributeDefinition(description = "Routes each lcore's table is sized for at first (it grows beyond)")
        int expected_routes() default 1024;

        @AttributeDefinition(description = "How long a change waits for every forwarding lcore, microseconds (1 s: "
            + "a garbage collection pause on a small shared machine can hold an lcore for a few hundred ms)")
        long timeout_us() default 1_000_000;

        @AttributeDefinition(description = "Each lcore's IPv4 table: dir-24-8 (DPDK's rte_lpm: one memory read for "
            + "prefixes up to /24, 64 MB per lcore) or dir-16-8-8 (two or three reads, 256 KB plus 1 KB per group)")
        String lpm() default "dir-24-8";

        @AttributeDefinition(description = "Static IPv4 routes added at start, as dpip's route add words, comma "
            + "separated, e.g. \"10.1.0.0/16 via 10.2.0.1 dev dpdk1, default via 10.0.0.254 dev dpdk0\"")
        String routes() default "";

        @AttributeDefinition(description = "A file of static IPv4 routes, one per line in dpip's route add words "
            + "(# comments); default: etc/route.conf of the platform's home, if it exists. All or nothing: a bad "
            + "line is named in the log and the file is not applied")
        String conf_file() default "";
    }

    /** Events that may wait for the publishing thread (a burst of dpip adds); more are dropped and counted. */
    static final int EVENT_QUEUE = 4096;

    private final RouteCore core;
    private final Route6Core core6;
    private final ServiceRegistration<RouteCommands> commands;
    private final BundleContext context;
    private final EventPublisher events = new EventPublisher("route-events", EVENT_QUEUE, LOG);

    @Activate
    public RouteComponent(final BundleContext context, @Reference final LcoreScheduler lcores,
        @Reference final MsgManager msg, @Reference final SockoptRegistry sockopts, @Reference final Netif netif,
        final Config config)
    {
        this.context = context;
        this.core = new RouteCore(lcores, msg, netif, config.expected_routes(), config.timeout_us(),
            context.getBundle().getSymbolicName() + "/" + context.getBundle().getVersion(), config.lpm());
        this.core6 = new Route6Core(lcores, msg, netif, config.expected_routes(), config.timeout_us(),
            context.getBundle().getSymbolicName() + "/" + context.getBundle().getVersion());
        core.events(events);
        core6.events(events);
        core.start(sockopts);
        try
        {
            core6.start(sockopts);
        }
        catch (final RuntimeException ex)
        {
            core.stop();
            throw ex;
        }
        StaticConfig.apply(PID, config.routes(), StaticConfig.file(config.conf_file(),
            context.getProperty("platform.home"), "route.conf"), RouteWords.staticRoutes(core), LOG, "static routes");
        final Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "route");
        props.put("osgi.command.function", RouteCommands.FUNCTIONS);
        this.commands = context.registerService(RouteCommands.class, new RouteCommands(core, core6, events), props);
    }

    @Deactivate
    void deactivate()
    {
        // DS has already unregistered RouteLookup: netif no longer calls it
        commands.unregister();
        core6.stop();
        core.stop();
        events.close();
    }

    /**
     * platform.mp's channel came: publish route changes to it. The parameter is the reference, not the service, so
     * that DS never has to load {@code MpChannel} to find this method when platform.mp is absent.
     *
     * @param ref the channel's service reference.
     */
    @Reference(name = "mp", service = MpChannel.class, cardinality = ReferenceCardinality.OPTIONAL,
        policy = ReferencePolicy.DYNAMIC, unbind = "unbindMp")
    void bindMp(final ServiceReference<?> ref)
    {
        if (events.bindService(context, ref, MpSink::of))
        {
            LOG.info("route changes are published as {} to platform.mp's subscribers", RouteCore.EVENT);
        }
    }

    /** @param ref the channel's service reference, going: nothing is published to it after this returned. */
    void unbindMp(final ServiceReference<?> ref)
    {
        events.unbindService(context, ref);
    }

    @Override
    public boolean lookup4(final int lcoreId, final int daddr, final Route4 out)
    {
        return core.lookup4(lcoreId, daddr, out);
    }

    @Override
    public int size()
    {
        return core.size();
    }

    @Override
    public String describe(final int daddr)
    {
        return core.describe(daddr);
    }

    @Override
    public int add(final RouteSpec route)
    {
        return core.add(route);
    }

    @Override
    public int delete(final RouteSpec route)
    {
        return core.delete(route);
    }

    @Override
    public int size6()
    {
        return core6.size();
    }

    @Override
    public boolean lookup6(final int lcoreId, final long hi, final long lo, final Route6 out)
    {
        return core6.lookup6(lcoreId, hi, lo, out);
    }

    @Override
    public String describe6(final long hi, final long lo)
    {
        return core6.describe6(hi, lo);
    }
}
