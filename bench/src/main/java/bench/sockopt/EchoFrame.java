package bench.sockopt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import platform.sockopt.api.Sockopt;

/**
 * One connection's buffers in the raw echo servers: the sockopt framing and nothing else, no registry, no
 * handler, no lcore. The reply is the 88-byte header {@code <IIIi64sQ>} with errcode 0 and the request body echoed
 * back, the same bytes the platform's echo handler sends.
 */
final class EchoFrame
{
    /** The platform's default request limit, so that both sides refuse the same requests. */
    static final long MAX_BODY = 1L << 20;

    final ByteBuffer header = ByteBuffer.allocateDirect(Sockopt.REQUEST_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    final ByteBuffer replyHeader = ByteBuffer.allocateDirect(Sockopt.REPLY_HEADER_LENGTH)
        .order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer body = ByteBuffer.allocateDirect(256);
    final ByteBuffer[] reply = new ByteBuffer[2];

    /**
     * Called when {@link #header} is full.
     *
     * @return false when the length is out of range (the connection is then dropped).
     */
    boolean startBody()
    {
        final long len = header.getLong(Sockopt.REQ_LEN_OFFSET);
        if (len < 0 || len > MAX_BODY)
        {
            return false;
        }
        if (body.capacity() < len)
        {
            body = ByteBuffer.allocateDirect((int)len);
        }
        body.clear().limit((int)len);
        return true;
    }

    /**
     * Called when {@link #body} is full: fills the reply header and returns {@code {replyHeader, body}} ready to
     * write.
     */
    ByteBuffer[] reply()
    {
        replyHeader.clear();
        replyHeader.putInt(Sockopt.REPLY_VERSION_OFFSET, header.getInt(Sockopt.REQ_VERSION_OFFSET))
            .putInt(Sockopt.REPLY_ID_OFFSET, header.getInt(Sockopt.REQ_ID_OFFSET))
            .putInt(Sockopt.REPLY_TYPE_OFFSET, header.getInt(Sockopt.REQ_TYPE_OFFSET))
            .putInt(Sockopt.REPLY_ERRCODE_OFFSET, 0)
            .putLong(Sockopt.REPLY_LEN_OFFSET, body.limit());
        body.flip();
        reply[0] = replyHeader;
        reply[1] = body;
        return reply;
    }

    /** @return true when the request asked to keep the connection; otherwise close after the reply, as DPVS. */
    boolean keepAlive()
    {
        return Sockopt.KEEP_ALIVE == header.getInt(Sockopt.REQ_PAD_OFFSET);
    }

    boolean replyWritten()
    {
        return !replyHeader.hasRemaining() && !body.hasRemaining();
    }

    void next()
    {
        header.clear();
    }
}
