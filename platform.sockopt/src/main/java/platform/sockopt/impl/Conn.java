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
 * body in as many reads as the client needs, then writes the 88-byte reply header and body in as many writes as
 * the socket takes. It is also the request and reply view its handler gets.
 */
final class Conn implements SockoptRequest, SockoptReply
{
    static final int READ_HEADER = 0;
    static final int READ_BODY = 1;
    static final int WRITE = 2;

    final SocketChannel ch;
    final SelectionKey key;
    final int maxReply;
    final ByteBuffer header = ByteBuffer.allocate(Sockopt.REQUEST_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    final ByteBuffer replyHeader = ByteBuffer.allocate(Sockopt.REPLY_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer body = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer bodyView = body.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer replyBody = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    final ByteBuffer[] out = {replyHeader, replyBody};

    int state = READ_HEADER;
    boolean closeAfterWrite;
    /** The request asked to keep the connection (KEEP_ALIVE in its padding); DPVS's tools never do. */
    boolean keepAlive;
    int version;
    int id;
    int type;
    long len;
    /** nanoTime of the first byte of the request being read, or of the last reply (idle since). */
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

    /** Makes room for a body of len bytes (already checked against the maximum). */
    void prepareBody()
    {
        if (body.capacity() < len)
        {
            body = ByteBuffer.allocate((int)len).order(ByteOrder.LITTLE_ENDIAN);
            bodyView = body.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        body.clear().limit((int)len);
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
