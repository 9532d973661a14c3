package platform.dist;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Starts the framework, installs the bundles by start level, and either waits for the framework to stop or runs one
 * Gogo command ({@code --exec}).
 */
final class PlatformRunner
{
    private static final String COMMAND_PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String COMMAND_SESSION = "org.apache.felix.service.command.CommandSession";
    /** Gogo's Converter.INSPECT: the full, multi-line rendering of a result, as the shell prints it. */
    private static final int INSPECT = 0;
    /** The command name at the start of a command line: {@code name} or {@code scope:name}. */
    private static final Pattern COMMAND_NAME = Pattern.compile("^\\s*(?:([A-Za-z_][\\w.\\-]*):)?([A-Za-z_][\\w.\\-]*)"
        + "(?=\\s|;|\\||$)(?!\\s*=)");

    private final Map<String, String> config;
    private final SortedMap<Integer, List<Path>> bundles;
    private final PrintStream out;
    private final PrintStream err;
    private final long stopTimeoutMs;
    private volatile Framework framework;
    /** The framework's logger, and the launcher's way into the platform's log. */
    private final Slf4jLog felixLog;
    /** The code given to the shell's {@code exit}, or -1. */
    private volatile int exitCode = -1;

    PlatformRunner(final Map<String, String> config, final SortedMap<Integer, List<Path>> bundles,
        final PrintStream out, final PrintStream err, final long stopTimeoutMs)
    {
        this.config = config;
        this.bundles = bundles;
        this.out = out;
        this.err = err;
        this.stopTimeoutMs = stopTimeoutMs;
        this.felixLog = new Slf4jLog(err);
    }

    /**
     * @param exec the {@code --exec} command line, or null to run until the framework stops.
     * @param execTimeoutMs how long to wait for the command to be registered.
     * @param execDelayMs how long to wait after that before running it.
     * @param startTimeoutMs how long the core services may take to be registered.
     * @param interactive whether a person is at the Gogo shell: a platform that is not running then keeps the
     *        shell (and says so) instead of exiting.
     * @return the process exit code.
     */
    int run(final String exec, final long execTimeoutMs, final long execDelayMs, final long startTimeoutMs,
        final boolean interactive)
    {
        final Iterator<FrameworkFactory> factories = ServiceLoader.load(FrameworkFactory.class,
            PlatformRunner.class.getClassLoader()).iterator();
        if (!factories.hasNext())
        {
            err.println("platform: no OSGi FrameworkFactory on the class path (lib/ is incomplete)");
            return Launcher.EXIT_USAGE;
        }
        // Felix takes its logger object from the configuration map (felix.log.logger)
        final Map<String, Object> withLogger = new java.util.HashMap<>(config);
        withLogger.put("felix.log.logger", felixLog);
        @SuppressWarnings({"unchecked", "rawtypes"})
        final Map<String, String> cfg = (Map) withLogger;
        final Framework fw = factories.next().newFramework(cfg);
        framework = fw;
        final Thread hook = new Thread(this::stopOnShutdown, "platform-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            fw.init();
            felixLog.context(fw.getBundleContext());
            registerLogCommands(fw.getBundleContext());
            registerShellCommands(fw);
            install(fw.getBundleContext());
            fw.start();
        }
        catch (final BundleException | RuntimeException ex)
        {
            err.println("platform: the framework did not start: " + ex);
            ex.printStackTrace(err);
            stop(fw);
            return Launcher.EXIT_FAILED;
        }

        final CoreCheck.Failure failure = awaitCore(fw, startTimeoutMs);
        if (null == failure || interactive)
        {
            watchComponents(fw, null == failure ? null : failure.key());
        }
        if (null != failure)
        {
            felixLog.log("platform.dist.Launcher", "error", "platform not running: " + failure.details(), null);
            err.println("platform: not running: " + failure.line());
            if (!interactive)
            {
                stop(fw);
                return Launcher.EXIT_FAILED;
            }
            err.println("platform: the Gogo shell stays up; 'exit 1' or Ctrl-D stops the process");
        }

        if (null != exec)
        {
            final int code = exec(fw.getBundleContext(), exec, execTimeoutMs, execDelayMs);
            stop(fw);
            return code;
        }
        try
        {
            final FrameworkEvent event = fw.waitForStop(0);
            final int code = exitCode;
            if (code >= 0)
            {
                return code;
            }
            return FrameworkEvent.ERROR == event.getType() ? Launcher.EXIT_FAILED : Launcher.EXIT_OK;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return Launcher.EXIT_FAILED;
        }
    }

