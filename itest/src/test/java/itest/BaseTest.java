package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.ops4j.pax.exam.Constants;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.tinybundles.TinyBundle;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

import itest.bundles.CountingJob;
import itest.bundles.CountingMsgType;
import platform.lcore.api.JobInfo;
import platform.lcore.api.LcoreInfo;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.LcoreState;

/**
 * Shared Pax Exam setup: the platform's runtime bundles, SLF4J first, plus helpers for bounded waits.
 * <p>
 * Each test class declares {@code @Configuration public Option[] configuration()} returning
 * {@link #baseConfiguration()} and whatever it adds (e.g. {@link #jobBundle}). The bundle versions come from the
 * root pom's properties through failsafe's {@code systemPropertyVariables}, so run these tests through Maven.
 */
public abstract class BaseTest
{
    /** Every wait for something asynchronous gives up after this long. */
    protected static final long TIMEOUT_MS = 10_000;
    /** How long a stopped job's counter must stay still. */
    /**
     * Iterations every lcore finishes in a "never again" window: the first two end any call that was under way, the
     * rest give a late call every chance to show (a count of the lcores' own work, not a time).
     */
    protected static final int QUIET_ITERATIONS = 200;

    protected static final String PLATFORM_LCORE = "platform.lcore";
    protected static final String PLATFORM_MSGMGR = "platform.msgmgr";

    private static final String TEST_BUNDLE_PROPERTY_PREFIX = "itest.testBundle.";
    private static final String IMPORT_FRAMEWORK = "org.osgi.framework;version=\"[1.10,2)\"";
    private static final String IMPORT_LCORE_API = "platform.lcore.api;version=\"[1.0,2)\"";
    private static final String IMPORT_MSGMGR_API = "platform.msgmgr.api;version=\"[2.0,3)\"";
    protected static final String IMPORT_SOCKOPT_API = "platform.sockopt.api;version=\"[1.0,2)\"";
    protected static final String IMPORT_FRAMEWORK_AND_SOCKOPT = IMPORT_FRAMEWORK + "," + IMPORT_SOCKOPT_API;

    @Inject
    protected BundleContext context;

    /**
     * A master and two forwarding workers, none pinned, all idling with backoff (the machine has 2 vCPUs): for tests
     * that check a change reaches every worker's own table.
     *
     * @param name names the file written under target/.
     * @return the framework property pointing platform.lcore at that file.
     * @throws IOException when it cannot be written.
     */
    protected static Option twoWorkerLcores(final String name) throws IOException
    {
        final Path dir = Paths.get("target").toAbsolutePath();
        Files.createDirectories(dir);
        final Path lcores = dir.resolve("lcores-" + name + "-" + System.nanoTime() + ".conf");
        Files.writeString(lcores, "lcore 0 role MASTER cpu none idle backoff\n"
            + "lcore 1 role FWD_WORKER cpu none idle backoff\nlcore 2 role FWD_WORKER cpu none idle backoff\n",
            java.nio.charset.StandardCharsets.UTF_8);
        return frameworkProperty("platform.lcore.conf").value(lcores.toString());
    }

