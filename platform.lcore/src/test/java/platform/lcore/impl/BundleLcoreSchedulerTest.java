package platform.lcore.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.Test;
import org.osgi.framework.BundleContext;

import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;

/**
 * The per-bundle service facade, open-box: the framework collaborators are proxies (no framework).
 */
public class BundleLcoreSchedulerTest
{
    @SuppressWarnings("unchecked")
    private static <T> T proxy(final Class<T> type, final java.util.function.Function<String, Object> answers)
    {
        return (T)Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
            (p, m, args) -> answers.apply(m.getName()));
    }

    @Test(timeout = 20_000)
    public void shouldCloseLeftoverJobsOnReleaseAndRefuseLaterRegistrations() throws Exception
    {
        final BundleContext bc = proxy(BundleContext.class, name -> null);
        final LcoreRuntime.Config config = proxy(LcoreRuntime.Config.class,
            name -> "conf_file".equals(name) ? "" : "stop_timeout_ms".equals(name) ? 5000L : null);
        final LcoreRuntime runtime = new LcoreRuntime(bc, config);
        try
        {
            final BundleLcoreScheduler service = new BundleLcoreScheduler(runtime.scheduler(), "bundle-x/1.0.0");
            final AtomicLong kept = new AtomicLong();
            final AtomicLong closed = new AtomicLong();
            final JobHandle left = service.register(JobSpec.loop("left", LcoreRole.FWD_WORKER, id ->
            {
                kept.incrementAndGet();
                return 0;
            }));
            final JobHandle tidy = service.register(JobSpec.loop("tidy", LcoreRole.FWD_WORKER, id ->
            {
                closed.incrementAndGet();
                return 0;
            }));
            Layouts.await("both jobs run", () -> kept.get() > 0 && closed.get() > 0);
            assertEquals("bundle-x/1.0.0", service.jobs(1).get(0).owner());
            tidy.close();
            assertFalse(tidy.isRegistered());
            assertTrue(left.isRegistered());

            service.release();
            assertFalse(left.isRegistered());
            final long at = kept.get();
            Layouts.awaitIterations(runtime.scheduler(), 2, runtime.scheduler().lcoreIds(LcoreRole.FWD_WORKER));
            assertEquals(at, kept.get());
            assertTrue(runtime.scheduler().entries().isEmpty());
            try
            {
                service.register(JobSpec.loop("late", LcoreRole.FWD_WORKER, id -> 0));
                fail("registered after release");
            }
            catch (final IllegalStateException ex)
            {
                assertTrue(ex.getMessage(), ex.getMessage().startsWith("bundle-x/1.0.0 released the lcore scheduler service"));
            }
            assertTrue(runtime.scheduler().entries().isEmpty());
        }
        finally
        {
            runtime.deactivate();
        }
    }
}
