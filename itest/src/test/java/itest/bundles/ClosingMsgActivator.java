package itest.bundles;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

import platform.msgmgr.api.MsgTypeHandle;

/**
 * A well-behaved feature bundle of the message manager: registers the MULTICAST type {@value #TYPE_ID}
 * ({@value #TYPE_NAME}) on start and closes its handle on stop.
 */
public final class ClosingMsgActivator implements BundleActivator
{
    public static final String SYMBOLIC_NAME = "itest.bundles.msg.closing";
    public static final int TYPE_ID = 300;
    public static final String TYPE_NAME = "itest-mc-closing";

    private MsgTypeHandle handle;

    @Override
    public void start(final BundleContext context)
    {
        handle = CountingMsgType.start(context, TYPE_ID, TYPE_NAME);
    }

    @Override
    public void stop(final BundleContext context)
    {
        handle.close();
    }
}
