package modules.blklst.impl;

import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import modules.blklst.api.Blacklist;
import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.MsgManager;
import platform.sockopt.api.SockoptRegistry;

/**
 * The blacklist bundle's one component: on activation it registers the workers' INIT job, the blacklist message
 * types and the sockopts SET 73..75 and GET 76, then offers {@link Blacklist} to the data path and the
 * {@code blklst:} Gogo commands; on deactivation it removes every one of them.
 */
@Component(immediate = true, configurationPid = BlklstComponent.PID)
@Designate(ocd = BlklstComponent.Config.class)
public final class BlklstComponent
{
    /** Configuration PID. */
    public static final String PID = "modules.blklst";

    /** Typed configuration. */
    @ObjectClassDefinition(name = "Blacklist")
    public @interface Config
    {
        @AttributeDefinition(description = "Most entries the blacklist holds; an add beyond gets EDPVS_NOMEM")
        int max_entries() default 65_536;

        @AttributeDefinition(description = "How long a change waits for every forwarding lcore, microseconds")
        long timeout_us() default 200_000;
    }

    private final BlklstCore core;
    private final ServiceRegistration<Blacklist> service;
    private final ServiceRegistration<BlklstCommands> commands;

    @Activate
    public BlklstComponent(final BundleContext context, @Reference final LcoreScheduler lcores,
        @Reference final MsgManager msg, @Reference final SockoptRegistry sockopts, final Config config)
    {
        this.core = new BlklstCore(lcores, msg, config.max_entries(), config.timeout_us(),
            context.getBundle().getSymbolicName() + "/" + context.getBundle().getVersion());
        core.start(sockopts);
        this.service = context.registerService(Blacklist.class, core, null);
        final Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "blklst");
        props.put("osgi.command.function", BlklstCommands.FUNCTIONS);
        this.commands = context.registerService(BlklstCommands.class, new BlklstCommands(core), props);
    }

    @Deactivate
    void deactivate()
    {
        commands.unregister();
        service.unregister();
        core.stop();
    }
}
