package platform.sockopt.client;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A request that got no reply. The {@link Kind} says why, for messages and exit codes.
 */
@ProviderType
public final class SockoptClientException extends IOException
{
    private static final long serialVersionUID = 1L;

    /** Why no reply came. */
    public enum Kind
    {
        /** No socket file at the path. */
        SOCKET_MISSING,
        /** A file is there but nobody listens (a platform that crashed or stopped). */
        NOT_RUNNING,
        /** Connected, but no complete reply within the timeout. */
        TIMEOUT,
        /** The reply was malformed, truncated or of another version. */
        PROTOCOL,
        /** Any other I/O failure. */
        IO
    }

    private final Kind kind;

    public SockoptClientException(final Kind kind, final String message, final Throwable cause)
    {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind()
    {
        return kind;
    }
}
