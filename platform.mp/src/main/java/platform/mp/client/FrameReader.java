package platform.mp.client;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import platform.mp.api.MpKind;

/**
 * Reads frames from a channel and validates each header before reading its parameters, so that an oversized or
 * foreign frame is refused without buffering it. Reads go through a buffer of {@value #BUFFER} bytes, so that a
 * small frame costs one read, not one for its header and one for its params, and frames that came together are
 * taken from the buffer with no read at all. {@link #poll} never waits on a non-blocking channel (the I/O loop,
 * and a synchronous requester taking its own reply); {@link #read} is for blocking channels. Not
 * thread-safe: one thread at a time (the connection's read lock).
 */
public final class FrameReader
{
    private final ReadableByteChannel channel;
    private final int maxParamLen;
    /** What one read may take from the socket. */
    static final int BUFFER = 8192;
    private final ByteBuffer header = ByteBuffer.allocate(MpWire.HEADER_LEN);
    /** Bytes read and not yet taken: [position, limit). Direct: the channel reads into it without a copy. */
    private final ByteBuffer in = ByteBuffer.allocateDirect(BUFFER).flip();
    private final FdSource fdSource;
    /** The frame being read, once its header is taken (null: none). */
    private MpKind kind;
    private String name;
    private long id;
    private int numFds;
    private byte[] params;
    private int paramOff;
    private boolean ended;

    /** Where the fds a frame announces come from (the connection's fd socket). */
    @FunctionalInterface
    public interface FdSource
    {
        /**
         * @param n how many the frame announced, 1..8.
         * @return the fds, or null when this connection takes none.
         * @throws IOException when they cannot be received.
         */
        int[] receive(int n) throws IOException;
    }

    /**
     * @param channel     a blocking channel.
     * @param maxParamLen the longest params accepted.
     */
    public FrameReader(final ReadableByteChannel channel, final int maxParamLen)
    {
        this(channel, maxParamLen, n -> null);
    }

    /**
     * @param channel     a blocking channel.
     * @param maxParamLen the longest params accepted.
     * @param fdSource    where announced fds come from.
     */
    public FrameReader(final ReadableByteChannel channel, final int maxParamLen, final FdSource fdSource)
    {
        this.channel = channel;
        this.maxParamLen = maxParamLen;
        this.fdSource = fdSource;
    }

    /**
     * Reads the next frame from a blocking channel.
     *
     * @return the next frame, or null at a clean end of stream (between frames).
     * @throws MpProtocolException for bytes that are not a valid frame.
     * @throws IOException         for an I/O error or an end of stream inside a frame.
     */
    public Frame read() throws IOException
    {
        Frame f;
        while (null == (f = poll(false)))
        {
            if (ended)
            {
                return null;
            }
        }
        return f;
    }

    /**
     * Takes the next frame if it is complete in the buffer, else reads once from the channel (which does not wait
     * when it is non-blocking) and takes it if it is complete now.
     *
     * @param repliesOnly true: take only a REP or IGN frame with a valid header; anything else stays for the
     *                    connection's I/O thread (which meets its errors), and null is returned.
     * @return a frame, or null when none is complete (or, with repliesOnly, the next is not a reply).
     * @throws MpProtocolException for bytes that are not a valid frame.
     * @throws IOException         for an I/O error or an end of stream inside a frame.
     */
    public Frame poll(final boolean repliesOnly) throws IOException
    {
        if (null == kind)
        {
            if (in.remaining() < MpWire.HEADER_LEN && !readSome())
            {
                return null;
            }
            if (in.remaining() < MpWire.HEADER_LEN)
            {
                return null;
            }
            if (repliesOnly && !validReplyHeader())
            {
                return null;
            }
            header.clear();
            in.get(header.array(), 0, MpWire.HEADER_LEN);
            takeHeader();
        }
        else if (repliesOnly && MpKind.REP != kind && MpKind.IGN != kind)
        {
            return null;
        }
        while (paramOff < params.length)
        {
            if (!in.hasRemaining() && !readSome())
            {
                return null;
            }
            final int n = Math.min(in.remaining(), params.length - paramOff);
            in.get(params, paramOff, n);
            paramOff += n;
        }
        final MpKind k = kind;
        final byte[] p = params;
        kind = null;
        params = null;
        if (0 == numFds)
        {
            return new Frame(k, id, name, p);
        }
        final int[] fds = fdSource.receive(numFds);
        if (null == fds)
        {
            throw new MpProtocolException(MpWire.ERR_PROTOCOL, numFds + " fds on a connection without an fd socket");
        }
        return new Frame(k, id, name, p, fds);
    }

    /**
     * @return true when bytes are buffered that no frame has taken yet (a partial or a whole frame).
     */
    public boolean hasBuffered()
    {
        return in.hasRemaining() || null != kind;
    }