    /**
     * @return the platform's runtime bundles and the reactor's platform.lcore and platform.msgmgr jars (in that
     * order), with {@code pax.exam.osgi.unresolved.fail=true}.
     */
    protected static Option baseConfiguration()
    {
        return composite(
            systemProperty(Constants.EXAM_FAIL_ON_UNRESOLVED_KEY).value("true"),
            // JUnit and Hamcrest as bundles, for the assertions made inside the framework
            junitBundles(),
            // Pax Exam's bundles log through pax-logging-api (DEBUG by default) or, when wired to slf4j.api, through
            // slf4j-simple: warnings only, either way
            systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
            systemProperty("org.slf4j.simpleLogger.log.org.ops4j").value("warn"),
            // without a console the shell would hit EOF on stdin and stop the framework
            frameworkProperty("gosh.args").value("--nointeractive"),

            // SLF4J 2 binds once, on first use, to the providers SPI Fly has registered by then: the mediator (a
            // framework extension, so a fragment: not started), the API and the provider go first, at start level 1.
            mavenBundle("org.apache.aries.spifly", "org.apache.aries.spifly.dynamic.framework.extension",
                version("spifly")).noStart(),
            mavenBundle("org.slf4j", "slf4j-api", version("slf4j")).startLevel(1),
            mavenBundle("org.slf4j", "slf4j-simple", version("slf4j")).startLevel(1),

            // Declarative Services and what SCR 2.2 needs as bundles
            mavenBundle("org.osgi", "org.osgi.service.component", version("osgi.service.component")),
            mavenBundle("org.osgi", "org.osgi.util.promise", version("osgi.promise")),
            mavenBundle("org.osgi", "org.osgi.util.function", version("osgi.function")),
            mavenBundle("org.apache.felix", "org.apache.felix.scr", version("scr")),
            mavenBundle("org.apache.felix", "org.apache.felix.configadmin", version("configadmin")),

            // Gogo: runtime, commands, and the plain shell
            mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime", version("gogo.runtime")),
            mavenBundle("org.apache.felix", "org.apache.felix.gogo.command", version("gogo.command")),
            mavenBundle("org.apache.felix", "org.apache.felix.gogo.shell", version("gogo.shell")),

            // platform.lcore's and platform.msgmgr's third-party dependencies
            mavenBundle("org.jctools", "jctools-core", version("jctools")),
            mavenBundle("net.java.dev.jna", "jna", version("jna")),
            mavenBundle("net.openhft", "affinity", version("affinity")),

            bundle(reactorJar("itest.platform.lcore.jar")),
            // imports platform.lcore.api; its DS component waits for the LcoreScheduler service
            bundle(reactorJar("itest.platform.msgmgr.jar")),
            // the control socket, on a path of this framework's own (never /var/run/dpvs.ipc, never another run's)
            frameworkProperty("platform.sockopt.path").value(Paths.get("target", "sockopt-" + System.nanoTime()
                + ".ipc").toAbsolutePath().toString()),
            bundle(reactorJar("itest.platform.sockopt.jar")));
    }

    /**
     * A job bundle: {@link #testBundle} with {@link CountingJob}, importing the framework and platform.lcore's API.
     *
     * @param symbolicName its symbolic name.
     * @param activator    its activator.
     * @return the option passing the jar's location to the test.
     */
    protected static Option jobBundle(final String symbolicName, final Class<? extends BundleActivator> activator)
    {
        return testBundle(symbolicName, activator, IMPORT_FRAMEWORK + "," + IMPORT_LCORE_API, CountingJob.class);
    }

    /**
     * A message bundle: {@link #testBundle} with {@link CountingMsgType}, importing the framework, platform.lcore's
     * API (for the lcore id) and platform.msgmgr's API.
     *
     * @param symbolicName its symbolic name.
     * @param activator    its activator.
     * @return the option passing the jar's location to the test.
     */
    protected static Option msgBundle(final String symbolicName, final Class<? extends BundleActivator> activator)
    {
        return testBundle(symbolicName, activator,
            IMPORT_FRAMEWORK + "," + IMPORT_LCORE_API + "," + IMPORT_MSGMGR_API, CountingMsgType.class);
    }

    /**
     * A bundle built now with TinyBundles and written to {@code itest.bundle.dir}, for a test to install with
     * {@link #installTestBundle}. Not provisioned through Pax Exam: unstarted, it would stay INSTALLED, which
     * {@code pax.exam.osgi.unresolved.fail} rejects. Not built inside the framework either: the TinyBundles bundle
     * imports bndlib and ops4j-base-store, which are no part of the platform's runtime.
     *
     * @param symbolicName  its symbolic name.
     * @param activator     its activator.
     * @param importPackage its {@code Import-Package} header.
     * @param classes       the classes packaged with the activator.
     * @return the option passing the jar's location to the test.
     */
    protected static Option testBundle(final String symbolicName, final Class<? extends BundleActivator> activator,
        final String importPackage, final Class<?>... classes)
    {
        return testBundle(symbolicName, "1.0.0", symbolicName, activator, importPackage, classes);
    }

