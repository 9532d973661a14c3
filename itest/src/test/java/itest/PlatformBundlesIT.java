package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.Version;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

import platform.lcore.api.LcoreInfo;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;

/**
 * The platform's runtime comes up whole: every bundle active, the scheduler service registered, the default lcores
 * running, and SLF4J bound to slf4j-simple.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PlatformBundlesIT extends BaseTest
{
    /** Symbolic names of the configuration's bundles (see {@link BaseTest#baseConfiguration()}). */
    private static final String[] CONFIGURED = {
        "org.apache.aries.spifly.dynamic.framework.extension", "slf4j.api", "slf4j.simple",
        "org.osgi.service.component", "org.osgi.util.promise", "org.osgi.util.function", "org.apache.felix.scr",
        "org.apache.felix.configadmin", "org.apache.felix.gogo.runtime", "org.apache.felix.gogo.command",
        "org.apache.felix.gogo.shell", "org.jctools.core", "com.sun.jna", "net.openhft.affinity", PLATFORM_LCORE,
        PLATFORM_MSGMGR};

    @Inject
    private LcoreScheduler scheduler;

    @Configuration
    public Option[] configuration()
    {
        return options(baseConfiguration());
    }

    @Test
    public void everyBundleIsActiveAndFragmentsAreResolved()
    {
        final Map<String, Bundle> byName = new TreeMap<>();
        for (final Bundle b : context.getBundles())
        {
            byName.put(b.getSymbolicName(), b);
        }
        for (final String name : CONFIGURED)
        {
            assertTrue(name + " is not installed; installed: " + byName.keySet(), byName.containsKey(name));
        }
        // not only the configured ones: Pax Exam's own bundles and the probe too
        final List<String> wrong = new ArrayList<>();
        for (final Bundle b : context.getBundles())
        {
            final boolean fragment = 0 != (b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT);
            final int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (b.getState() != expected)
            {
                wrong.add(b.getSymbolicName() + " " + b.getVersion() + " state " + b.getState() + " (expected "
                    + expected + ")");
            }
        }
        assertTrue("bundles in the wrong state: " + wrong, wrong.isEmpty());
    }

    @Test
    public void schedulerRunsTheDefaultLcores()
    {
        assertEquals(0, scheduler.masterLcoreId());
        awaitLcoresRunning(scheduler);
        final List<LcoreInfo> lcores = scheduler.lcores();
        assertEquals("the embedded default layout has two lcores: " + lcores, 2, lcores.size());
        assertEquals(0, lcores.get(0).id());
        assertEquals(LcoreRole.MASTER, lcores.get(0).role());
        assertEquals(1, lcores.get(1).id());
        assertEquals(LcoreRole.FWD_WORKER, lcores.get(1).role());
        assertEquals(1, scheduler.lcoreIds(LcoreRole.FWD_WORKER).length);
        assertEquals(1, scheduler.lcoreIds(LcoreRole.FWD_WORKER)[0]);
        assertEquals("the test thread is no lcore", -1, scheduler.currentLcoreId());
    }

    /**
     * SLF4J is checked where platform.lcore, platform.msgmgr and affinity see it: their org.slf4j import must be wired
     * to slf4j.api 2 (not to pax-logging's 1.7 exporter), and that LoggerFactory must have bound slf4j-simple's
     * provider.
     */
    @Test
    public void slf4jIsBoundToSlf4jSimple() throws Exception
    {
        for (final String user : new String[] {PLATFORM_LCORE, PLATFORM_MSGMGR, "net.openhft.affinity"})
        {
            final BundleWire wire = packageWire(installedBundle(user), "org.slf4j");
            final Bundle api = wire.getProvider().getBundle();
            assertEquals(user + " imports org.slf4j from", "slf4j.api", api.getSymbolicName());
            final Version version = (Version)wire.getCapability().getAttributes()
                .get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE);
            assertEquals(user + " imports org.slf4j " + version, 2, version.getMajor());
        }

        final Bundle api = packageWire(installedBundle(PLATFORM_LCORE), "org.slf4j").getProvider().getBundle();
        final Object factory = api.loadClass("org.slf4j.LoggerFactory").getMethod("getILoggerFactory").invoke(null);
        assertEquals("SLF4J is not bound to slf4j-simple (NOP or substitute?)", "org.slf4j.simple.SimpleLoggerFactory",
            factory.getClass().getName());
        final Bundle provider = FrameworkUtil.getBundle(factory.getClass());
        assertEquals("the provider class must come from the slf4j.simple bundle, not the host class path",
            "slf4j.simple", null == provider ? null : provider.getSymbolicName());
    }

    private static BundleWire packageWire(final Bundle bundle, final String packageName)
    {
        final BundleWiring wiring = bundle.adapt(BundleWiring.class);
        for (final BundleWire w : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE))
        {
            if (packageName.equals(w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE)))
            {
                return w;
            }
        }
        throw new AssertionError(bundle.getSymbolicName() + " has no wire for package " + packageName);
    }
}
