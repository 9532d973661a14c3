package modules.netif.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A registered hook. Closing it removes the hook; once {@code close()} returns, the hook is never called again.
 */
@ProviderType
public interface HookHandle extends AutoCloseable
{
    /** @return where it runs. */
    HookPoint point();

    /** @return its priority: lower runs first. */
    int priority();

    /** @return its name. */
    String name();

    /** @return true until closed. */
    boolean isRegistered();

    /** Removes the hook and waits until no lcore can still be inside a call of it; idempotent. */
    @Override
    void close();
}
