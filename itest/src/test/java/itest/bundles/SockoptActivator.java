package itest.bundles;

import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.api.SockoptSpec;

/**
 * A feature bundle's control-socket part: GET 5000 answers its call count (u32), SET 5000 adds the u32 it gets.
 * Registered at start, closed at stop.
 */
public class SockoptActivator implements BundleActivator
{
    public static final int ID = 5000;

    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger sum = new AtomicInteger();
    private ServiceReference<SockoptRegistry> ref;
    private SockoptHandle handle;

    @Override
    public void start(final BundleContext context)
    {
        ref = context.getServiceReference(SockoptRegistry.class);
        final SockoptRegistry registry = context.getService(ref);
        handle = registry.register(SockoptSpec.builder("itest").get(ID, ID, (req, rep) ->
        {
            rep.body(8).putInt(0, calls.incrementAndGet()).putInt(4, sum.get());
            return 0;
        }).set(ID, ID, (req, rep) ->
        {
            if (req.body().remaining() != 4)
            {
                rep.message("want a u32");
                return -1;
            }
            sum.addAndGet(req.body().getInt(0));
            return 0;
        }).build());
    }

    @Override
    public void stop(final BundleContext context)
    {
        handle.close();
        context.ungetService(ref);
    }
}
