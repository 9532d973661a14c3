package platform.mp.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceFactory;
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

import platform.lcore.api.LcoreScheduler;
import platform.metrics.api.MetricsSource;
import platform.mp.api.MpChannel;
import platform.mp.client.MpRuntimeInfo;
import platform.mp.client.MpWire;
import platform.msgmgr.api.MsgManager;
import platform.sockopt.api.SockoptRegistry;

/**
 * The primary's channel as a DS component: binds the socket in the runtime directory, registers {@link MpChannel}
 * as a service factory (one instance per bundle, whose actions go when the bundle releases it) and the
 * {@code mp:*} Gogo commands.
 */
@Component(immediate = true, configurationPid = MpRuntime.PID)
@Designate(ocd = MpRuntime.Config.class)
public final class MpRuntime
{
    /** The configuration PID. */
    public static final String PID = "platform.mp";
    /** A framework property naming the runtime directory (below the configuration, above the environment). */
    static final String DIR_PROPERTY = "platform.mp.dir";
    /** The event sent to the secondaries that registered an action of this name when a bundle changes state. */
    public static final String BUNDLE_EVENT = "platform.bundle";
    /** The distribution's home (the launcher sets it): the runtime directory defaults to its data/mp. */
    static final String HOME_PROPERTY = "platform.home";
    /** sun_path is 108 bytes with the NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;

    /** The channel's settings. */
    @ObjectClassDefinition(name = "Multi-process channel")
    public @interface Config
    {
        @AttributeDefinition(description = "Runtime directory holding mp_socket and mp.info; empty: framework "
            + "property platform.mp.dir, else DPLANE_MP_DIR, else <platform.home>/data/mp, else "
            + "$XDG_RUNTIME_DIR/dplane-mp, else <tmpdir>/dplane-<user>/mp")
        String runtime_dir() default "";

        @AttributeDefinition(description = "Longest parameter block of a message, bytes (DPDK: 256); at least 64")
        int max_param_len() default MpWire.DEFAULT_MAX_PARAM_LEN;

        @AttributeDefinition(description = "Timeout of a request given no timeout (null), ms")
        long timeout_ms() default 5000;
    }

    private final MpPrimary primary;
    private final ServiceRegistration<MpChannel> channel;
    private final ServiceRegistration<MpCommands> commands;
    private final BundleContext context;
    private final BundleListener bundleEvents;

