package platform.mp.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import platform.mp.api.MpKind;

/**
 * One decoded frame ({@link MpWire}).
 *
 * @param kind   the kind.
 * @param id     the request id.
 * @param name   the action name ("" for HELLO and ERROR).
 * @param params the parameters.
 */
public record Frame(MpKind kind, long id, String name, byte[] params)
{
    /**
     * @return an ERROR's code.
     */
    public int errorCode()
    {
        return params.length >= 2 ? ByteBuffer.wrap(params).getShort() & 0xffff : 0;
    }

    /**
     * @return an ERROR's text.
     */
    public String errorText()
    {
        return params.length > 2 ? new String(params, 2, params.length - 2, StandardCharsets.UTF_8) : "";
    }
}
