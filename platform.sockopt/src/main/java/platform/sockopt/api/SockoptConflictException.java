package platform.sockopt.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A registration whose range overlaps a registered range of the same type. DPVS exits here; the platform refuses
 * the registration and keeps running.
 */
@ProviderType
public final class SockoptConflictException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    private final transient SockoptRange holder;

    public SockoptConflictException(final String message, final SockoptRange holder)
    {
        super(message);
        this.holder = holder;
    }

    /**
     * @return the range already registered.
     */
    public SockoptRange holder()
    {
        return holder;
    }
}
