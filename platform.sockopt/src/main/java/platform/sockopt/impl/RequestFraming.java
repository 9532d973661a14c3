package platform.sockopt.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

import platform.lcore.api.Edpvs;
import platform.sockopt.api.Sockopt;
import platform.sockopt.impl.RateLimitedLog.Kind;

/**
 * Reads requests and frames replies in DPVS's wire format ({@link Sockopt} draws both headers), on the master
 * lcore. A request whose header cannot be served (over the maximum length, a bad type, no room in the body budget)
 * is refused: {@link Conn#refusal} is set, and the connection is closed after its error reply, since the client
 * goes on sending a body this server will not read.
 * <p>
 * Memory: a body is read into the connection's {@link Conn#SMALL_BODY}-byte buffer, and when it is bigger into a
 * buffer that grows (doubling, from {@value #FIRST_GROWTH} bytes, never past the announced length) when the bytes
 * received have filled the last one. Each growth is charged to the {@link BodyBudget} shared by all connections,
 * so what pending requests hold is at most the budget, and a client holds at most twice what it has sent.
 */
final class RequestFraming
{
    static final int NEED_MORE = 0;
    /** A request, or a refusal to answer, is ready to dispatch. */
    static final int READY = 1;
    /** The client closed: nothing to frame a reply to. */
    static final int EOF = 2;
    static final int FIRST_GROWTH = 4096;
    private static final byte[][] ERRSTR = new byte[40][];

