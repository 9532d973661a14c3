package platform.mp.client;

import java.io.IOException;

/**
 * Bytes on the socket that are not a valid frame: the reader answers an ERROR with {@link #code()} and closes.
 */
public final class MpProtocolException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final int code;

    /**
     * @param code    an {@code MpWire.ERR_*} code.
     * @param message what was wrong.
     */
    public MpProtocolException(final int code, final String message)
    {
        super(message);
        this.code = code;
    }

    /**
     * @return the {@code MpWire.ERR_*} code.
     */
    public int code()
    {
        return code;
    }
}