    /**
     * Waits until the core services are registered, a core bundle or component has failed, or the time is up.
     *
     * @return null when the platform runs (or the framework stopped meanwhile), else what went wrong.
     */
    private static CoreCheck.Failure awaitCore(final Framework fw, final long timeoutMs)
    {
        final CoreCheck check = new CoreCheck(fw.getBundleContext());
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        try
        {
            while (Bundle.ACTIVE == fw.getState())
            {
                final List<String> missing = check.missingServices();
                if (missing.isEmpty())
                {
                    return null;
                }
                final CoreCheck.Failure f = check.failure();
                if (null != f)
                {
                    return f;
                }
                if (System.nanoTime() - deadline > 0)
                {
                    final String what = "core services not registered after " + timeoutMs + " ms: "
                        + String.join(", ", missing);
                    return new CoreCheck.Failure("timeout", what + " (see the log file; -D"
                        + Launcher.START_TIMEOUT_PROPERTY + " sets the wait)", what);
                }
                Thread.sleep(50);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final IllegalStateException ex)
        {
            // the framework stopped under the check (its context is no longer valid)
        }
        return null;
    }

    /**
     * Reports DS components that fail to activate while the platform runs (a hot-deployed feature bundle, a
     * ConfigAdmin change), as SCR would if its own log were on: one line on the console through the log (logger
     * {@code platform.dist.Components}), the stack trace in the file. SCR has no event for it, so its state is read
     * once a second by a daemon thread, for as long as the framework runs.
     *
     * @param reported the failure the launcher has already reported, or null.
     */
    private void watchComponents(final Framework fw, final String reported)
    {
        final CoreCheck check = new CoreCheck(fw.getBundleContext());
        final java.util.Set<String> seen = new java.util.HashSet<>();
        if (null != reported)
        {
            seen.add(reported);
        }
        final Thread t = new Thread(() -> {
            try
            {
                while (Bundle.ACTIVE == fw.getState())
                {
                    final java.util.Set<String> now = new java.util.HashSet<>();
                    for (final CoreCheck.Failure f : check.componentFailures(false))
                    {
                        now.add(f.key());
                        if (seen.add(f.key()))
                        {
                            felixLog.log("platform.dist.Components", "error", f.key().replaceFirst(" #\\d+$", "")
                                + " failed to activate: " + f.line() + " (stack trace in the log file)", null);
                            felixLog.log("platform.dist.Launcher", "error", f.details(), null);
                        }
                    }
                    // a component that recovers and fails again is reported again
                    seen.retainAll(now);
                    if (null != reported)
                    {
                        seen.add(reported);
                    }
                    Thread.sleep(1000);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            catch (final IllegalStateException ex)
            {
                // the framework stopped under the watch
            }
        }, "platform-component-watch");
        t.setDaemon(true);
        t.start();
    }

    /** Registers the shell's {@code exit [code]}: records the code and stops the framework (asynchronously). */
    private void registerShellCommands(final Framework fw)
    {
        final java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put("osgi.command.scope", ShellCommands.SCOPE);
        props.put("osgi.command.function", ShellCommands.FUNCTIONS);
        fw.getBundleContext().registerService(ShellCommands.class, new ShellCommands(code -> {
            exitCode = code;
            try
            {
                // Felix stops the bundles on a thread of its own; this returns at once
                fw.stop();
            }
            catch (final BundleException ex)
            {
                err.println("platform: stopping the framework failed: " + ex);
            }
        }), props);
    }

    /** Registers {@code log:tail} on the current log file. */
    private static void registerLogCommands(final BundleContext context)
    {
        final String file = System.getProperty(Launcher.LOG_FILE_PROPERTY);
        if (null == file)
        {
            return;
        }
        final java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put("osgi.command.scope", LogCommands.SCOPE);
        props.put("osgi.command.function", LogCommands.FUNCTIONS);
        context.registerService(LogCommands.class, new LogCommands(java.nio.file.Paths.get(file)), props);
    }

    /**
     * Installs every jar, bundle/1 first; each gets the start level of its folder and is marked for start, except
     * fragments (such as the SPI Fly framework extension), which are only installed.
     */
    private void install(final BundleContext context) throws BundleException
    {
        for (final Map.Entry<Integer, List<Path>> level : bundles.entrySet())
        {
            for (final Path jar : level.getValue())
            {
                final Bundle b;
                try
                {
                    b = context.installBundle(jar.toUri().toString());
                }
                catch (final BundleException ex)
                {
                    throw new BundleException("cannot install " + jar + ": " + ex.getMessage(), ex);
                }
                if (null != b.getHeaders().get(Constants.FRAGMENT_HOST))
                {
                    continue;
                }
                b.adapt(BundleStartLevel.class).setStartLevel(level.getKey());
                try
                {
                    b.start();
                }
                catch (final BundleException ex)
                {
                    // not fatal: the framework logs it again when the start level is reached and it still fails
                    err.println("platform: " + b.getSymbolicName() + " cannot be marked for start: " + ex.getMessage());
                }
            }
        }
    }

    /**
     * Runs one command through the Gogo CommandProcessor, once the command is registered and a settle delay later
     * (threads that components start, such as the lcores, have no readiness signal to wait for). The launcher's class
     * loader cannot see Gogo's API, so the service is called reflectively through its own interfaces.
     */
    private int exec(final BundleContext context, final String command, final long timeoutMs, final long delayMs)
    {
        final Matcher m = COMMAND_NAME.matcher(command);
        final String filter;
        final String what;
        if (m.find())
        {
            final String function = "(osgi.command.function=" + m.group(2) + ")";
            filter = null == m.group(1) ? function : "(&(osgi.command.scope=" + m.group(1) + ")" + function + ")";
            what = "command '" + (null == m.group(1) ? "" : m.group(1) + ":") + m.group(2) + "'";
        }
        else
        {
            filter = null;
            what = "Gogo";
        }

        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        ServiceReference<?> processorRef = null;
        ServiceReference<?> commandRef = null;
        try
        {
            while (true)
            {
                processorRef = context.getServiceReference(COMMAND_PROCESSOR);
                final ServiceReference<?>[] commands = null == filter ? null
                    : context.getServiceReferences((String) null, filter);
                if (null != processorRef && (null == filter || null != commands))
                {
                    if (null != commands)
                    {
                        // the one Gogo calls: highest ranking, then lowest service id
                        commandRef = Arrays.stream(commands).max(Comparator.naturalOrder()).orElseThrow();
                    }
                    break;
                }
                if (System.nanoTime() - deadline > 0)
                {
                    err.println("platform: " + what + " not available after " + timeoutMs + " ms; is the bundle "
                        + "providing it installed and active? (see the log above; -D" + Launcher.EXEC_TIMEOUT_PROPERTY
                        + " sets the wait)");
                    return Launcher.EXIT_TIMEOUT;
                }
                Thread.sleep(50);
            }
            // the command is there, but what it reports may still be starting (lcore threads go NEW, INIT, RUNNING)
            Thread.sleep(delayMs);
        }
        catch (final InvalidSyntaxException ex)
        {
            err.println("platform: bad command name in '" + command + "': " + ex.getMessage());
            return Launcher.EXIT_USAGE;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return Launcher.EXIT_FAILED;
        }

        // A registered command can still be unusable: a DS component whose activation failed keeps (or lets its
        // dependants keep) a registered service, and getService returns null. Holding the command's service also
        // keeps a delayed component from being deactivated between this check and the call.
        if (null != commandRef && null == context.getService(commandRef))
        {
            err.println("platform: " + what + " is registered but its service cannot be obtained (its component "
                + "failed to activate? see the log above)");
            return Launcher.EXIT_TIMEOUT;
        }
        final Object processor = context.getService(processorRef);
        if (null == processor)
        {
            err.println("platform: the Gogo CommandProcessor went away");
            ungetQuietly(context, commandRef);
            return Launcher.EXIT_FAILED;
        }
        try
        {
            final Object session = invoke(processor, COMMAND_PROCESSOR, "createSession",
                new Class<?>[] {InputStream.class, OutputStream.class, OutputStream.class},
                new ByteArrayInputStream(new byte[0]), out, err);
            try
            {
                final Object result = invoke(session, COMMAND_SESSION, "execute", new Class<?>[] {CharSequence.class},
                    command);
                if (null != result)
                {
                    final Object text = invoke(session, COMMAND_SESSION, "format",
                        new Class<?>[] {Object.class, int.class}, result, INSPECT);
                    final String s = String.valueOf(text);
                    out.print(s.endsWith("\n") ? s : s + System.lineSeparator());
                }
                out.flush();
                return Launcher.EXIT_OK;
            }
            finally
            {
                try
                {
                    invoke(session, COMMAND_SESSION, "close", new Class<?>[0]);
                }
                catch (final InvocationTargetException | RuntimeException ex)
                {
                    // closing a finished session is best effort
                }
            }
        }
        catch (final InvocationTargetException ex)
        {
            final Throwable cause = null == ex.getCause() ? ex : ex.getCause();
            out.flush();
            err.println("platform: '" + command + "' failed: " + cause);
            return Launcher.EXIT_FAILED;
        }
        finally
        {
            ungetQuietly(context, processorRef);
            ungetQuietly(context, commandRef);
        }
    }

    private static void ungetQuietly(final BundleContext context, final ServiceReference<?> ref)
    {
        if (null != ref)
        {
            try
            {
                context.ungetService(ref);
            }
            catch (final RuntimeException ex)
            {
                // the framework is stopping or the service is gone
            }
        }
    }

    /**
     * Calls {@code method} through the public interface {@code iface} that {@code target} implements (its class is
     * private to its bundle), falling back to the class's own public method.
     */
    private static Object invoke(final Object target, final String iface, final String method,
        final Class<?>[] types, final Object... args) throws InvocationTargetException
    {
        Method mth = null;
        for (Class<?> c = target.getClass(); null != c && null == mth; c = c.getSuperclass())
        {
            mth = findInInterfaces(c, iface, method, types);
        }
        try
        {
            if (null == mth)
            {
                mth = target.getClass().getMethod(method, types);
                mth.setAccessible(true);
            }
            return mth.invoke(target, args);
        }
        catch (final NoSuchMethodException | IllegalAccessException ex)
        {
            throw new IllegalStateException("Gogo API mismatch: " + iface + "." + method + " not callable on "
                + target.getClass().getName(), ex);
        }
    }

    private static Method findInInterfaces(final Class<?> c, final String iface, final String method,
        final Class<?>[] types)
    {
        for (final Class<?> i : c.getInterfaces())
        {
            if (iface.equals(i.getName()))
            {
                try
                {
                    return i.getMethod(method, types);
                }
                catch (final NoSuchMethodException ex)
                {
                    return null;
                }
            }
            final Method m = findInInterfaces(i, iface, method, types);
            if (null != m)
            {
                return m;
            }
        }
        return null;
    }

    /** Shutdown hook (SIGTERM, Ctrl-C, System.exit): stops the bundles cleanly if the framework still runs. */
    private void stopOnShutdown()
    {
        final Framework fw = framework;
        if (null != fw && 0 != (fw.getState() & (Bundle.STARTING | Bundle.ACTIVE)))
        {
            stop(fw);
        }
    }

    private void stop(final Framework fw)
    {
        try
        {
            fw.stop();
            final FrameworkEvent e = fw.waitForStop(stopTimeoutMs);
            if (FrameworkEvent.WAIT_TIMEDOUT == e.getType())
            {
                err.println("platform: the framework did not stop within " + stopTimeoutMs + " ms");
            }
        }
        catch (final BundleException | RuntimeException ex)
        {
            err.println("platform: stopping the framework failed: " + ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
