package itest.bundles;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A careless feature bundle of the message manager: registers the MULTICAST type {@value #TYPE_ID}
 * ({@value #TYPE_NAME}) on start and forgets the handle, so only the bundle-scoped MsgManager service's cleanup can
 * remove the type when the bundle stops.
 */
public final class LeakingMsgActivator implements BundleActivator
{
    public static final String SYMBOLIC_NAME = "itest.bundles.msg.leaking";
    public static final int TYPE_ID = 301;
    public static final String TYPE_NAME = "itest-mc-leaking";

    @Override
    public void start(final BundleContext context)
    {
        CountingMsgType.start(context, TYPE_ID, TYPE_NAME);
    }

    @Override
    public void stop(final BundleContext context)
    {
        // the type's handle is not closed, on purpose
    }
}
