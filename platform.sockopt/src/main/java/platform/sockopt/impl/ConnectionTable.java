package platform.sockopt.impl;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.Edpvs;
import platform.sockopt.api.Sockopt;
import platform.sockopt.impl.RateLimitedLog.Kind;

/**
 * The open connections of the master lcore and their limits: at most {@code max_connections} (a new client over it
 * gets an EDPVS_RESOURCE reply, never a bare reset), the request timeout (mid-request, or without a whole first
 * header) and the idle timeout. Master lcore only, but for {@link #open()}.
 */
final class ConnectionTable
{
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionTable.class);
    /** Unread bytes dropped before closing: at most DISCARD_READS reads of this buffer. */
    private static final int DISCARD_READS = 16;
    /** Refused clients whose request (or close) is awaited before their socket is closed, at most. */
    private static final int MAX_REFUSED = 64;

    /** A client refused at the limit: its key's attachment, until its request is read and its socket closed. */
    static final class Refused
    {
        final SocketChannel ch;
        final long sinceNs;

        Refused(final SocketChannel ch, final long sinceNs)
        {
            this.ch = ch;
            this.sinceNs = sinceNs;
        }
    }

    private final ServerConfig config;
    private final ServerCounters counters;
    private final BodyBudget bodyBudget;
    private final RateLimitedLog log;
    private final long requestNs;
    private final long idleNs;
    private final List<Conn> conns = new ArrayList<>();
    private final List<Refused> refused = new ArrayList<>();
    private final ByteBuffer discard = ByteBuffer.allocateDirect(4096);
    /** The reply a client gets at the connection limit, written once. */
    private final ByteBuffer fullReply = ByteBuffer.allocate(Sockopt.REPLY_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private volatile int open;

    ConnectionTable(final ServerConfig config, final ServerCounters counters, final BodyBudget bodyBudget,
        final RateLimitedLog log)
    {
        this.config = config;
        this.counters = counters;
        this.bodyBudget = bodyBudget;
        this.log = log;
        this.requestNs = TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
        this.idleNs = TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMs());
        RequestFraming.putReplyHeader(fullReply, 0, Sockopt.GET, Edpvs.RESOURCE, "too many control socket "
            + "connections (" + config.maxConnections() + "), try again later", 0);
    }

    /** @return open connections (any thread). */
    int open()
    {
        return open;
    }

    boolean full()
    {
        return conns.size() >= config.maxConnections();
    }

    void add(final Conn c)
    {
        conns.add(c);
        open = conns.size();
        counters.connections.incrementAndGet();
    }

    /**
     * At the connection limit: an error reply, never a bare reset. The reply and an end of stream go out at once
     * (a fresh socket's buffer takes 88 bytes); the socket is closed once the client's request (or close) is read,
     * so that the client's write does not fail with a broken pipe, or after the request timeout.
     */
    void refuse(final SocketChannel ch, final Selector selector, final long nowNs)
    {
        counters.refused.incrementAndGet();
        log.warn(Kind.FULL, "{} connections open, the maximum: refusing a new one", conns.size());
        try
        {
            ch.configureBlocking(false);
            ch.write(fullReply.duplicate());
            ch.shutdownOutput();
            if (refused.size() < MAX_REFUSED)
            {
                final Refused r = new Refused(ch, nowNs);
                ch.register(selector, SelectionKey.OP_READ, r);
                refused.add(r);
                return;
            }
            discardUnread(ch);
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
        closeQuietly(ch);
    }

    /** A refused client's request (or close) arrived: read it and close. */
    void refusedReadable(final Refused r)
    {
        discardUnread(r.ch);
        closeRefused(r);
    }

    private void closeRefused(final Refused r)
    {
        closeQuietly(r.ch); // cancels its key
        refused.remove(r);
    }

    /** Closes the connection and gives back what its body held; safe to call twice. */
    void close(final Conn c)
    {
        c.key.cancel();
        closeQuietly(c.ch);
        bodyBudget.release(c.releaseBody());
        conns.remove(c);
        open = conns.size();
    }

    /** Reads, drops and closes (a client whose framing was lost: its unread bytes would reset it). */
    void discardAndClose(final Conn c)
    {
        discardUnread(c.ch);
        close(c);
    }

    void closeAll()
    {
        for (int i = conns.size() - 1; i >= 0; i--)
        {
            close(conns.get(i));
        }
        for (int i = refused.size() - 1; i >= 0; i--)
        {
            closeRefused(refused.get(i));
        }
    }

    /**
     * @return true while the request timeout applies: mid-request, or never having sent a whole header (a client
     *         that connects and says nothing must not hold a connection for the idle timeout).
     */
    static boolean midRequest(final Conn c)
    {
        return Conn.READ_HEADER != c.state || c.header.position() > 0 || !c.served;
    }

    /**
     * @return milliseconds until the sweep has a connection to time out (at least 1), 0 when none is open.
     */
    long nextTimeoutMs(final long nowNs, final long sweepNs)
    {
        if (conns.isEmpty() && refused.isEmpty())
        {
            return 0;
        }
        long nearestNs = Long.MAX_VALUE;
        for (int i = 0; i < conns.size(); i++)
        {
            final Conn c = conns.get(i);
            nearestNs = Math.min(nearestNs, c.sinceNs + (midRequest(c) ? requestNs : idleNs) - nowNs);
        }
        for (int i = 0; i < refused.size(); i++)
        {
            nearestNs = Math.min(nearestNs, refused.get(i).sinceNs + requestNs - nowNs);
        }
        // the sweep runs every sweepNs at most and closes what is over its limit: be back just after
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.max(nearestNs, 0) + sweepNs) + 1);
    }

    /** Closes connections whose request stalled or that idled too long; one failing is closed, the rest go on. */
    void sweep(final long nowNs)
    {
        for (int i = conns.size() - 1; i >= 0; i--)
        {
            final Conn c = conns.get(i);
            try
            {
                final long age = nowNs - c.sinceNs;
                if (midRequest(c) && age > requestNs)
                {
                    timeOut(c, age);
                }
                else if (!midRequest(c) && age > idleNs)
                {
                    LOG.debug("closing a control socket connection idle for {} ms", TimeUnit.NANOSECONDS.toMillis(age));
                    close(c);
                }
            }
            catch (final Throwable th)
            {
                failed(c, th);
            }
        }
        for (int i = refused.size() - 1; i >= 0; i--)
        {
            if (nowNs - refused.get(i).sinceNs > requestNs)
            {
                closeRefused(refused.get(i));
            }
        }
    }

    /** Serving the connection threw (an Error included): it alone is closed, and counted. */
    void failed(final Conn c, final Throwable th)
    {
        counters.connectionFailures.incrementAndGet();
        log.warn(Kind.CONNECTION, "closing a connection whose serving threw", th);
        close(c);
    }

    private void timeOut(final Conn c, final long ageNs)
    {
        final boolean noHeader = !c.served && Conn.READ_HEADER == c.state && 0 == c.header.position();
        (noHeader ? counters.headerTimedOut : counters.timedOut).incrementAndGet();
        log.warn(Kind.STALLED, noHeader ? "closing a client that sent no whole header in {} ms"
            : "closing a client stalled mid-request for {} ms", TimeUnit.NANOSECONDS.toMillis(ageNs));
        if (Conn.WRITE != c.state)
        {
            // a last word, if its socket takes it: DPVS's client prints errstr
            final boolean body = Conn.READ_BODY == c.state;
            RequestFraming.putReplyHeader(c.replyHeader, body ? c.id : 0, body ? c.type : Sockopt.GET, Edpvs.INVAL,
                (noHeader ? "no request within " : "request incomplete after ") + config.requestTimeoutMs() + " ms",
                0);
            try
            {
                c.ch.write(c.replyHeader);
            }
            catch (final IOException ignored)
            {
                // closing anyway
            }
        }
        close(c);
    }

    /**
     * Reads and drops what the client has already sent. Closing a Unix-domain socket with unread data resets the
     * peer, whose next read then fails with "connection reset" instead of ending cleanly after the error reply.
     */
    private void discardUnread(final SocketChannel ch)
    {
        try
        {
            for (int i = 0; i < DISCARD_READS; i++)
            {
                discard.clear();
                if (ch.read(discard) <= 0)
                {
                    return;
                }
            }
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
    }

    static void closeQuietly(final Closeable ch)
    {
        try
        {
            if (null != ch)
            {
                ch.close();
            }
        }
        catch (final IOException ignored)
        {
            // nothing more to do
        }
    }
}
