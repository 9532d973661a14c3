package platform.sockopt.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A registration. {@link #close()} removes both ranges; once it returns, neither handler is called again (a request
 * being handled on the master lcore is waited for, unless close is called from that handler).
 */
@ProviderType
public interface SockoptHandle extends AutoCloseable
{
    /**
     * @return the registered spec.
     */
    SockoptSpec spec();

    /** Unregisters; idempotent. */
    @Override
    void close();
}
