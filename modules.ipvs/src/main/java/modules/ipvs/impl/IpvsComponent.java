package modules.ipvs.impl;

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

import platform.lcore.api.LcoreScheduler;
import platform.sockopt.api.SockoptRegistry;

/**
 * The ipvs bundle's one component: on activation it registers the GET sockopts 17..22 and the {@code ipvs:} Gogo
 * commands; on deactivation it removes both.
 */
@Component(immediate = true, configurationPid = IpvsComponent.PID)
@Designate(ocd = IpvsComponent.Config.class)
public final class IpvsComponent
{
    /** Configuration PID. */
    public static final String PID = "modules.ipvs";

    /** Typed configuration. */
    @ObjectClassDefinition(name = "IPVS service sockopts")
    public @interface Config
    {
        @AttributeDefinition(description = "DPVS_VERSION to report: GET 17 answers \"dpvs:v\" + it, GET 18 the "
            + "code DPVS's version_parse makes of it (1.10-2 -> 0x010a02, printed by ipvsadm as 1.10.2)")
        String version() default "1.10-2";
    }

    private final IpvsCore core;
    private final ServiceRegistration<IpvsCommands> commands;

    @Activate
    public IpvsComponent(final BundleContext context, @Reference final LcoreScheduler lcores,
        @Reference final SockoptRegistry sockopts, final Config config)
    {
        this.core = new IpvsCore(lcores, config.version());
        core.start(sockopts);
        final Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "ipvs");
        props.put("osgi.command.function", IpvsCommands.FUNCTIONS);
        this.commands = context.registerService(IpvsCommands.class, new IpvsCommands(core), props);
    }

    @Deactivate
    void deactivate()
    {
        commands.unregister();
        core.stop();
    }
}
