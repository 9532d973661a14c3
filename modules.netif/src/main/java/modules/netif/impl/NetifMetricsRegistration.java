package modules.netif.impl;

import java.util.Hashtable;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Registers {@link NetifMetrics} when netif is wired to the metrics endpoint's API (platform.metrics was installed
 * when netif resolved). Names no type of that API itself, so it loads without it; {@link NetifMetrics}, which
 * implements the API's interface, is only loaded once the wire is seen.
 */
final class NetifMetricsRegistration
{
    /** The API package the endpoint exports; netif imports it optionally. */
    static final String API_PACKAGE = "platform.metrics.api";

    private NetifMetricsRegistration()
    {
    }

    /**
     * @param context netif's bundle context.
     * @param core    the running core.
     * @return the registration to unregister before the core stops, or null when there is no endpoint.
     */
    static ServiceRegistration<?> registerIfWired(final BundleContext context, final NetifCore core)
    {
        if (!wired(context.getBundle()))
        {
            return null;
        }
        final Hashtable<String, Object> props = new Hashtable<>();
        props.put("metrics.source", "netif");
        final Object source = new NetifMetrics(core);
        return context.registerService(API_PACKAGE + ".MetricsSource", source, props);
    }

    private static boolean wired(final Bundle bundle)
    {
        final BundleWiring wiring = null == bundle ? null : bundle.adapt(BundleWiring.class);
        if (null == wiring)
        {
            return false;
        }
        for (final BundleWire w : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE))
        {
            if (API_PACKAGE.equals(w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE)))
            {
                return true;
            }
        }
        return false;
    }
}
