package modules.neigh.impl;

import java.util.Hashtable;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
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

import platform.common.EventPublisher;

import modules.netif.api.Mbuf;
import modules.netif.api.NeighOutput;
import modules.netif.api.Netif;
import modules.netif.api.RouteLookup;
import platform.common.StaticConfig;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.LcoreTimers;
import platform.mp.api.MpChannel;
import platform.msgmgr.api.MsgManager;
import platform.sockopt.api.SockoptRegistry;

/**
 * The neighbour bundle's one component: on activation it registers the neighbour message types, the
 * {@code neigh_init} and {@code neigh_sync} jobs, the master's retransmission timer, the ARP receiver and the
 * sockopts SET 70..71 and GET 72, then offers netif its {@link NeighOutput} and the {@code neigh:} Gogo commands;
 * on deactivation it removes every one of them and frees the packets it held. Needs netif (the ports, the pool,
 * the ARP frames); uses the route lookup when one is there (which of our addresses an ARP request asks for, the
 * source of our ARP requests).
 * <p>
 * With platform.mp present, every applied change (a static add or delete, a learned neighbour) is published to the
 * secondaries subscribed to {@value NeighCore#EVENT} (an optional, dynamic reference to {@code MpChannel}, bound by
 * {@code ServiceReference}; this class names the API only in {@code @Reference}, which the JVM never loads; see
 * {@link MpSink}); the master lcore only queues it.
 */
@Component(immediate = true, configurationPid = NeighComponent.PID, service = NeighOutput.class)
@Designate(ocd = NeighComponent.Config.class)
public final class NeighComponent implements NeighOutput
{
    /** Configuration PID. */
    public static final String PID = "modules.neigh";

    /** Typed configuration. */
    @ObjectClassDefinition(name = "Neighbour table")
    public @interface Config
    {
        @AttributeDefinition(description = "Static neighbours: IP MAC DEV, comma separated, e.g. "
            + "\"10.0.0.9 00:11:22:33:44:55 dpdk0\"")
        String $static() default "";

        @AttributeDefinition(description = "How long a learned neighbour stays REACHABLE, ms (DPVS's timeout, 60 s)")
        long timeout_ms() default 60_000;

        @AttributeDefinition(description = "Then how long it stays PROBE before it is dropped unless used, ms")
        long probe_ms() default 30_000;

        @AttributeDefinition(description = "How long a confirmation may take once a PROBE entry is used, ms")
        long delay_ms() default 3_000;

        @AttributeDefinition(description = "Between two ARP requests for one neighbour, ms")
        long retrans_ms() default 1_000;

        @AttributeDefinition(description = "ARP requests per resolution")
        int probes() default 3;

        @AttributeDefinition(description = "Packets held per unresolved neighbour (DPVS's unres_queue_length)")
        int unres_qlen() default 16;

        @AttributeDefinition(description = "Unresolved neighbours holding packets at once, per lcore")
        int max_unresolved() default 256;

        @AttributeDefinition(description = "Neighbours per lcore table")
        int max_entries() default 4096;

        @AttributeDefinition(description = "How long a SET waits for every forwarding lcore, microseconds (1 s: "
            + "a garbage collection pause on a small shared machine can hold an lcore for a few hundred ms)")
        long timeout_us() default 1_000_000;

        @AttributeDefinition(description = "A file of static neighbours, one \"IP MAC DEV\" per line (# comments); "
            + "default: etc/neigh.conf of the platform's home, if it exists. All or nothing: a bad line is named in "
            + "the log and the file is not applied")
        String conf_file() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(NeighComponent.class);
    /** Events that may wait for the publishing thread (a burst of learned neighbours); more are dropped, counted. */
    static final int EVENT_QUEUE = 4096;

    private final NeighCore core;
    private final ServiceRegistration<NeighCommands> commands;
    private final BundleContext context;
    private final EventPublisher events = new EventPublisher("neigh-events", EVENT_QUEUE, LOG);

    @Activate
    public NeighComponent(final BundleContext context, @Reference final LcoreScheduler lcores,
        @Reference final MsgManager msg, @Reference final SockoptRegistry sockopts, @Reference final Netif netif,
        @Reference final LcoreTimers timers, final Config config)
    {
        final NeighSettings settings = new NeighSettings(config.max_entries(), config.unres_qlen(),
            config.max_unresolved(), TimeUnit.MILLISECONDS.toNanos(config.timeout_ms()),
            TimeUnit.MILLISECONDS.toNanos(config.probe_ms()), TimeUnit.MILLISECONDS.toNanos(config.delay_ms()),
            TimeUnit.MILLISECONDS.toNanos(config.retrans_ms()), config.probes(), config.timeout_us());
        this.context = context;
        this.core = new NeighCore(lcores, msg, netif, timers, settings, config.$static(), StaticConfig.file(
            config.conf_file(), context.getProperty("platform.home"), "neigh.conf"),
            context.getBundle().getSymbolicName() + "/" + context.getBundle().getVersion());
        core.events = events;
        core.start(sockopts);
        final Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "neigh");
        props.put("osgi.command.function", NeighCommands.FUNCTIONS);
        this.commands = context.registerService(NeighCommands.class, new NeighCommands(core), props);
    }

    /** The bound route service (DS binds it after the constructor), to tell a replaced one's unbind apart. */
    private volatile RouteLookup route;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindRouteLookup(final RouteLookup r)
    {
        route = r;
        core.routeLookup(r);
    }

    void unbindRouteLookup(final RouteLookup r)
    {
        if (route == r)
        {
            route = null;
            core.routeLookup(null);
        }
    }

    @Deactivate
    void deactivate()
    {
        // DS has already unregistered NeighOutput, and netif waited until no lcore is inside it
        commands.unregister();
        core.stop();
        events.close();
    }

    /**
     * platform.mp's channel came: publish neighbour changes to it. The parameter is the reference, not the service,
     * so that DS never has to load {@code MpChannel} to find this method when platform.mp is absent.
     *
     * @param ref the channel's service reference.
     */
    @Reference(name = "mp", service = MpChannel.class, cardinality = ReferenceCardinality.OPTIONAL,
        policy = ReferencePolicy.DYNAMIC, unbind = "unbindMp")
    void bindMp(final ServiceReference<?> ref)
    {
        if (events.bindService(context, ref, MpSink::of))
        {
            LOG.info("neighbour changes are published as {} to platform.mp's subscribers", NeighCore.EVENT);
        }
    }

    /** @param ref the channel's service reference, going: nothing is published to it after this returned. */
    void unbindMp(final ServiceReference<?> ref)
    {
        events.unbindService(context, ref);
    }

    @Override
    public int output(final int lcoreId, final Mbuf m, final int port, final int nextHop)
    {
        return core.output(lcoreId, m, port, nextHop);
    }
}
