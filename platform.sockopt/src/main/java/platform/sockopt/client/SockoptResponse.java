package platform.sockopt.client;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A reply from the control socket.
 *
 * @param version the reply's version (checked by the client: {@code Sockopt.VERSION}).
 * @param id      the id the server echoed.
 * @param type    the type the server echoed.
 * @param errcode 0, or a negative EDPVS_* code (then the body is empty).
 * @param errstr  the server's text for errcode ("OK" on success).
 * @param body    the reply body.
 */
@ProviderType
public record SockoptResponse(int version, int id, int type, int errcode, String errstr, byte[] body)
{
    /**
     * @return true when errcode is 0.
     */
    public boolean ok()
    {
        return 0 == errcode;
    }

    /**
     * @return the body as a little-endian buffer.
     */
    public ByteBuffer buffer()
    {
        return ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    }
}
