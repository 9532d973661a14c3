package platform.dist;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Tells whether the platform's core came up: its services are registered ({@link #CORE_SERVICES}), or why not.
 * <p>
 * The core bundles (symbolic name {@code platform.*}) fail in two ways: a bundle does not start (unresolved, or its
 * activator threw), or a DS component fails to activate (its constructor threw: a refused lcore layout, a control
 * socket another server holds). SCR keeps the second as {@code ComponentConfigurationDTO.failure} (DS 1.5), the
 * exception's stack trace as text, read here through {@code ServiceComponentRuntime}. The launcher's class loader
 * cannot see that API, so it is called reflectively.
 */
final class CoreCheck
{
    /** The services the platform runs on; it is running when all are registered. */
    static final List<String> CORE_SERVICES = List.of("platform.lcore.api.LcoreScheduler",
        "platform.msgmgr.api.MsgManager", "platform.sockopt.api.SockoptRegistry");
    /** Bundles whose failures stop the platform. */
    static final String CORE_BUNDLE_PREFIX = "platform.";

    private static final String SCR = "org.osgi.service.component.runtime.ServiceComponentRuntime";
    /** ComponentConfigurationDTO.FAILED_ACTIVATION (DS 1.5). */
    private static final int FAILED_ACTIVATION = 16;
    private static final String CAUSED_BY = "Caused by: ";

    private final BundleContext context;

    CoreCheck(final BundleContext context)
    {
        this.context = context;
    }

    /**
     * What went wrong: an identity (to report each failure once), one line for the console, and the details (a
     * stack trace) for the log file.
     */
    record Failure(String key, String line, String details)
    {
    }

    /**
     * @return the core services not registered yet; empty when the platform runs.
     */
    List<String> missingServices()
    {
        final List<String> missing = new ArrayList<>();
        for (final String name : CORE_SERVICES)
        {
            if (null == context.getServiceReference(name))
            {
                missing.add(name);
            }
        }
        return missing;
    }

    /**
     * @return the first failure of a core bundle or component, or null if none failed (so far).
     */
    Failure failure()
    {
        for (final Bundle b : context.getBundles())
        {
            final String bsn = b.getSymbolicName();
            if (null != bsn && bsn.startsWith(CORE_BUNDLE_PREFIX) && 0 != (b.getState() & (Bundle.INSTALLED
                | Bundle.RESOLVED)) && null == b.getHeaders().get("Fragment-Host"))
            {
                final String why = Bundle.INSTALLED == b.getState() ? "cannot be resolved (a missing package or "
                    + "capability)" : "did not start";
                return new Failure("bundle:" + b.getBundleId(), "bundle " + bsn + " " + why + " (see the log file)",
                    "bundle " + bsn + " " + why);
            }
        }
        final List<Failure> failed = componentFailures(true);
        return failed.isEmpty() ? null : failed.get(0);
    }

    /**
     * @param coreOnly only the components of the core bundles.
     * @return the component configurations that failed to activate (empty when SCR cannot tell).
     */
    List<Failure> componentFailures(final boolean coreOnly)
    {
        final List<Failure> failed = new ArrayList<>();
        final ServiceReference<?> ref = context.getServiceReference(SCR);
        if (null == ref)
        {
            return failed;
        }
        final Object scr = context.getService(ref);
        if (null == scr)
        {
            return failed;
        }
        try
        {
            final Class<?> api = scr.getClass().getClassLoader().loadClass(SCR);
            final Method descriptions = api.getMethod("getComponentDescriptionDTOs", Bundle[].class);
            final Collection<?> descs = (Collection<?>) descriptions.invoke(scr, (Object) new Bundle[0]);
            for (final Object desc : descs)
            {
                final Object bundleDto = field(desc, "bundle");
                final String bsn = null == bundleDto ? null : (String) field(bundleDto, "symbolicName");
                if (null == bsn || coreOnly && !bsn.startsWith(CORE_BUNDLE_PREFIX))
                {
                    continue;
                }
                final Method configurations = api.getMethod("getComponentConfigurationDTOs", desc.getClass());
                for (final Object cfg : (Collection<?>) configurations.invoke(scr, desc))
                {
                    if (FAILED_ACTIVATION == (Integer) field(cfg, "state"))
                    {
                        final String failure = String.valueOf(field(cfg, "failure"));
                        final String what = "component " + field(desc, "name") + " of bundle " + bsn;
                        failed.add(new Failure(what + " #" + field(cfg, "id"), cause(failure),
                            what + " failed to activate: " + failure));
                    }
                }
            }
            return failed;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            // SCR's API not as expected, or the framework stopping: no verdict, the bounded wait decides
            return failed;
        }
        finally
        {
            try
            {
                context.ungetService(ref);
            }
            catch (final RuntimeException ex)
            {
                // the framework is stopping
            }
        }
    }

    private static Object field(final Object dto, final String name) throws ReflectiveOperationException
    {
        final Field f = dto.getClass().getField(name);
        return f.get(dto);
    }

    /**
     * The messages of a stack trace's causes (what the component's code threw, below SCR's reflection wrapper),
     * joined with ": " and without repeats; a cause whose message adds nothing (none, or one already said) is named
     * by its type: {@code "cannot serve the control socket on /x.ipc: AccessDeniedException"}.
     *
     * @param trace a stack trace as text.
     * @return one line.
     */
    static String cause(final String trace)
    {
        final List<String> causes = new ArrayList<>();
        for (final String line : trace.split("\\R"))
        {
            if (line.startsWith(CAUSED_BY))
            {
                causes.add(line.substring(CAUSED_BY.length()).trim());
            }
        }
        if (causes.isEmpty())
        {
            return message(trace.split("\\R", 2)[0]);
        }
        final StringBuilder sb = new StringBuilder();
        for (final String c : causes)
        {
            String m = message(c);
            if (sb.indexOf(m) >= 0)
            {
                m = simpleType(c);
                if (sb.indexOf(m) >= 0)
                {
                    continue;
                }
            }
            if (sb.length() > 0)
            {
                sb.append(": ");
            }
            sb.append(m);
        }
        return sb.toString();
    }

    private static String simpleType(final String throwableLine)
    {
        final int colon = throwableLine.indexOf(": ");
        final String type = colon < 0 ? throwableLine : throwableLine.substring(0, colon);
        return type.substring(type.lastIndexOf('.') + 1);
    }

    /** "com.x.FooException: text" gives "text"; an exception without a message gives its simple class name. */
    private static String message(final String throwableLine)
    {
        final int colon = throwableLine.indexOf(": ");
        final String type = colon < 0 ? throwableLine.trim() : throwableLine.substring(0, colon);
        if (colon < 0 || !type.matches("[\\w.$]+"))
        {
            return colon < 0 ? type.substring(type.lastIndexOf('.') + 1) : throwableLine.trim();
        }
        return throwableLine.substring(colon + 2).trim();
    }
}
