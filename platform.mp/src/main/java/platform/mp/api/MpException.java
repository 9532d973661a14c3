package platform.mp.api;

/**
 * A failure of the channel, with DPDK's errno for it where there is one.
 */
public class MpException extends RuntimeException
{
    /** A bad name (empty or over 64 bytes) or argument: EINVAL. */
    public static final int INVALID = 22;
    /** The parameters are over the maximum: E2BIG. */
    public static final int TOO_BIG = 7;
    /** The action name is taken: EEXIST. */
    public static final int EXISTS = 17;
    /** A synchronous request from an action or callback (the I/O thread or the dispatch thread): EDEADLK. */
    public static final int IN_CALLBACK = 35;
    /** Not connected to the primary, or the channel is closed: ENOTCONN. */
    public static final int NOT_CONNECTED = 107;
    /** File descriptors where they cannot be passed (no JNA, or a peer that takes none): ENOTSUP. */
    public static final int NOT_SUPPORTED = 95;

    private static final long serialVersionUID = 1L;

    private final int code;

    /**
     * @param code    the errno.
     * @param message what went wrong.
     */
    public MpException(final int code, final String message)
    {
        super(message);
        this.code = code;
    }

    /**
     * @return the errno.
     */
    public int code()
    {
        return code;
    }
}
