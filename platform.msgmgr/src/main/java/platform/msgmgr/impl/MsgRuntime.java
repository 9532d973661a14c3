package platform.msgmgr.impl;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.MsgManager;

/**
 * Runs the message manager on the lcores: creates the rings, registers the drain jobs with the lcore scheduler
 * and then the {@link MsgManager} service (a {@link ServiceFactory}: one {@link BundleMsgManager} per using
 * bundle). Deactivation unregisters the service first, so every bundle's types are closed while the lcores still
 * drain, then stops the drain jobs and drops what is left.
 */
@Component(immediate = true, configurationPid = MsgRuntime.PID)
@Designate(ocd = MsgRuntime.Config.class)
public final class MsgRuntime
{
    /** Configuration PID. */
    public static final String PID = "platform.msgmgr";

    /**
     * Typed configuration (DPVS's {@code ctrl_defs { lcore_msg { ... } }}).
     */
    @ObjectClassDefinition(name = "Message manager")
    public @interface Config
    {
        @AttributeDefinition(description = "Ring slots per lcore and priority: a power of two, 256..524288")
        int ring_size() default 4096;

        @AttributeDefinition(description = "Default timeout of synchronous sends and multicasts, microseconds")
        long sync_msg_timeout_us() default 2000;

        @AttributeDefinition(description = "Messages an lcore handles per loop iteration at most")
        int drain_budget() default 256;

        @AttributeDefinition(description = "Pooled messages kept for reuse")
        int pool_size() default 65536;

        @AttributeDefinition(description = "1 in how many synchronous sends and multicasts, per type and sender, is "
            + "timed (reads the clock at its start and end, reports its latency and feeds msg:latency): a power of "
            + "two, 1..1024; 1 times every one")
        int latency_sample() default MsgConfig.DEFAULT_LATENCY_SAMPLE;
    }

    private final MsgCore core;
    private final ServiceRegistration<MsgManager> registration;
    private final ServiceRegistration<MsgCommands> commands;

    @Activate
    public MsgRuntime(final BundleContext context, @Reference final LcoreScheduler scheduler, final Config config)
    {
        final MsgConfig defaults = MsgConfig.defaults();
        this.core = new MsgCore(scheduler, new MsgConfig(config.ring_size(), config.sync_msg_timeout_us(),
            config.drain_budget(), defaults.lowReserve(), config.pool_size(), defaults.controlTimeoutMs(),
            config.latency_sample()));
        core.start();
        this.registration = context.registerService(MsgManager.class, new Factory(core), null);
        final java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put("osgi.command.scope", "msg");
        props.put("osgi.command.function", MsgCommands.FUNCTIONS);
        this.commands = context.registerService(MsgCommands.class, new MsgCommands(core), props);
    }

    @Deactivate
    void deactivate()
    {
        commands.unregister();
        registration.unregister();
        core.stop();
    }

    MsgCore core()
    {
        return core;
    }

    /**
     * One {@link BundleMsgManager} per using bundle.
     */
    private static final class Factory implements ServiceFactory<MsgManager>
    {
        private final MsgCore core;

        Factory(final MsgCore core)
        {
            this.core = core;
        }

        @Override
        public MsgManager getService(final Bundle bundle, final ServiceRegistration<MsgManager> reg)
        {
            return new BundleMsgManager(core, bundle.getSymbolicName() + "/" + bundle.getVersion());
        }

        @Override
        public void ungetService(final Bundle bundle, final ServiceRegistration<MsgManager> reg,
            final MsgManager service)
        {
            ((BundleMsgManager)service).release();
        }
    }
}
