package platform.mp.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A registered action; {@link #close()} unregisters it (idempotent).
 */
@ProviderType
public interface MpRegistration extends AutoCloseable
{
    /**
     * @return the action's name.
     */
    String name();

    /** Unregisters; once this returned the action is not called again (unless called from the action itself). */
    @Override
    void close();
}
