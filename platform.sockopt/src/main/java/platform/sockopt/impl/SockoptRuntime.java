package platform.sockopt.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Hashtable;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.LcoreScheduler;
import platform.sockopt.api.SockoptRegistry;

/**
 * Runs the control socket: binds it, starts its master job, then registers the {@link SockoptRegistry} service
 * (one {@link BundleSockoptRegistry} per using bundle) and the Gogo commands. Deactivation unregisters the service
 * first (every bundle's ranges close), then stops the server and removes the socket file.
 */
@Component(immediate = true, configurationPid = SockoptRuntime.PID)
@Designate(ocd = SockoptRuntime.Config.class)
public final class SockoptRuntime
{
    /** Configuration PID. */
    public static final String PID = "platform.sockopt";
    /** Framework property naming the socket path (below {@code DPVS_IPC_FILE}, above the defaults). */
    public static final String PATH_PROPERTY = "platform.sockopt.path";
    private static final Logger LOG = LoggerFactory.getLogger(SockoptRuntime.class);

    /** Typed configuration. */
    @ObjectClassDefinition(name = "Control socket")
    public @interface Config
    {
        @AttributeDefinition(description = "Socket path; DPVS_IPC_FILE wins, empty: framework property "
            + PATH_PROPERTY + ", else /var/run/dpvs.ipc when writable, else a per-user runtime directory")
        String socket_path() default "";

        @AttributeDefinition(description = "Longest request body accepted, bytes")
        long max_request_length() default ServerConfig.DEFAULT_MAX_REQUEST;

        @AttributeDefinition(description = "Longest reply body a handler may produce, bytes")
        int max_reply_length() default ServerConfig.DEFAULT_MAX_REPLY;

        @AttributeDefinition(description = "Requests handled per master loop iteration at most")
        int budget() default 64;

        @AttributeDefinition(description = "A request not complete this long after its first byte, or a new "
            + "connection without a whole header this long, is refused and closed, ms")
        long request_timeout_ms() default 5_000;

        @AttributeDefinition(description = "A kept connection idle this long is closed, ms")
        long idle_timeout_ms() default 300_000;

        @AttributeDefinition(description = "Connections served at once; more get an EDPVS_RESOURCE reply")
        int max_connections() default 1024;

        @AttributeDefinition(description = "Bytes all pending request bodies may hold together; more is refused "
            + "with EDPVS_NOMEM")
        long body_budget() default ServerConfig.DEFAULT_BODY_BUDGET;

        @AttributeDefinition(description = "Listen backlog of the control socket")
        int backlog() default ServerConfig.DEFAULT_BACKLOG;
    }

    private final SockoptCore core;
    private final ServiceRegistration<SockoptRegistry> registration;
    private final ServiceRegistration<SockoptCommands> commands;
    private final BundleContext context;
    private volatile ServiceReference<?> msgRef;

    @Activate
    public SockoptRuntime(final BundleContext context, @Reference final LcoreScheduler scheduler, final Config config)
    {
        this.context = context;
        final String configured = config.socket_path().isBlank() ? context.getProperty(PATH_PROPERTY)
            : config.socket_path();
        final SocketPathResolver.Resolved where = SocketPathResolver.resolve(System.getenv(), configured);
        LOG.info("control socket path {} (from the {})", where.path(), where.origin());
        this.core = new SockoptCore(new ServerConfig(where.path(), config.max_request_length(),
            config.max_reply_length(), config.budget(), config.request_timeout_ms(), config.idle_timeout_ms(),
            config.max_connections(), config.body_budget(), config.backlog()), scheduler);
        try
        {
            core.start();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot serve the control socket on " + where.path(), ex);
        }
        this.registration = context.registerService(SockoptRegistry.class, new Factory(core), null);
        final Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "sockopt");
        props.put("osgi.command.function", SockoptCommands.FUNCTIONS);
        this.commands = context.registerService(SockoptCommands.class, new SockoptCommands(core), props);
    }

    /**
     * The message manager, optional: GET 9003 lists its types while it runs. Bound by its service reference, so
     * that no signature of this class names a {@code platform.msgmgr.api} type (SCR reflects on them): without the
     * message manager the bundle's optional import stays unwired and only {@link MsgTypesGet} would need it.
     */
    @Reference(name = "msg", service = platform.msgmgr.api.MsgManager.class,
        cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindMsgManager(final ServiceReference<?> ref)
    {
        final Object service = context.getService(ref);
        if (null == service)
        {
            return;
        }
        try
        {
            core.msgTypes = MsgTypesGet.of(service);
            msgRef = ref;
        }
        catch (final LinkageError | ClassCastException ex)
        {
            // resolved while no message manager was installed: the optional import is wired at the next refresh
            context.ungetService(ref);
            LOG.warn("GET 9003 (message types) unavailable until platform.sockopt is refreshed: {}", ex.toString());
        }
    }

    void unbindMsgManager(final ServiceReference<?> ref)
    {
        if (ref.equals(msgRef))
        {
            core.msgTypes = null;
            msgRef = null;
            context.ungetService(ref);
        }
    }

    @Deactivate
    void deactivate()
    {
        commands.unregister();
        registration.unregister();
        core.stop();
    }

    /** One {@link BundleSockoptRegistry} per using bundle. */
    private static final class Factory implements ServiceFactory<SockoptRegistry>
    {
        private final SockoptCore core;

        Factory(final SockoptCore core)
        {
            this.core = core;
        }

        @Override
        public SockoptRegistry getService(final Bundle bundle, final ServiceRegistration<SockoptRegistry> reg)
        {
            return new BundleSockoptRegistry(core, bundle.getSymbolicName() + "/" + bundle.getVersion());
        }

        @Override
        public void ungetService(final Bundle bundle, final ServiceRegistration<SockoptRegistry> reg,
            final SockoptRegistry service)
        {
            ((BundleSockoptRegistry)service).release();
        }
    }
}
