package itest.bundles;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** The probe feature bundle's activator: {@link FeatureProbe} registers everything on start, closes it on stop. */
public final class FeatureProbeActivator implements BundleActivator
{
    private FeatureProbe probe;

    @Override
    public void start(final BundleContext context) throws Exception
    {
        probe = FeatureProbe.start(context);
    }

    @Override
    public void stop(final BundleContext context) throws Exception
    {
        probe.stop();
        probe = null;
    }
}
