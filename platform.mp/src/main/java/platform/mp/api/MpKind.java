package platform.mp.api;

/**
 * DPDK's {@code enum mp_type}, and the channel's own control kinds.
 */
public enum MpKind
{
    /** One-way message. */
    MSG(1),
    /** A request expecting a reply. */
    REQ(2),
    /** A reply to a request. */
    REP(3),
    /** "Ignore me": the peer has no action for the request's name. */
    IGN(4),
    /** Secondary to primary on connect: its pid; primary to secondary: the id it was given. */
    HELLO(5),
    /** Secondary to primary: an action name registered (param byte 1) or unregistered (0), so mp:actions shows it. */
    ANNOUNCE(6),
    /** A protocol error: u16 code then UTF-8 text; the sender closes the connection after it. */
    ERROR(7);

    private static final MpKind[] BY_CODE = {null, MSG, REQ, REP, IGN, HELLO, ANNOUNCE, ERROR};

    /** The code on the wire. */
    public final int code;

    MpKind(final int code)
    {
        this.code = code;
    }

    /**
     * @param code a wire code.
     * @return the kind, or null for an unknown code.
     */
    public static MpKind of(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
