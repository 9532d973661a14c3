package platform.sockopt.api;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One request as the handler sees it. Valid only during the handler call: the server reuses it.
 */
@ProviderType
public interface SockoptRequest
{
    /**
     * @return the sockopt id.
     */
    int id();

    /**
     * @return {@link Sockopt#GET} or {@link Sockopt#SET}.
     */
    int type();

    /**
     * @return the body, little-endian, read-only, position 0, limit its length.
     */
    ByteBuffer body();
}
