package itest.bundles;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A careless feature bundle: registers {@value #JOB_NAME} on start and forgets the handle, so only the
 * bundle-scoped scheduler service's cleanup can remove the job when the bundle stops.
 */
public final class LeakingJobActivator implements BundleActivator
{
    public static final String SYMBOLIC_NAME = "itest.bundles.leaking";
    public static final String JOB_NAME = "itest-leaking";

    @Override
    public void start(final BundleContext context)
    {
        CountingJob.start(context, JOB_NAME);
    }

    @Override
    public void stop(final BundleContext context)
    {
        // the job's handle is not closed, on purpose
    }
}
