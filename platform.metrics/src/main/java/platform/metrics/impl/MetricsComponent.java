package platform.metrics.impl;

import java.io.IOException;

import org.osgi.framework.BundleContext;
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
import platform.metrics.api.MetricsSource;
import platform.msgmgr.api.MsgManager;
import platform.sockopt.api.SockoptRegistry;

/**
 * The metrics endpoint: serves the platform's figures in the Prometheus text format on
 * {@code http://<address>:<port>/metrics} (127.0.0.1:9404 by default). Every service it reads is an optional,
 * dynamic reference: the endpoint keeps answering while any of them (or a feature's {@link MetricsSource}) comes and
 * goes, and what is absent contributes no series.
 */
@Component(immediate = true, configurationPid = MetricsComponent.PID)
@Designate(ocd = MetricsComponent.Config.class)
public final class MetricsComponent
{
    /** Configuration PID ({@code deploy/platform.metrics.cfg} in the distribution). */
    public static final String PID = "platform.metrics";
    /** Framework property giving the port when the configuration does not (below it, above the default). */
    public static final String PORT_PROPERTY = "platform.metrics.port";
    /** Framework property giving the address when the configuration does not. */
    public static final String ADDRESS_PROPERTY = "platform.metrics.address";
    /** The port when neither the configuration nor the framework gives one (the JMX exporter's usual port). */
    public static final int DEFAULT_PORT = 9404;
    /** Local only by default: the figures describe the host's data plane. */
    public static final String DEFAULT_ADDRESS = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsComponent.class);

    /** Typed configuration. */
    @ObjectClassDefinition(name = "Metrics endpoint", description = "Prometheus text format over HTTP")
    public @interface Config
    {
        @AttributeDefinition(description = "Serve the endpoint; false turns it off")
        boolean enabled() default true;

        @AttributeDefinition(description = "Address to listen on; empty: framework property " + ADDRESS_PROPERTY
            + ", else " + DEFAULT_ADDRESS)
        String address() default "";

        @AttributeDefinition(description = "Port to listen on, 0 for any free one; -1: framework property "
            + PORT_PROPERTY + ", else " + DEFAULT_PORT)
        int port() default -1;
    }

    private final PlatformCollector collector = new PlatformCollector();
    /** Set by activation, read by tests from their thread. */
    private volatile MetricsServer server;

    /**
     * Starts serving, unless turned off. A bad setting or an address that cannot be bound (the port in use) is
     * logged as an error and leaves the endpoint off until the next configuration change: a metrics port never
     * stops the data plane (the launcher stops the platform when a core component fails to activate).
     *
     * @param context the bundle context (framework properties).
     * @param config  the configuration.
     */
    @Activate
    void activate(final BundleContext context, final Config config)
    {
        final Settings s;
        try
        {
            s = Settings.of(config.enabled(), config.address(), config.port(), context.getProperty(ADDRESS_PROPERTY),
                context.getProperty(PORT_PROPERTY));
        }
        catch (final IllegalArgumentException ex)
        {
            LOG.error("metrics endpoint off: {}", ex.getMessage());
            return;
        }
        if (!s.enabled())
        {
            LOG.info("metrics endpoint off (enabled=false)");
            return;
        }
        try
        {
            server = new MetricsServer(s.address(), s.port(), collector);
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.error("metrics endpoint off: cannot listen on {}:{}: {} (set port or address in deploy/{}.cfg, or "
                + "-D{})", s.address(), s.port(), ex.toString(), PID, PORT_PROPERTY, ex);
            return;
        }
        LOG.info("metrics on {}", server.url());
    }

    @Deactivate
    void deactivate()
    {
        if (null != server)
        {
            server.close();
            server = null;
        }
    }

    /** @return the bound port, or -1 when not serving (tests). */
    int port()
    {
        final MetricsServer s = server;
        return null == s ? -1 : s.port();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindLcores(final LcoreScheduler s)
    {
        collector.lcores(s);
    }

    void unbindLcores(final LcoreScheduler s)
    {
        collector.unsetLcores(s);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindMsg(final MsgManager m)
    {
        collector.msg(m);
    }

    void unbindMsg(final MsgManager m)
    {
        collector.unsetMsg(m);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindSockopts(final SockoptRegistry r)
    {
        collector.sockopts(r);
    }

    void unbindSockopts(final SockoptRegistry r)
    {
        collector.unsetSockopts(r);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindSource(final MetricsSource s)
    {
        collector.bindSource(s);
    }

    /** Returns once no scrape calls {@code s} any more: its bundle may stop. */
    void unbindSource(final MetricsSource s)
    {
        collector.unbindSource(s);
    }

    /** @return the collector (tests). */
    PlatformCollector collector()
    {
        return collector;
    }
}