    /**
     * {@link #testBundle(String, Class, String, Class...)} at a given version, its location passed under {@code key}
     * (several versions of one bundle, for {@code update}); {@link #testBundleLocation} reads it.
     *
     * @param symbolicName  its symbolic name.
     * @param version       its Bundle-Version.
     * @param key           the key of its location.
     * @param activator     its activator.
     * @param importPackage its {@code Import-Package} header.
     * @param classes       the classes packaged with the activator.
     * @return the option passing the jar's location to the test.
     */
    protected static Option testBundle(final String symbolicName, final String version, final String key,
        final Class<? extends BundleActivator> activator, final String importPackage, final Class<?>... classes)
    {
        final Path jar = Paths.get(required("itest.bundle.dir"), key + ".jar");
        TinyBundle bundle = TinyBundles.bundle()
            .setHeader(org.osgi.framework.Constants.BUNDLE_MANIFESTVERSION, "2")
            .symbolicName(symbolicName)
            .setHeader(org.osgi.framework.Constants.BUNDLE_VERSION, version)
            .setHeader(org.osgi.framework.Constants.IMPORT_PACKAGE, importPackage);
        for (final Class<?> c : classes)
        {
            bundle = bundle.addClass(c);
        }
        try (InputStream in = bundle.activator(activator).build(TinyBundles.rawBuilder()))
        {
            Files.createDirectories(jar.getParent());
            Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + jar, ex);
        }
        return systemProperty(TEST_BUNDLE_PROPERTY_PREFIX + key).value(jar.toUri().toString());
    }

    /**
     * @param key a version key, e.g. {@code slf4j}.
     * @return the value of the system property {@code itest.version.<key>}.
     */
    protected static String version(final String key)
    {
        return required("itest.version." + key);
    }

    protected static String reactorJar(final String property)
    {
        final File jar = new File(required(property));
        if (!jar.isFile())
        {
            throw new IllegalStateException(jar + " does not exist: build it first (mvn -pl itest -am verify)");
        }
        return jar.toURI().toString();
    }

    private static String required(final String property)
    {
        final String value = System.getProperty(property);
        if (null == value || value.isBlank())
        {
            throw new IllegalStateException("system property " + property
                + " is not set: run the tests through Maven (mvn -pl itest verify), which passes the root pom's versions");
        }
        return value;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers used inside the framework

    /**
     * Polls {@code condition} every 10 ms until it holds, failing after {@link #TIMEOUT_MS}.
     *
     * @param what      what is awaited, for the failure message.
     * @param condition the condition.
     */
    protected static void await(final String what, final BooleanSupplier condition)
    {
        await(() -> what, condition);
    }

    /**
     * Polls {@code condition} every 10 ms until it holds, failing after {@link #TIMEOUT_MS}.
     *
     * @param what      what is awaited, for the failure message: evaluated on failure, so it can show the last state.
     * @param condition the condition.
     */
    protected static void await(final Supplier<String> what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("not within " + TIMEOUT_MS + " ms: " + what.get());
            }
            sleep(10);
        }
    }

    protected static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    /**
     * Runs a Gogo command through the framework's {@link CommandProcessor}, as the shell would.
     *
     * @param processor the command processor.
     * @param command   the command line.
     * @return its result, which must be text; nothing may have been written to stderr.
     * @throws Exception what the command threw.
     */
    protected static String execute(final CommandProcessor processor, final String command) throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, err))
        {
            final Object result = session.execute(command);
            assertEquals("stderr of " + command, "", err.toString());
            assertTrue(command + " returned " + result, result instanceof String);
            return (String)result;
        }
    }

    /**
     * One of netif's packet-path counters (as {@code netif:stats} prints them), summed over the forwarding lcores.
     * An lcore busy past the snapshot's timeout shows "no answer" and no counters: it is asked again.
     *
     * @param processor the Gogo command processor.
     * @param name      the counter, e.g. {@code no_route}.
     * @return the sum.
     */
    protected static long netifCounter(final CommandProcessor processor, final String name)
    {
        try
        {
            String stats = execute(processor, "netif:stats");
            for (int i = 0; i < 50 && stats.contains("no answer"); i++)
            {
                Thread.sleep(20);
                stats = execute(processor, "netif:stats");
            }
            assertTrue(stats, !stats.contains("no answer"));
            final java.util.regex.Matcher m = java.util.regex.Pattern.compile(name + " (\\d+)").matcher(stats);
            long sum = 0;
            while (m.find())
            {
                sum += Long.parseLong(m.group(1));
            }
            return sum;
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @param client a control socket client.
     * @param id     a GET id.
     * @return true when a GET with an empty body is answered OK (false on an error code or an I/O failure).
     */
    protected static boolean getOk(final platform.sockopt.client.SockoptClient client, final int id)
    {
        try
        {
            return client.get(id, null).ok();
        }
        catch (final java.io.IOException ex)
        {
            return false;
        }
    }

    /**
     * Asserts that some line of {@code output} matches {@code rowRegex} as a whole.
     *
     * @param output   a command's output.
     * @param rowRegex the regular expression of one line.
     */
    protected static void assertRow(final String output, final String rowRegex)
    {
        final Pattern row = Pattern.compile("^" + rowRegex + "$", Pattern.MULTILINE);
        assertTrue("no row matching " + rowRegex + " in:\n" + output, row.matcher(output).find());
    }

    /**
     * Refreshes a bundle (and what is wired to it) and waits until the framework has done it.
     *
     * @param b the bundle.
     * @throws InterruptedException when interrupted while waiting.
     */
    protected void refresh(final Bundle b) throws InterruptedException
    {
        final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        context.getBundle(0).adapt(org.osgi.framework.wiring.FrameworkWiring.class).refreshBundles(List.of(b),
            e -> done.countDown());
        assertTrue("refresh of " + b.getSymbolicName(), done.await(60, TimeUnit.SECONDS));
    }

    /**
     * Waits until the garbage collector cleared every reference (class loaders of uninstalled or updated and refreshed
     * revisions: nothing of the platform may hold them), allocating to make it run; fails after 30 s naming those
     * still reachable.
     *
     * @param loaders weak references to class loaders.
     */
    protected static void awaitCollected(final List<java.lang.ref.WeakReference<ClassLoader>> loaders)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (loaders.stream().anyMatch(r -> null != r.get()))
        {
            if (System.nanoTime() > deadline)
            {
                final StringBuilder sb = new StringBuilder();
                loaders.forEach(r -> sb.append(' ').append(r.get()));
                fail("class loaders still reachable:" + sb);
            }
            System.gc();
            final byte[][] garbage = new byte[64][];
            for (int i = 0; i < garbage.length; i++)
            {
                garbage[i] = new byte[1 << 20];
            }
            sleep(100);
        }
    }

    /**
     * Waits until every configured lcore is RUNNING.
     *
     * @param scheduler the scheduler.
     */
    protected static void awaitLcoresRunning(final LcoreScheduler scheduler)
    {
        await(() -> "every lcore RUNNING; lcores: " + scheduler.lcores(), () ->
        {
            final List<LcoreInfo> lcores = scheduler.lcores();
            for (final LcoreInfo l : lcores)
            {
                if (LcoreState.RUNNING != l.state())
                {
                    return false;
                }
            }
            return !lcores.isEmpty();
        });
    }

    /**
     * @param symbolicName a symbolic name.
     * @return the installed bundle of that name.
     */
    protected Bundle installedBundle(final String symbolicName)
    {
        for (final Bundle b : context.getBundles())
        {
            if (symbolicName.equals(b.getSymbolicName()))
            {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " installed");
    }

    /**
     * Installs a bundle made by {@link #jobBundle} (the test class's configuration must include it).
     *
     * @param symbolicName its symbolic name.
     * @return the installed bundle, not started.
     * @throws BundleException when the framework refuses it.
     */
    protected Bundle installJobBundle(final String symbolicName) throws BundleException
    {
        return installTestBundle(symbolicName);
    }

    /**
     * Installs a bundle made by {@link #testBundle}, {@link #jobBundle} or {@link #msgBundle} (the test class's
     * configuration must include it).
     *
     * @param symbolicName its symbolic name.
     * @return the installed bundle, not started.
     * @throws BundleException when the framework refuses it.
     */
    protected Bundle installTestBundle(final String symbolicName) throws BundleException
    {
        return context.installBundle(required(TEST_BUNDLE_PROPERTY_PREFIX + symbolicName));
    }

    /**
     * @param key the key a {@link #testBundle(String, String, String, Class, String, Class...)} was built under.
     * @return the jar's location (a URI).
     */
    protected static String testBundleLocation(final String key)
    {
        return required(TEST_BUNDLE_PROPERTY_PREFIX + key);
    }

    /**
     * Waits for a service and gets it for the test bundle (the probe).
     *
     * @param type the service interface.
     * @param <T>  its type.
     * @return the service.
     */
    protected <T> T awaitService(final Class<T> type)
    {
        return awaitService(type, "");
    }

    /**
     * Waits for a service and gets it for the test bundle (the probe).
     *
     * @param type       the service interface.
     * @param properties a filter on its properties, e.g. {@code (name=x)}, or "".
     * @param <T>        its type.
     * @return the service.
     */
    protected <T> T awaitService(final Class<T> type, final String properties)
    {
        final String filter = "(&(objectClass=" + type.getName() + ")" + properties + ")";
        final ServiceTracker<T, T> tracker;
        try
        {
            tracker = new ServiceTracker<>(context, context.createFilter(filter), null);
        }
        catch (final InvalidSyntaxException ex)
        {
            throw new IllegalArgumentException(ex);
        }
        tracker.open();
        try
        {
            assertNotNull("no service " + filter + " within " + TIMEOUT_MS + " ms", tracker.waitForService(TIMEOUT_MS));
            // got again outside the tracker, which ungets it on close
            return context.getService(tracker.getServiceReference());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
        finally
        {
            tracker.close();
        }
    }

    /**
     * Gets what a job bundle's {@link CountingJob} observed, as published by the bundle.
     *
     * @param jobName the job's name.
     * @return a live view; still usable after the bundle stopped.
     */
    @SuppressWarnings("unchecked")
    protected Supplier<Map<String, Object>> awaitJobObserver(final String jobName)
    {
        return awaitService(Supplier.class, "(" + CountingJob.JOB_PROPERTY + "=" + jobName + ")");
    }

    protected static long calls(final Supplier<Map<String, Object>> job)
    {
        return (Long)job.get().get(CountingJob.CALLS);
    }

    /**
     * Waits until every running lcore has finished {@code n} more iterations than when called.
     *
     * @param scheduler the scheduler.
     * @param n         iterations.
     */
    protected static void awaitIterations(final LcoreScheduler scheduler, final int n)
    {
        final Map<Integer, Long> at = new java.util.HashMap<>();
        for (final LcoreInfo l : scheduler.lcores())
        {
            if (LcoreState.RUNNING == l.state())
            {
                at.put(l.id(), l.loops());
            }
        }
        await(() -> n + " more iterations of lcores " + at.keySet() + "; lcores: " + scheduler.lcores(), () ->
        {
            for (final LcoreInfo l : scheduler.lcores())
            {
                final Long start = at.get(l.id());
                if (null != start && l.loops() < start + n)
                {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * Asserts that a job is not called any more: its count does not move while every lcore runs
     * {@link #QUIET_ITERATIONS} more iterations.
     *
     * @param scheduler the scheduler.
     * @param job       the job's observer.
     */
    protected static void assertNeverCalledAgain(final LcoreScheduler scheduler,
        final Supplier<Map<String, Object>> job)
    {
        final long before = calls(job);
        awaitIterations(scheduler, QUIET_ITERATIONS);
        final long after = calls(job);
        if (after != before)
        {
            fail("the job was called " + (after - before) + " more times in the " + QUIET_ITERATIONS
                + " lcore iterations after it was "
                + "removed");
        }
    }

    /**
     * @param scheduler the scheduler.
     * @param jobName   a job name.
     * @return the per-lcore rows of that job in {@code jobs(-1)}.
     */
    protected static List<JobInfo> jobRows(final LcoreScheduler scheduler, final String jobName)
    {
        final List<JobInfo> rows = new ArrayList<>();
        for (final JobInfo j : scheduler.jobs(-1))
        {
            if (j.name().equals(jobName))
            {
                rows.add(j);
            }
        }
        return rows;
    }
}
