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
 * @param fds    the file descriptors received with it (owned by whoever takes the frame).
 */
public record Frame(MpKind kind, long id, String name, byte[] params, int[] fds)
{
    /** No fds. */
    public static final int[] NO_FDS = new int[0];

    /**
     * A frame without fds.
     *
     * @param kind   the kind.
     * @param id     the request id.
     * @param name   the action name.
     * @param params the parameters.
     */
    public Frame(final MpKind kind, final long id, final String name, final byte[] params)
    {
        this(kind, id, name, params, NO_FDS);
    }

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
