package modules.inetaddr.impl;

import java.util.Hashtable;
import java.util.List;

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

import modules.inetaddr.api.InetAddrs;
import modules.inetaddr.cli.AddrCtl;
import modules.netif.api.Netif;
import modules.route.api.Routes;
import platform.common.StaticConfig;
import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;
import platform.mp.api.MpChannel;
import platform.msgmgr.api.MsgManager;
import platform.sockopt.api.SockoptRegistry;

/**
 * The interface-address bundle's one component: on activation it registers the workers' INIT job, the message
 * types IFA_GET 22, IFA_SET 23, IFA_SYNC 24, the sockopts SET 47..50 and GET 51..52 and netif's ICMP receiver,
 * adds the configured addresses, and offers {@link InetAddrs} and the {@code addr:} Gogo commands; on
 * deactivation it removes every one of them and the routes it made. The route bundle's {@link Routes} is an
 * optional, dynamic reference: when one comes (back), the addresses' routes are added to it.
 * <p>
 * With platform.mp present, every applied change is published to the secondaries subscribed to
 * {@value InetAddrCore#EVENT} (an optional, dynamic reference to {@code MpChannel}, bound by
 * {@code ServiceReference}; this class names the API only in {@code @Reference}, which the JVM never loads; see
 * {@link MpSink}); the master lcore only queues the event.
 */
@Component(immediate = true, configurationPid = InetAddrComponent.PID, service = InetAddrs.class)
@Designate(ocd = InetAddrComponent.Config.class)
public final class InetAddrComponent implements InetAddrs
{
    /** Configuration PID. */
    public static final String PID = "modules.inetaddr";
    private static final Logger LOG = LoggerFactory.getLogger(InetAddrComponent.class);

    /** Typed configuration. */
    @ObjectClassDefinition(name = "Interface addresses")
    public @interface Config
    {
        @AttributeDefinition(description = "Addresses added at start, comma-separated, each in dpip's syntax: "
            + "\"10.0.1.1/24 dev dpdk0, 10.0.2.1/24 dev dpdk1 scope link\"")
        String addresses() default "";

        @AttributeDefinition(description = "How long a change waits for every forwarding lcore, microseconds (1 s: "
            + "a garbage collection pause on a small shared machine can hold an lcore for a few hundred ms)")
        long timeout_us() default 1_000_000;

        @AttributeDefinition(description = "A file of addresses, one per line in dpip's syntax (# comments); "
            + "default: etc/addr.conf of the platform's home, if it exists. All or nothing: a bad line is named in "
            + "the log and the file is not applied")
        String conf_file() default "";
    }

    /** Events that may wait for the publishing thread; more are dropped and counted. */
    static final int EVENT_QUEUE = 4096;

    private final InetAddrCore core;
    private final ServiceRegistration<AddrCommands> commands;
    private final BundleContext context;
    private final EventPublisher events = new EventPublisher("inetaddr-events", EVENT_QUEUE, LOG);
    private volatile boolean active;

    @Activate
    public InetAddrComponent(final BundleContext context, @Reference final LcoreScheduler lcores,
        @Reference final MsgManager msg, @Reference final SockoptRegistry sockopts, @Reference final Netif netif,
        final Config config)
    {
        this.context = context;
        this.core = new InetAddrCore(lcores, msg, netif, config.timeout_us(),
            context.getBundle().getSymbolicName() + "/" + context.getBundle().getVersion());
        core.events = events;
        core.start(sockopts);
        active = true;
        StaticConfig.apply(PID, config.addresses(), StaticConfig.file(config.conf_file(),
            context.getProperty("platform.home"), "addr.conf"), configured(core), LOG, "addresses");
        final Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "addr");
        props.put("osgi.command.function", AddrCommands.FUNCTIONS);
        this.commands = context.registerService(AddrCommands.class, new AddrCommands(core), props);
    }

    /**
     * The configuration's addresses, each in dpip's syntax ({@code 10.0.1.1/24 dev dpdk0}), added through the master
     * lcore with SET 47's checks, deleted again when a later entry of the same source is refused.
     *
     * @param core the core, started.
     * @return the applier of {@link StaticConfig}.
     */
    static StaticConfig.Applier configured(final InetAddrCore core)
    {
        return new StaticConfig.Applier()
        {
            @Override
            public String apply(final String entry)
            {
                return change("add", entry);
            }

            @Override
            public void undo(final String entry)
            {
                change("del", entry);
            }

            private String change(final String verb, final String entry)
            {
                final AddrCtl.Request r;
                try
                {
                    r = AddrCtl.parse(AddrCtl.words(verb, entry));
                }
                catch (final IllegalArgumentException ex)
                {
                    return ex.getMessage();
                }
                final StringBuilder why = new StringBuilder();
                final int rc = core.request(r.sockopt(), r.param(), why::append);
                return Edpvs.OK == rc ? null : why + " (" + Edpvs.strerror(rc) + ")";
            }
        };
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindRoutes(final Routes routes)
    {
        core.routes.bind(routes);
        if (active)
        {
            core.routesBound();
        }
    }

    void unbindRoutes(final Routes routes)
    {
        core.routes.unbind(routes);
    }

    @Deactivate
    void deactivate()
    {
        active = false;
        commands.unregister();
        core.stop();
        events.close();
    }

    /**
     * platform.mp's channel came: publish address changes to it. The parameter is the reference, not the service,
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
            LOG.info("address changes are published as {} to platform.mp's subscribers", InetAddrCore.EVENT);
        }
    }

    /** @param ref the channel's service reference, going: nothing is published to it after this returned. */
    void unbindMp(final ServiceReference<?> ref)
    {
        events.unbindService(context, ref);
    }

    @Override
    public boolean isLocal(final int lcoreId, final int addr)
    {
        return core.isLocal(lcoreId, addr);
    }

    @Override
    public int size()
    {
        return core.size();
    }

    @Override
    public List<String> list()
    {
        return core.list();
    }
}
