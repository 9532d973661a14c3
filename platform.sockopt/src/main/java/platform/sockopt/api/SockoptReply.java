package platform.sockopt.api;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The reply a GET handler fills. Valid only during the handler call.
 */
@ProviderType
public interface SockoptReply
{
    /**
     * Reserves the reply body.
     *
     * @param length its exact length in bytes (at most the configured maximum reply length).
     * @return a little-endian buffer of that length at position 0, zero-filled; the whole of it is sent.
     * @throws IllegalArgumentException when the length is negative or over the maximum.
     */
    ByteBuffer body(int length);

    /**
     * Replaces the error text sent with a failure code (DPVS's {@code dpvs_strerror} text by default).
     *
     * @param message at most 63 bytes of it are sent.
     */
    void message(String message);
}