    /**
     * @param context the bundle context.
     * @param config  the settings.
     * @throws IOException when the socket cannot be bound.
     */
    @Activate
    public MpRuntime(final BundleContext context, final Config config) throws IOException
    {
        this.primary = new MpPrimary(resolveDir(config.runtime_dir(), context.getProperty(DIR_PROPERTY),
            context.getProperty(HOME_PROPERTY), System.getenv()), config.max_param_len());
        final Duration timeout = Duration.ofMillis(config.timeout_ms());
        this.channel = context.registerService(MpChannel.class, new ServiceFactory<>()
        {
            @Override
            public MpChannel getService(final Bundle bundle, final ServiceRegistration<MpChannel> registration)
            {
                return new BundleMpChannel(primary, bundle.getSymbolicName(), timeout);
            }

            @Override
            public void ungetService(final Bundle bundle, final ServiceRegistration<MpChannel> registration,
                final MpChannel service)
            {
                ((BundleMpChannel) service).release();
            }
        }, null);
        final Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "mp");
        props.put("osgi.command.function", MpCommands.FUNCTIONS);
        this.commands = context.registerService(MpCommands.class, new MpCommands(primary), props);
        this.context = context;
        // asynchronous listener: delivered on the framework's event thread, never inside a bundle operation
        this.bundleEvents = e -> primary.publish(BUNDLE_EVENT, bundleEvent(e.getType(),
            e.getBundle().getSymbolicName(), e.getBundle().getVersion().toString(), e.getBundle().getBundleId(),
            primary.maxParamLen()));
        context.addBundleListener(bundleEvents);
    }

    /**
     * The params of a {@value #BUNDLE_EVENT} message: UTF-8 "TYPE symbolic-name version id", e.g.
     * "STARTED modules.route 0.1.0.SNAPSHOT 12".
     */
    static byte[] bundleEvent(final int type, final String bsn, final String version, final long id,
        final int maxLen)
    {
        final String t = switch (type)
        {
            case BundleEvent.INSTALLED -> "INSTALLED";
            case BundleEvent.RESOLVED -> "RESOLVED";
            case BundleEvent.STARTED -> "STARTED";
            case BundleEvent.STOPPED -> "STOPPED";
            case BundleEvent.UPDATED -> "UPDATED";
            case BundleEvent.UNRESOLVED -> "UNRESOLVED";
            case BundleEvent.UNINSTALLED -> "UNINSTALLED";
            default -> "EVENT-" + type;
        };
        final byte[] b = (t + " " + bsn + " " + version + " " + id).getBytes(StandardCharsets.UTF_8);
        // a symbolic name may be long: the event is cut to what the channel carries
        return b.length <= maxLen ? b : Arrays.copyOf(b, maxLen);
    }

    /**
     * The runtime directory: the configuration, else the framework property {@code platform.mp.dir}, else
     * {@code DPLANE_MP_DIR}, else {@code <platform.home>/data/mp} (the distribution's data folder, so that two
     * platforms on one host never share a channel) when the socket path fits in sun_path, else the per-user
     * runtime directory ({@link MpRuntimeInfo#defaultDir}).
     */
    static Path resolveDir(final String configured, final String property, final String home,
        final Map<String, String> env)
    {
        if (null != configured && !configured.isBlank())
        {
            return Path.of(configured.trim());
        }
        if (null != property && !property.isBlank())
        {
            return Path.of(property.trim());
        }
        final String set = env.get(MpRuntimeInfo.ENV_DIR);
        if ((null == set || set.isBlank()) && null != home && !home.isBlank())
        {
            final Path dir = Path.of(home.trim()).toAbsolutePath().resolve("data").resolve("mp");
            if (dir.resolve(MpRuntimeInfo.SOCKET_NAME).toString().getBytes(StandardCharsets.UTF_8).length
                <= MAX_SOCKET_PATH_BYTES)
            {
                return dir;
            }
        }
        return MpRuntimeInfo.defaultDir(env);
    }

    /**
     * A feature's {@code platform.metrics.api.MetricsSource} (modules.netif's ports, queues and drop reasons): its
     * values go into the statistics segment too, read on the timer thread as the metrics endpoint reads them at a
     * scrape. The bind method takes the reference, so that DS never loads the optional API (only
     * {@link MetricsBridge} names it); once the unbind returns the source is not called again.
     *
     * @param ref the source's reference.
     */
    @Reference(name = "metricsSource", service = MetricsSource.class, cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC, unbind = "unbindMetricsSource")
    void bindMetricsSource(final ServiceReference<?> ref)
    {
        final Object source = context.getService(ref);
        if (null != source)
        {
            primary.platform.addSource(ref, source);
        }
    }

    void unbindMetricsSource(final ServiceReference<?> ref)
    {
        if (null != primary.platform.removeSource(ref))
        {
            context.ungetService(ref);
        }
    }

    /**
     * The lcore scheduler's loops, idle time and jobs go into the statistics segment while it is there.
     *
     * @param s the service.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindLcores(final LcoreScheduler s)
    {
        primary.platform.lcores = s;
    }

    void unbindLcores(final LcoreScheduler s)
    {
        if (primary.platform.lcores == s)
        {
            primary.platform.lcores = null;
        }
    }

    /**
     * The message types' counters go into the statistics segment while the message manager is there.
     *
     * @param s the service.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindMsgs(final MsgManager s)
    {
        primary.platform.msgs = s;
    }

    void unbindMsgs(final MsgManager s)
    {
        if (primary.platform.msgs == s)
        {
            primary.platform.msgs = null;
        }
    }

    /**
     * The control socket's request counters go into the statistics segment while it is there.
     *
     * @param s the service.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindSockopts(final SockoptRegistry s)
    {
        primary.platform.sockopts = s;
    }

    void unbindSockopts(final SockoptRegistry s)
    {
        if (primary.platform.sockopts == s)
        {
            primary.platform.sockopts = null;
        }
    }

    /** Unregisters the services (bundles release their channels first), then closes the socket. */
    @Deactivate
    void deactivate()
    {
        context.removeBundleListener(bundleEvents);
        commands.unregister();
        channel.unregister();
        primary.close();
    }
}
