package modules.blklst.impl;

import org.osgi.framework.ServiceReference;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
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

import platform.common.EventPublisher;

import modules.blklst.api.Blacklist;
import platform.lcore.api.LcoreScheduler;
import platform.mp.api.MpChannel;
import platform.msgmgr.api.MsgManager;
import platform.sockopt.api.SockoptRegistry;

/**
 * The blacklist bundle's one component: on activation it registers the workers' INIT job, the blacklist message
 * types and the sockopts SET 73..75 and GET 76, then offers {@link Blacklist} to the data path and the
 * {@code blklst:} Gogo commands; on deactivation it removes every one of them.
 * <p>
 * With platform.mp present, every applied change is published to the secondaries subscribed to
 * {@value BlklstCore#EVENT} (an optional, dynamic reference to {@code MpChannel}, bound by
 * {@code ServiceReference}; this class names the API only in {@code @Reference}, which the JVM never loads; see
 * {@link MpSink}); the master lcore only queues the event.
 */
@Component(immediate = true, configurationPid = BlklstComponent.PID)
@Designate(ocd = BlklstComponent.Config.class)
public final class BlklstComponent
{
    private static final Logger LOG = LoggerFactory.getLogger(BlklstComponent.class);

    /** Configuration PID. */
    public static final String PID = "modules.blklst";

    /** Typed configuration. */
    @ObjectClassDefinition(name = "Blacklist")
    public @interface Config
    {
        @AttributeDefinition(description = "Most entries the blacklist holds; an add beyond gets EDPVS_NOMEM")
        int max_entries() default 65_536;

        @AttributeDefinition(description = "How long a change waits for every forwarding lcore, microseconds (1 s: "
            + "a garbage collection pause on a small shared machine can hold an lcore for a few hundred ms)")
        long timeout_us() default 1_000_000;

        @AttributeDefinition(description = "Entries added at start, comma separated, each as dplanectl's blklst add "
            + "words: \"tcp 10.0.0.1:80 1.2.3.4, udp [2001:db8::1]:53 2001:db8::66\"")
        String entries() default "";

        @AttributeDefinition(description = "A file of entries, one per line as dplanectl's blklst add words (# "
            + "comments); default: etc/blklst.conf of the platform's home, if it exists. All or nothing: a bad line "
            + "is named in the log and the file is not applied")
        String conf_file() default "";
    }

    private final BlklstCore core;
    private final ServiceRegistration<Blacklist> service;
    private final ServiceRegistration<BlklstCommands> commands;
    private final ServiceTracker<Object, AutoCloseable> netif;
    private final BundleContext context;
    /** Events that may wait for the publishing thread (a burst of ipvsadm adds); more are dropped and counted. */
    static final int EVENT_QUEUE = 4096;
    private final EventPublisher events = new EventPublisher("blklst-events", EVENT_QUEUE, LOG);

    /** Tracked by name: the class is only loaded (by {@link NetifHook}) when the optional import is wired. */
    static final String NETIF = "modules.netif.api.Netif";

    /** Adds the packet hook to each netif service this bundle can use, and removes it when either goes. */
    private static final class NetifHooks implements ServiceTrackerCustomizer<Object, AutoCloseable>
    {
        private final BundleContext context;
        private final BlklstCore core;

        NetifHooks(final BundleContext context, final BlklstCore core)
        {
            this.context = context;
            this.core = core;
        }

        @Override
        public AutoCloseable addingService(final ServiceReference<Object> ref)
        {
            // a netif installed after this bundle resolved is not wired to it until a refresh
            if (!ref.isAssignableTo(context.getBundle(), NETIF) || !wired(context))
            {
                LOG.info("netif {} is not wired to this bundle (refresh it to drop blacklisted packets)",
                    ref.getBundle().getSymbolicName());
                return null;
            }
            final Object service = context.getService(ref);
            if (null == service)
            {
                return null;
            }
            try
            {
                final AutoCloseable hook = NetifHook.register(service, core);
                LOG.info("blacklist hook added to netif's PRE_ROUTING");
                return () ->
                {
                    hook.close();
                    context.ungetService(ref);
                };
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("could not add the blacklist hook to netif", ex);
                context.ungetService(ref);
                return null;
            }
        }

        @Override
        public void modifiedService(final ServiceReference<Object> ref, final AutoCloseable hook)
        {
        }

        @Override
        public void removedService(final ServiceReference<Object> ref, final AutoCloseable hook)
        {
            try
            {
                hook.close();
            }
            catch (final Exception ex)
            {
                LOG.warn("removing the blacklist hook failed", ex);
            }
        }

        private static boolean wired(final BundleContext context)
        {
            final BundleWiring wiring = context.getBundle().adapt(BundleWiring.class);
            if (null == wiring)
            {
                return false;
            }
            for (final BundleWire w : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE))
            {
                if ("modules.netif.api".equals(w.getCapability().getAttributes()
                    .get(PackageNamespace.PACKAGE_NAMESPACE)))
                {
                    return true;
                }
            }
            return false;
        }
    }

    @Activate
    public BlklstComponent(final BundleContext context, @Reference final LcoreScheduler lcores,
        @Reference final MsgManager msg, @Reference final SockoptRegistry sockopts, final Config config)
    {
        this.context = context;
        this.core = new BlklstCore(lcores, msg, config.max_entries(), config.timeout_us(),
            context.getBundle().getSymbolicName() + "/" + context.getBundle().getVersion());
        core.events(events);
        core.start(sockopts, config.entries(), platform.common.StaticConfig.file(config.conf_file(),
            context.getProperty("platform.home"), "blklst.conf"));
        this.service = context.registerService(Blacklist.class, core, null);
        final Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "blklst");
        props.put("osgi.command.function", BlklstCommands.FUNCTIONS);
        this.commands = context.registerService(BlklstCommands.class, new BlklstCommands(core, events), props);
        this.netif = new ServiceTracker<>(context, NETIF, new NetifHooks(context, core));
        netif.open();
    }

    @Deactivate
    void deactivate()
    {
        // the hook goes first: once this returns no forwarding lcore calls into the blacklist any more
        netif.close();
        commands.unregister();
        service.unregister();
        core.stop();
        events.close();
    }

    /**
     * platform.mp's channel came: publish blacklist changes to it. The parameter is the reference, not the service,
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
            LOG.info("blacklist changes are published as {} to platform.mp's subscribers", BlklstCore.EVENT);
        }
    }

    /** @param ref the channel's service reference, going: nothing is published to it after this returned. */
    void unbindMp(final ServiceReference<?> ref)
    {
        events.unbindService(context, ref);
    }
}
