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
 * Reads frames from a blocking channel and validates each header before reading its parameters, so that an
 * oversized or foreign frame is refused without buffering it. Reads go through a buffer of {@value #BUFFER} bytes,
 * so that a small frame costs one read, not one for its header and one for its params, and frames that came
 * together are taken from the buffer with no read at all. One reader per connection, used by one thread.
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
     * @return the next frame, or null at a clean end of stream (between frames).
     * @throws MpProtocolException for bytes that are not a valid frame.
     * @throws IOException         for an I/O error or an end of stream inside a frame.
     */
    public Frame read() throws IOException
    {
        if (!ensure(MpWire.HEADER_LEN))
        {
            return null;
        }
        header.clear();
        in.get(header.array(), 0, MpWire.HEADER_LEN);
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
        final MpKind kind = MpKind.of(header.get(MpWire.KIND_OFFSET) & 0xff);
        if (null == kind)
        {
            throw new MpProtocolException(MpWire.ERR_GARBAGE, "unknown kind " + (header.get(MpWire.KIND_OFFSET) & 0xff));
        }
        final int nameLen = header.get(MpWire.NAME_LEN_OFFSET) & 0xff;
        final boolean control = MpKind.HELLO == kind || MpKind.ERROR == kind;
        if (nameLen > MpWire.MAX_NAME_LEN || (0 == nameLen && !control))
        {
            throw new MpProtocolException(MpWire.ERR_BAD_NAME, "name length " + nameLen + " for " + kind);
        }
        final long paramLen = header.getInt(MpWire.PARAM_LEN_OFFSET) & 0xffffffffL;
        if (paramLen > maxParamLen)
        {
            throw new MpProtocolException(MpWire.ERR_TOO_BIG,
                "param_len " + paramLen + " over the maximum " + maxParamLen);
        }
        final int numFds = header.get(MpWire.NUM_FDS_OFFSET) & 0xff;
        if (numFds > FdSocket.MAX_FDS || (numFds > 0 && MpKind.MSG != kind && MpKind.REQ != kind
            && MpKind.REP != kind))
        {
            throw new MpProtocolException(MpWire.ERR_PROTOCOL, numFds + " fds with a " + kind);
        }
        final String name;
        try
        {
            name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .decode(header.slice(MpWire.NAME_OFFSET, nameLen)).toString();
        }
        catch (final CharacterCodingException e)
        {
            throw new MpProtocolException(MpWire.ERR_BAD_NAME, "name is not UTF-8");
        }
        final byte[] params = new byte[(int) paramLen];
        for (int off = 0; off < params.length; )
        {
            if (!in.hasRemaining())
            {
                readMore();
            }
            final int n = Math.min(in.remaining(), params.length - off);
            in.get(params, off, n);
            off += n;
        }
        final long id = header.getLong(MpWire.REQUEST_ID_OFFSET);
        if (0 == numFds)
        {
            return new Frame(kind, id, name, params);
        }
        final int[] fds = fdSource.receive(numFds);
        if (null == fds)
        {
            throw new MpProtocolException(MpWire.ERR_PROTOCOL, numFds + " fds on a connection without an fd socket");
        }
        return new Frame(kind, id, name, params, fds);
    }

    /** Reads until n bytes are buffered; false at a clean end of stream (nothing buffered). */
    private boolean ensure(final int n) throws IOException
    {
        while (in.remaining() < n)
        {
            if (in.hasRemaining())
            {
                readMore();
            }
            else if (!readOrEnd())
            {
                return false;
            }
        }
        return true;
    }

    /** Reads more into the buffer; an end of stream here is inside a frame. */
    private void readMore() throws IOException
    {
        if (!readOrEnd())
        {
            throw new EOFException("end of stream inside a frame");
        }
    }

    private boolean readOrEnd() throws IOException
    {
        in.compact();
        try
        {
            return channel.read(in) >= 0;
        }
        finally
        {
            in.flip();
        }
    }
}
