package bench.sockopt;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

import platform.sockopt.api.Sockopt;

/**
 * The client side of every measured round trip, the same for every server: a blocking Unix-domain channel and
 * preallocated little-endian buffers, one GET request {@code <III4xQ>} plus body, one reply header plus body.
 * Nothing is allocated per round trip except, with a connection per request, the channel itself (as DPVS's
 * tools do: connect, send, receive, close). One instance per client thread.
 */
final class RawClient implements AutoCloseable
{
    private final UnixDomainSocketAddress address;
    private final ByteBuffer request;
    private final ByteBuffer replyHeader = ByteBuffer.allocateDirect(Sockopt.REPLY_HEADER_LENGTH)
        .order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer replyBody;
    private final int bodyBytes;
    private SocketChannel kept;

    RawClient(final UnixDomainSocketAddress address, final int id, final int bodyBytes)
    {
        this.address = address;
        this.bodyBytes = bodyBytes;
        this.request = ByteBuffer.allocateDirect(Sockopt.REQUEST_HEADER_LENGTH + bodyBytes)
            .order(ByteOrder.LITTLE_ENDIAN);
        request.putInt(Sockopt.REQ_VERSION_OFFSET, Sockopt.VERSION)
            .putInt(Sockopt.REQ_ID_OFFSET, id)
            .putInt(Sockopt.REQ_TYPE_OFFSET, Sockopt.GET)
            .putLong(Sockopt.REQ_LEN_OFFSET, bodyBytes);
        for (int i = 0; i < bodyBytes; i++)
        {
            request.put(Sockopt.REQUEST_HEADER_LENGTH + i, (byte)i);
        }
        this.replyBody = ByteBuffer.allocateDirect(Math.max(1, bodyBytes));
    }

    /**
     * Connect, request, reply, close.
     *
     * @return the reply's first body byte (for the blackhole).
     */
    int oneShot() throws IOException
    {
        request.putInt(Sockopt.REQ_PAD_OFFSET, 0); // as DPVS's tools send it
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            ch.connect(address);
            return roundTrip(ch);
        }
    }

    /**
     * Request and reply on a connection kept between calls (opened on the first).
     */
    int onKept() throws IOException
    {
        // the platform's kept-connection flag; the echo floors keep every connection anyway
        request.putInt(Sockopt.REQ_PAD_OFFSET, Sockopt.KEEP_ALIVE);
        if (null == kept)
        {
            kept = SocketChannel.open(StandardProtocolFamily.UNIX);
            kept.connect(address);
        }
        return roundTrip(kept);
    }

    private int roundTrip(final SocketChannel ch) throws IOException
    {
        request.clear();
        while (request.hasRemaining())
        {
            ch.write(request);
        }
        replyHeader.clear();
        readFully(ch, replyHeader);
        final int errcode = replyHeader.getInt(Sockopt.REPLY_ERRCODE_OFFSET);
        final long len = replyHeader.getLong(Sockopt.REPLY_LEN_OFFSET);
        if (0 != errcode || len != bodyBytes)
        {
            throw new IOException("bad reply: errcode " + errcode + ", len " + len + " (expected 0, " + bodyBytes + ")");
        }
        replyBody.clear().limit(bodyBytes);
        readFully(ch, replyBody);
        return bodyBytes > 0 ? replyBody.get(0) : errcode;
    }

    private static void readFully(final SocketChannel ch, final ByteBuffer b) throws IOException
    {
        while (b.hasRemaining())
        {
            if (ch.read(b) < 0)
            {
                throw new EOFException("server closed after " + b.position() + " of " + b.limit() + " bytes");
            }
        }
    }

    @Override
    public void close() throws IOException
    {
        if (null != kept)
        {
            kept.close();
            kept = null;
        }
    }
}
