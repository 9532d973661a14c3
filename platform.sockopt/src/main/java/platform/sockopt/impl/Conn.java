package platform.sockopt.impl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

import platform.sockopt.api.Sockopt;
import platform.sockopt.api.SockoptReply;
import platform.sockopt.api.SockoptRequest;

/**
 * One client connection, touched only by the master lcore: a state machine that reads a 24-byte header and its
 * body in as many reads as the client needs ({@link RequestFraming}), then writes the 88-byte reply header and
 * body in as many writes as the socket takes. It is also the request and reply view its handler gets.
 */
final class Conn implements SockoptRequest, SockoptReply
{
    static final int READ_HEADER = 0;
    static final int READ_BODY = 1;
    static final int WRITE = 2;
    /** Bodies up to this fit the buffer every connection has, and are not charged to the budget. */
    static final int SMALL_BODY = 256;

    final SocketChannel ch;
    final SelectionKey key;
    final int maxReply;
    final ByteBuffer header = ByteBuffer.allocate(Sockopt.REQUEST_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    final ByteBuffer replyHeader = ByteBuffer.allocate(Sockopt.REPLY_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    final ByteBuffer smallBody = ByteBuffer.allocate(SMALL_BODY).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer smallBodyView = smallBody.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    /** The buffer the body is read into: {@link #smallBody}, or a bigger one charged to the budget. */
    ByteBuffer body = smallBody;
    private ByteBuffer bodyView = smallBodyView;
    /** Bytes of {@link #body} charged to the budget (its capacity when it is not {@link #smallBody}). */
    long charged;
    ByteBuffer replyBody = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    final ByteBuffer[] out = {replyHeader, replyBody};

    int state = READ_HEADER;
    /** A whole header was read once: from then on, waiting for the next one is idling, not stalling. */
    boolean served;
    boolean closeAfterWrite;
    /** The request asked to keep the connection (KEEP_ALIVE in its padding); DPVS's tools never do. */
    boolean keepAlive;
    int version;
    int id;
    int type;
    long len;
    /** Set when the framing refuses the request (an EDPVS_* code, its text in {@link #message}); 0 otherwise. */
    int refusal;
    /** nanoTime of the accept, of the first byte of the request being read, or of the last reply (idle since). */
    long sinceNs;
    int replyLength;
    String message;

    Conn(final SocketChannel ch, final SelectionKey key, final int maxReply, final long nowNs)
    {
        this.ch = ch;
        this.key = key;
        this.maxReply = maxReply;
        this.sinceNs = nowNs;
    }

    /** Takes a bigger body buffer (already charged); the bytes read so far are copied over. */
    void growBody(final ByteBuffer bigger, final long chargedNow)
    {
        body.flip();
        bigger.order(ByteOrder.LITTLE_ENDIAN).put(body);
        bigger.limit((int)Math.min(bigger.capacity(), len));
        body = bigger;
        bodyView = bigger.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        charged = chargedNow;
    }

    /**
     * Back to the small buffer for the next request (the big one goes to the GC).
     *
     * @return the bytes to give back to the budget.
     */
    long releaseBody()
    {
        final long bytes = charged;
        charged = 0;
        body = smallBody;
        bodyView = smallBodyView;
        return bytes;
    }

    /** Before a handler call: no reply body, no message. */
    void resetReply()
    {
        replyLength = 0;
        message = null;
    }

    @Override
    public int id()
    {
        return id;
    }

    @Override
    public int type()
    {
        return type;
    }

    @Override
    public ByteBuffer body()
    {
        bodyView.limit((int)len).position(0);
        return bodyView;
    }

    @Override
    public ByteBuffer body(final int length)
    {
        if (length < 0 || length > maxReply)
        {
            throw new IllegalArgumentException("reply body of " + length + " bytes: the maximum is " + maxReply);
        }
        if (replyBody.capacity() < length)
        {
            replyBody = ByteBuffer.allocate(Math.max(length, 2 * replyBody.capacity())).order(ByteOrder.LITTLE_ENDIAN);
            out[1] = replyBody;
        }
        else
        {
            Arrays.fill(replyBody.array(), 0, length, (byte)0);
        }
        replyBody.clear().limit(length);
        replyLength = length;
        return replyBody;
    }

    @Override
    public void message(final String text)
    {
        this.message = text;
    }
}