    /**
     * @return true once the channel reached its end.
     */
    public boolean ended()
    {
        return ended;
    }

    /** The buffered header, not taken, is a valid REP or IGN (its errors are left to the I/O thread). */
    private boolean validReplyHeader()
    {
        final int at = in.position();
        final int k = in.get(at + MpWire.KIND_OFFSET) & 0xff;
        final int nameLen = in.get(at + MpWire.NAME_LEN_OFFSET) & 0xff;
        final long paramLen = in.getInt(at + MpWire.PARAM_LEN_OFFSET) & 0xffffffffL;
        final int fds = in.get(at + MpWire.NUM_FDS_OFFSET) & 0xff;
        return MpWire.MAGIC == in.getInt(at + MpWire.MAGIC_OFFSET)
            && MpWire.VERSION == (in.getShort(at + MpWire.VERSION_OFFSET) & 0xffff)
            && (MpKind.REP.code == k || MpKind.IGN.code == k)
            && nameLen > 0 && nameLen <= MpWire.MAX_NAME_LEN && paramLen <= maxParamLen && fds <= FdSocket.MAX_FDS;
    }

    /** Validates the header just taken and sets up its frame's params. */
    private void takeHeader() throws MpProtocolException
    {
        final int magic = header.getInt(MpWire.MAGIC_OFFSET);
        if (MpWire.MAGIC != magic)
        {
            throw new MpProtocolException(MpWire.ERR_GARBAGE, String.format("bad magic 0x%08x", magic));
        }
        final int version = header.getShort(MpWire.VERSION_OFFSET) & 0xffff;
        if (MpWire.VERSION != version)
        {
            throw new MpProtocolException(MpWire.ERR_VERSION,
                "protocol version " + version + ", this side speaks " + MpWire.VERSION);
        }
        final MpKind k = MpKind.of(header.get(MpWire.KIND_OFFSET) & 0xff);
        if (null == k)
        {
            throw new MpProtocolException(MpWire.ERR_GARBAGE, "unknown kind " + (header.get(MpWire.KIND_OFFSET) & 0xff));
        }
        final int nameLen = header.get(MpWire.NAME_LEN_OFFSET) & 0xff;
        final boolean control = MpKind.HELLO == k || MpKind.ERROR == k;
        if (nameLen > MpWire.MAX_NAME_LEN || (0 == nameLen && !control))
        {
            throw new MpProtocolException(MpWire.ERR_BAD_NAME, "name length " + nameLen + " for " + k);
        }
        final long paramLen = header.getInt(MpWire.PARAM_LEN_OFFSET) & 0xffffffffL;
        if (paramLen > maxParamLen)
        {
            throw new MpProtocolException(MpWire.ERR_TOO_BIG,
                "param_len " + paramLen + " over the maximum " + maxParamLen);
        }
        final int n = header.get(MpWire.NUM_FDS_OFFSET) & 0xff;
        if (n > FdSocket.MAX_FDS || (n > 0 && MpKind.MSG != k && MpKind.REQ != k && MpKind.REP != k))
        {
            throw new MpProtocolException(MpWire.ERR_PROTOCOL, n + " fds with a " + k);
        }
        name = decodeName(nameLen);
        id = header.getLong(MpWire.REQUEST_ID_OFFSET);
        numFds = n;
        params = new byte[(int) paramLen];
        paramOff = 0;
        kind = k;
    }

    /** The name: ASCII (every name in practice) without a decoder; anything else strictly as UTF-8. */
    private String decodeName(final int nameLen) throws MpProtocolException
    {
        final byte[] h = header.array();
        boolean ascii = true;
        for (int i = 0; i < nameLen && ascii; i++)
        {
            ascii = h[MpWire.NAME_OFFSET + i] >= 0;
        }
        if (ascii)
        {
            return new String(h, MpWire.NAME_OFFSET, nameLen, StandardCharsets.US_ASCII);
        }
        try
        {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .decode(header.slice(MpWire.NAME_OFFSET, nameLen)).toString();
        }
        catch (final CharacterCodingException e)
        {
            throw new MpProtocolException(MpWire.ERR_BAD_NAME, "name is not UTF-8");
        }
    }

    /**
     * Reads once into the buffer.
     *
     * @return true when bytes came.
     * @throws EOFException at the end of stream inside a frame.
     */
    private boolean readSome() throws IOException
    {
        if (ended)
        {
            return endOfStream();
        }
        in.compact();
        final int n;
        try
        {
            n = channel.read(in);
        }
        finally
        {
            in.flip();
        }
        if (n < 0)
        {
            ended = true;
            return endOfStream();
        }
        return n > 0;
    }

    private boolean endOfStream() throws EOFException
    {
        if (hasBuffered())
        {
            throw new EOFException("end of stream inside a frame");
        }
        return false;
    }
}