    static
    {
        for (int i = 0; i < ERRSTR.length; i++)
        {
            ERRSTR[i] = Edpvs.strerror(-i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final ServerConfig config;
    private final BodyBudget budget;
    private final ServerCounters counters;
    private final RateLimitedLog log;
    /** Allocates grown body buffers; a test puts one that throws here. */
    IntFunction<ByteBuffer> allocator = ByteBuffer::allocate;

    RequestFraming(final ServerConfig config, final BodyBudget budget, final ServerCounters counters,
        final RateLimitedLog log)
    {
        this.config = config;
        this.budget = budget;
        this.counters = counters;
        this.log = log;
    }

    /**
     * Reads what the socket has of the current request.
     *
     * @return {@link #NEED_MORE}, {@link #READY} or {@link #EOF}.
     */
    int read(final Conn c, final long nowNs) throws IOException
    {
        if (Conn.READ_HEADER == c.state)
        {
            final int n = c.ch.read(c.header);
            if (n < 0)
            {
                if (c.header.position() > 0)
                {
                    counters.malformed.incrementAndGet();
                    log.warn(Kind.MALFORMED, "client closed after {} of 24 header bytes", c.header.position());
                }
                return EOF;
            }
            if (n > 0 && c.header.position() == n)
            {
                c.sinceNs = nowNs; // first bytes of a request: its timeout runs from here
            }
            if (c.header.hasRemaining())
            {
                return NEED_MORE;
            }
            c.served = true;
            c.version = c.header.getInt(Sockopt.REQ_VERSION_OFFSET);
            c.id = c.header.getInt(Sockopt.REQ_ID_OFFSET);
            c.type = c.header.getInt(Sockopt.REQ_TYPE_OFFSET);
            c.keepAlive = Sockopt.KEEP_ALIVE == c.header.getInt(Sockopt.REQ_PAD_OFFSET);
            c.len = c.header.getLong(Sockopt.REQ_LEN_OFFSET);
            c.refusal = Edpvs.OK;
            if (refusedAtHeader(c))
            {
                return READY;
            }
            c.body.clear().limit((int)Math.min(Conn.SMALL_BODY, c.len));
            c.state = Conn.READ_BODY;
        }
        while (c.body.position() < c.len)
        {
            if (!c.body.hasRemaining() && !grow(c))
            {
                return READY; // refused: no room in the budget
            }
            final int n = c.ch.read(c.body);
            if (n < 0)
            {
                counters.malformed.incrementAndGet();
                log.warn(Kind.MALFORMED, "client closed mid-body: " + c.body.position() + " of {} bytes", c.len);
                return EOF;
            }
            if (0 == n)
            {
                return NEED_MORE;
            }
        }
        return READY;
    }

    private boolean refusedAtHeader(final Conn c)
    {
        if (c.len < 0 || c.len > config.maxRequestLength())
        {
            counters.malformed.incrementAndGet();
            log.warn(Kind.MALFORMED, "request length {} over the maximum", Long.toUnsignedString(c.len));
            refuse(c, Edpvs.INVAL, "request length " + Long.toUnsignedString(c.len) + " over max "
                + config.maxRequestLength());
            return true;
        }
        if (Sockopt.GET != c.type && Sockopt.SET != c.type)
        {
            counters.malformed.incrementAndGet();
            log.warn(Kind.MALFORMED, "bad sockopt type {}", Integer.toUnsignedString(c.type));
            refuse(c, Edpvs.INVAL, "bad sockopt type " + Integer.toUnsignedString(c.type) + " (0 GET, 1 SET)");
            return true;
        }
        // announced, not yet sent: nothing is charged, but a body that cannot fit is refused before it comes
        if (c.len > Conn.SMALL_BODY && c.len > budget.available())
        {
            refuseNoMemory(c);
            return true;
        }
        return false;
    }

    /** The body buffer is full and more is due: a bigger one, charged to the budget, or a refusal. */
    private boolean grow(final Conn c)
    {
        final int capacity = c.body.capacity();
        final int next = (int)Math.min(c.len, Math.max(2L * capacity, FIRST_GROWTH));
        final long more = next - c.charged;
        if (more > budget.available())
        {
            refuseNoMemory(c);
            return false;
        }
        final ByteBuffer bigger = allocator.apply(next); // may throw OutOfMemoryError: nothing charged yet
        budget.tryCharge(more);
        c.growBody(bigger, next);
        return true;
    }

    private void refuseNoMemory(final Conn c)
    {
        counters.noMemory.incrementAndGet();
        log.warn(Kind.NO_MEMORY, "refusing a request: {}", budget.used() + " of " + budget.limit
            + " bytes of pending request bodies in use");
        refuse(c, Edpvs.NOMEM, "request of " + c.len + " bytes: no room, " + budget.used() + "/" + budget.limit
            + " pending");
    }

    private static void refuse(final Conn c, final int code, final String text)
    {
        c.refusal = code;
        c.message = text;
        c.closeAfterWrite = true;
    }

    /**
     * Writes the 88-byte reply header (layout in {@link Sockopt}) into {@code h} from its start; its limit is the
     * header's end.
     *
     * @param text the errstr, or null for DPVS's text of {@code rc}; only sent with an error.
     * @param len  the reply body's length; DPVS sends none with an error, nor with a SET.
     * @return the body length written.
     */
    static int putReplyHeader(final ByteBuffer h, final int id, final int type, final int rc, final String text,
        final int len)
    {
        h.clear();
        h.putInt(Sockopt.REPLY_VERSION_OFFSET, Sockopt.VERSION);
        h.putInt(Sockopt.REPLY_ID_OFFSET, id);
        h.putInt(Sockopt.REPLY_TYPE_OFFSET, type);
        h.putInt(Sockopt.REPLY_ERRCODE_OFFSET, rc);
        final byte[] bytes;
        if (null != text && Edpvs.OK != rc)
        {
            bytes = text.getBytes(StandardCharsets.UTF_8);
        }
        else
        {
            bytes = rc <= 0 && -rc < ERRSTR.length ? ERRSTR[-rc] : Edpvs.strerror(rc).getBytes(StandardCharsets.US_ASCII);
        }
        final int n = Math.min(bytes.length, Sockopt.ERRSTR_LENGTH - 1);
        h.put(Sockopt.REPLY_ERRSTR_OFFSET, bytes, 0, n);
        for (int i = Sockopt.REPLY_ERRSTR_OFFSET + n; i < Sockopt.REPLY_LEN_OFFSET; i++)
        {
            h.put(i, (byte)0);
        }
        final int bodyLength = Edpvs.OK == rc && Sockopt.GET == type ? len : 0;
        h.putLong(Sockopt.REPLY_LEN_OFFSET, bodyLength);
        h.limit(Sockopt.REPLY_HEADER_LENGTH);
        return bodyLength;
    }
}
