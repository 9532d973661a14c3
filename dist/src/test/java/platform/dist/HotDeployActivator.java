package platform.dist;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * The only class of the probe bundle that {@link HotDeployIT} drops into {@code deploy/}: it says when it starts and
 * stops, on the platform's stdout.
 */
public final class HotDeployActivator implements BundleActivator
{
    static final String STARTED = "hot-deploy probe bundle started";
    static final String STOPPED = "hot-deploy probe bundle stopped";

    @Override
    public void start(final BundleContext context)
    {
        System.out.println(STARTED);
    }

    @Override
    public void stop(final BundleContext context)
    {
        System.out.println(STOPPED);
    }
}
