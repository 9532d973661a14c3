package platform.dist;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Writes the launcher's and the framework's own log events into the platform's log, through SLF4J in the framework
 * (the launcher's class loader does not see it, so it is called reflectively). As the framework's logger
 * ({@code felix.log.logger}) it replaces Felix's default, which printed errors and their stack traces on stdout:
 * the event goes to the log (and, by etc/logback.xml, the console shows its message line without the trace). Until
 * SLF4J is there, or if it never comes, an event is one line on stderr.
 */
final class Slf4jLog extends org.apache.felix.framework.Logger
{
    private static final String[] FELIX_LEVELS = {"", "error", "warn", "info", "debug"};

    private final PrintStream err;
    private volatile BundleContext context;

    Slf4jLog(final PrintStream err)
    {
        this.err = err;
    }

    /** @param context the system bundle's context, once the framework is initialised. */
    void context(final BundleContext context)
    {
        this.context = context;
    }

    @Override
    protected void doLog(final Bundle bundle, final ServiceReference sr, final int level, final String msg,
        final Throwable throwable)
    {
        final String text = null == bundle || 0 == bundle.getBundleId() ? msg
            : "bundle " + bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]: " + msg;
        // the console shows the message line only (the trace goes to the file): keep the reason in it
        final String line = null == throwable || null == throwable.getMessage() ? text
            : text + " (" + throwable.getMessage() + ")";
        final String lvl = level >= 1 && level < FELIX_LEVELS.length ? FELIX_LEVELS[level] : "debug";
        if (!log("org.apache.felix.framework", lvl, line, throwable) && level <= 2)
        {
            err.println("felix: " + lvl.toUpperCase(Locale.ROOT) + ": " + line);
        }
    }

    /**
     * @param logger the logger name.
     * @param level error, warn, info or debug.
     * @param message the message.
     * @param throwable null, or what to log with it (its stack trace goes to the file).
     * @return whether SLF4J took it.
     */
    boolean log(final String logger, final String level, final String message, final Throwable throwable)
    {
        final BundleContext ctx = context;
        if (null == ctx)
        {
            return false;
        }
        try
        {
            for (final Bundle b : ctx.getBundles())
            {
                if ("slf4j.api".equals(b.getSymbolicName()) && Bundle.ACTIVE == b.getState())
                {
                    final Class<?> factory = b.loadClass("org.slf4j.LoggerFactory");
                    final Class<?> loggerType = b.loadClass("org.slf4j.Logger");
                    final Object l = factory.getMethod("getLogger", String.class).invoke(null, logger);
                    if (null == throwable)
                    {
                        loggerType.getMethod(level, String.class).invoke(l, message);
                    }
                    else
                    {
                        final Method m = loggerType.getMethod(level, String.class, Throwable.class);
                        m.invoke(l, message, throwable);
                    }
                    return true;
                }
            }
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            // no SLF4J (yet), or the framework is stopping: the caller falls back to the console
        }
        return false;
    }
}
