package itest.bundles;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

import platform.lcore.api.JobHandle;

/**
 * A well-behaved feature bundle: registers {@value #JOB_NAME} on start and closes its handle on stop.
 */
public final class ClosingJobActivator implements BundleActivator
{
    public static final String SYMBOLIC_NAME = "itest.bundles.closing";
    public static final String JOB_NAME = "itest-closing";

    private JobHandle handle;

    @Override
    public void start(final BundleContext context)
    {
        handle = CountingJob.start(context, JOB_NAME);
    }

    @Override
    public void stop(final BundleContext context)
    {
        handle.close();
    }
}
