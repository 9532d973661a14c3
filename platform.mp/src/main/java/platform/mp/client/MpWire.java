package platform.mp.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import platform.mp.api.MpException;
import platform.mp.api.MpKind;

/**
 * The frame of the channel, over a Unix-domain stream socket, big-endian. DPDK sends {@code struct mp_msg_internal}
 * (type, name[64], len_param, param[256], fds) as one SOCK_DGRAM datagram; the JDK offers stream Unix sockets only,
 * so each frame carries its length and a magic/version so that garbage and foreign peers are told apart.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                  magic 0x44504D50 ("DPMP")                    |  0
 * +-------------------------------+---------------+---------------+
 * |      version (u16) = 1        |   kind (u8)   | name_len (u8) |  4
 * +-------------------------------+---------------+---------------+
 * |                      request id (u64)                         |  8
 * |                                                               | 12
 * +---------------------------------------------------------------+
 * |                      param_len (u32)                          | 16
 * +---------------+-----------------------------------------------+
 * | num_fds (u8)  |              reserved (0)                     | 20
 * +---------------+-----------------------------------------------+
 * |            name[64]: UTF-8, name_len bytes, NUL-padded        | 24 .. 87
 * +---------------------------------------------------------------+
 * |            params[param_len]                                  | 88 ..
 * +---------------------------------------------------------------+
 * </pre>
 * num_fds (DPDK's {@code rte_mp_msg.num_fds}) is 0..8, non-zero only for MSG, REQ and REP: the fds travel on the
 * connection's {@link FdSocket}, sent before the frame.
 * kind: 1 MSG, 2 REQ, 3 REP, 4 IGN (DPDK's mp_type), 5 HELLO, 6 ANNOUNCE, 7 ERROR ({@link MpKind}). A REP or IGN
 * carries the request id and name of its REQ. name_len is 1..64, or 0 for HELLO and ERROR. param_len is at most
 * the receiver's maximum (default 256, DPDK's RTE_MP_MAX_PARAM_LEN). An ERROR's params: u16 code then UTF-8 text, 64 bytes at most.
 */
public final class MpWire
{
    /** "DPMP". */
    public static final int MAGIC = 0x44504D50;
    /** The protocol version this code speaks. */
    public static final int VERSION = 2;
    /** DPDK's RTE_MP_MAX_NAME_LEN. */
    public static final int MAX_NAME_LEN = 64;
    /** DPDK's RTE_MP_MAX_PARAM_LEN, the default maximum. */
    public static final int DEFAULT_MAX_PARAM_LEN = 256;
    /** The least maximum a side may configure: an ERROR (code and text) always fits. */
    public static final int MIN_PARAM_LEN = 64;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int KIND_OFFSET = 6;
    public static final int NAME_LEN_OFFSET = 7;
    public static final int REQUEST_ID_OFFSET = 8;
    public static final int PARAM_LEN_OFFSET = 16;
    public static final int NUM_FDS_OFFSET = 20;
    public static final int NAME_OFFSET = 24;
    public static final int HEADER_LEN = NAME_OFFSET + MAX_NAME_LEN;

    /** HELLO reply flag (u8 after the id): the primary paired the fd socket, fds may be passed both ways. */
    public static final int HELLO_FDS = 1;

    /** ERROR codes. Bad magic or unknown kind: the bytes are not a frame of this protocol. */
    public static final int ERR_GARBAGE = 1;
    /** Another protocol version. */
    public static final int ERR_VERSION = 2;
    /** param_len over the receiver's maximum. */
    public static final int ERR_TOO_BIG = 3;
    /** name_len out of range or not UTF-8. */
    public static final int ERR_BAD_NAME = 4;
    /** A frame out of order (anything before HELLO). */
    public static final int ERR_PROTOCOL = 5;

    private MpWire()
    {
    }

    /**
     * @param name an action name.
     * @return its UTF-8 bytes.
     * @throws MpException INVALID when empty or over 64 bytes.
     */
    public static byte[] nameBytes(final String name)
    {
        if (null == name || name.isEmpty())
        {
            throw new MpException(MpException.INVALID, "empty action name");
        }
        final byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_NAME_LEN)
        {
            throw new MpException(MpException.INVALID, "action name over " + MAX_NAME_LEN + " bytes: " + name);
        }
        return b;
    }

    /**
     * Encodes one frame (control-plane rate: a buffer per frame is fine).
     *
     * @param kind   the kind.
     * @param id     the request id (0 for MSG).
     * @param name   the name's bytes, 0..64.
     * @param params the parameters.
     * @return the frame, flipped.
     */
    public static ByteBuffer encode(final MpKind kind, final long id, final byte[] name, final byte[] params)
    {
        return encode(kind, id, name, params, 0);
    }

    /**
     * Encodes one frame announcing fds.
     *
     * @param kind   the kind.
     * @param id     the request id (0 for MSG).
     * @param name   the name's bytes, 0..64.
     * @param params the parameters.
     * @param numFds the fds sent with it on the fd socket, 0..8.
     * @return the frame, flipped.
     */
    public static ByteBuffer encode(final MpKind kind, final long id, final byte[] name, final byte[] params,
        final int numFds)
    {
        final ByteBuffer b = ByteBuffer.allocate(HEADER_LEN + params.length);
        b.putInt(MAGIC_OFFSET, MAGIC);
        b.putShort(VERSION_OFFSET, (short) VERSION);
        b.put(KIND_OFFSET, (byte) kind.code);
        b.put(NAME_LEN_OFFSET, (byte) name.length);
        b.putLong(REQUEST_ID_OFFSET, id);
        b.putInt(PARAM_LEN_OFFSET, params.length);
        b.put(NUM_FDS_OFFSET, (byte) numFds);
        b.put(NAME_OFFSET, name);
        b.put(HEADER_LEN, params);
        return b;
    }

    /**
     * @param code an ERROR code.
     * @param text what went wrong.
     * @return an ERROR's params.
     */
    public static byte[] errorParams(final int code, final String text)
    {
        final byte[] t = text.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer b = ByteBuffer.allocate(2 + Math.min(t.length, MIN_PARAM_LEN - 2));
        b.putShort((short) code).put(t, 0, b.remaining());
        return b.array();
    }
}
