package platform.lcore.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.LcoreTimers;

/**
 * Owns the running {@link Scheduler}: reads the lcore layout, starts the lcores on activation and stops them
 * (threads joined, CPUs released) on deactivation. A new configuration restarts the lcores.
 * <p>
 * The layout comes from, in order: this component's {@code conf.file} (ConfigAdmin, e.g. a
 * {@code platform.lcore.cfg} dropped into {@code deploy/}), the framework property {@code platform.lcore.conf}
 * (the distribution points it at {@code etc/lcores.conf}), or the default embedded in this bundle
 * (lcore 0 MASTER on CPU 0, lcore 1 FWD_WORKER on CPU 1).
 * <p>
 * It registers the {@link LcoreScheduler} service itself, as a {@link ServiceFactory}, once the lcores run, rather
 * than as a DS service: DS would advertise the service before activation, so a refused layout would leave a
 * scheduler service (and the Gogo commands on it) registered with nothing behind it. The factory gives each
 * using bundle its own {@link BundleLcoreScheduler}, which owns that bundle's jobs. The {@link LcoreTimers} service
 * is registered the same way ({@link BundleLcoreTimers} owns a bundle's timers).
 */
@Component(immediate = true, configurationPid = LcoreRuntime.PID)
@Designate(ocd = LcoreRuntime.Config.class)
public final class LcoreRuntime
{
    /** Configuration PID. */
    public static final String PID = "platform.lcore";
    /** Framework property naming the layout file. */
    public static final String CONF_PROPERTY = "platform.lcore.conf";
    /** The embedded default layout. */
    static final String DEFAULT_CONF = "default-lcores.conf";

    private static final Logger LOG = LoggerFactory.getLogger(LcoreRuntime.class);

    /**
     * Typed configuration.
     */
    @ObjectClassDefinition(name = "Lcore scheduler", description = "Lcore layout and shutdown settings")
    public @interface Config
    {
        @AttributeDefinition(description = "Lcore layout file; empty: framework property platform.lcore.conf, "
            + "else the embedded default")
        String conf_file() default "";

        @AttributeDefinition(description = "How long stopping waits for each lcore thread, in milliseconds")
        long stop_timeout_ms() default 5000;
    }

    private final Scheduler scheduler;
    private final long stopTimeoutMs;
    private final ServiceRegistration<LcoreScheduler> registration;
    private final Timers timers;
    private final ServiceRegistration<LcoreTimers> timersRegistration;

    @Activate
    public LcoreRuntime(final BundleContext context, final Config config) throws IOException
    {
        final SchedulerConfig layout;
        try
        {
            layout = loadLayout(config.conf_file(), context.getProperty(CONF_PROPERTY));
        }
        catch (final IllegalArgumentException | IOException ex)
        {
            LOG.error("lcore configuration refused, no lcore started: {}", ex.getMessage());
            throw ex;
        }
        this.stopTimeoutMs = config.stop_timeout_ms();
        this.scheduler = new Scheduler(layout, new AffinityPinner());
        this.timers = new Timers(scheduler);
        scheduler.start();
        this.registration = null == context ? null
            : context.registerService(LcoreScheduler.class, new SchedulerFactory(scheduler), null);
        this.timersRegistration = null == context ? null
            : context.registerService(LcoreTimers.class, new TimersFactory(timers), null);
    }

    @Deactivate
    void deactivate()
    {
        if (null != timersRegistration)
        {
            // every using bundle's timers are cancelled on their lcores while these still run
            timersRegistration.unregister();
        }
        if (null != registration)
        {
            // every using bundle's facade is released first: their leftover jobs are closed while lcores still run
            registration.unregister();
        }
        scheduler.stop(stopTimeoutMs);
    }

    Scheduler scheduler()
    {
        return scheduler;
    }

    Timers timers()
    {
        return timers;
    }

    static SchedulerConfig loadLayout(final String confFile, final String frameworkProperty) throws IOException
    {
        final int cpus = Runtime.getRuntime().availableProcessors();
        final String file = null != confFile && !confFile.isBlank() ? confFile
            : null != frameworkProperty && !frameworkProperty.isBlank() ? frameworkProperty : null;
        if (null == file)
        {
            try (InputStream in = LcoreRuntime.class.getResourceAsStream(DEFAULT_CONF);
                Reader r = new InputStreamReader(in, StandardCharsets.UTF_8))
            {
                return SchedulerConfig.parse("<embedded " + DEFAULT_CONF + ">", r, cpus);
            }
        }
        final Path path = Paths.get(file);
        if (!Files.isReadable(path))
        {
            throw new IOException("lcore configuration file " + path.toAbsolutePath() + " is missing or unreadable");
        }
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8))
        {
            return SchedulerConfig.parse(path.toString(), r, cpus);
        }
    }

    /**
     * One {@link BundleLcoreScheduler} per using bundle.
     */
    private static final class SchedulerFactory implements ServiceFactory<LcoreScheduler>
    {
        private final Scheduler scheduler;

        SchedulerFactory(final Scheduler scheduler)
        {
            this.scheduler = scheduler;
        }

        @Override
        public LcoreScheduler getService(final Bundle bundle, final ServiceRegistration<LcoreScheduler> reg)
        {
            return new BundleLcoreScheduler(scheduler, bundle.getSymbolicName() + "/" + bundle.getVersion());
        }

        @Override
        public void ungetService(final Bundle bundle, final ServiceRegistration<LcoreScheduler> reg,
            final LcoreScheduler service)
        {
            ((BundleLcoreScheduler)service).release();
        }
    }

    /**
     * One {@link BundleLcoreTimers} per using bundle.
     */
    private static final class TimersFactory implements ServiceFactory<LcoreTimers>
    {
        private final Timers timers;

        TimersFactory(final Timers timers)
        {
            this.timers = timers;
        }

        @Override
        public LcoreTimers getService(final Bundle bundle, final ServiceRegistration<LcoreTimers> reg)
        {
            return new BundleLcoreTimers(timers, bundle.getSymbolicName() + "/" + bundle.getVersion());
        }

        @Override
        public void ungetService(final Bundle bundle, final ServiceRegistration<LcoreTimers> reg,
            final LcoreTimers service)
        {
            ((BundleLcoreTimers)service).release();
        }
    }
}
