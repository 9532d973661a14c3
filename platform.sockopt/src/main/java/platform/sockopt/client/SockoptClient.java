package platform.sockopt.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

import platform.sockopt.api.Sockopt;

/**
 * A client of the control socket. {@link #get} and {@link #set} open a connection per request, as DPVS's tools
 * do; {@link #open()} keeps one for several requests. Each request as a whole (connect, send, receive) is bounded
 * by the timeout. Thread-safe: every request uses its own connection.
 */
@ProviderType
public final class SockoptClient
{
    /** Replies larger than this are refused as malformed. */
    public static final long MAX_REPLY_BODY = 256L << 20;

    private final Path path;
    private final long timeoutNs;

    private SockoptClient(final Path path, final Duration timeout)
    {
        this.path = path;
        this.timeoutNs = timeout.toNanos();
    }

    /**
     * @param path    the socket path ({@link SockoptPaths#clientPath} finds the usual one).
     * @param timeout bound on each request.
     * @return a client.
     */
    public static SockoptClient of(final Path path, final Duration timeout)
    {
        if (timeout.isNegative() || timeout.isZero())
        {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return new SockoptClient(path, timeout);
    }

    public Path path()
    {
        return path;
    }

    /**
     * @param id   a GET id.
     * @param body the request body (may be empty).
     * @return the reply.
     * @throws SockoptClientException when no complete reply came.
     */
    public SockoptResponse get(final int id, final byte[] body) throws SockoptClientException
    {
        return call(Sockopt.GET, id, body);
    }

    /**
     * @param id   a SET id.
     * @param body the request body.
     * @return the reply.
     * @throws SockoptClientException when no complete reply came.
     */
    public SockoptResponse set(final int id, final byte[] body) throws SockoptClientException
    {
        return call(Sockopt.SET, id, body);
    }

    /**
     * One request on a new connection.
     *
     * @param type {@link Sockopt#GET} or {@link Sockopt#SET}.
     * @param id   the id.
     * @param body the body.
     * @return the reply.
     * @throws SockoptClientException when no complete reply came.
     */
    public SockoptResponse call(final int type, final int id, final byte[] body) throws SockoptClientException
    {
        try (Connection c = connect(false))
        {
            return c.call(type, id, body);
        }
    }

    /**
     * @return a connection for several requests in a row.
     * @throws SockoptClientException when the socket is missing or nobody listens.
     */
    public Connection open() throws SockoptClientException
    {
        return connect(true);
    }

    private Connection connect(final boolean keepAlive) throws SockoptClientException
    {
        final long deadline = System.nanoTime() + timeoutNs;
        SocketChannel ch = null;
        try
        {
            ch = SocketChannel.open(UnixDomainSocketAddress.of(path));
            ch.configureBlocking(false);
            return new Connection(ch, Selector.open(), keepAlive);
        }
        catch (final IOException ex)
        {
            close(ch);
            // the JDK reports a missing socket file as a SocketException ("No such file or directory")
            if (!Files.exists(path))
            {
                throw new SockoptClientException(SockoptClientException.Kind.SOCKET_MISSING,
                    "no control socket at " + path + " (is the platform running? DPVS_IPC_FILE sets the path)", ex);
            }
            if (ex instanceof ConnectException)
            {
                throw new SockoptClientException(SockoptClientException.Kind.NOT_RUNNING, "nobody listens on " + path
                    + " (" + ex.getMessage() + "): the platform is not running", ex);
            }
            if (System.nanoTime() - deadline >= 0)
            {
                throw new SockoptClientException(SockoptClientException.Kind.TIMEOUT,
                    "connecting to " + path + " timed out", ex);
            }
            throw new SockoptClientException(SockoptClientException.Kind.IO,
                "cannot connect to " + path + ": " + ex, ex);
        }
    }

    private static void close(final SocketChannel ch)
    {
        if (null != ch)
        {
            try
            {
                ch.close();
            }
            catch (final IOException ignored)
            {
                // nothing more to do
            }
        }
    }

    /** A kept connection: requests one after the other. Not thread-safe. */
    @ProviderType
    public final class Connection implements AutoCloseable
    {
        private final SocketChannel ch;
        private final Selector selector;
        private final ByteBuffer header = ByteBuffer.allocate(Sockopt.REQUEST_HEADER_LENGTH)
            .order(ByteOrder.LITTLE_ENDIAN);
        private final ByteBuffer replyHeader = ByteBuffer.allocate(Sockopt.REPLY_HEADER_LENGTH)
            .order(ByteOrder.LITTLE_ENDIAN);

        /** KEEP_ALIVE in every request, or 0 (one request, as DPVS's tools): the server then closes after it. */
        private final int pad;

        Connection(final SocketChannel ch, final Selector selector, final boolean keepAlive) throws IOException
        {
            this.ch = ch;
            this.selector = selector;
            this.pad = keepAlive ? Sockopt.KEEP_ALIVE : 0;
            ch.register(selector, 0);
        }

        /**
         * @param type {@link Sockopt#GET} or {@link Sockopt#SET}.
         * @param id   the id.
         * @param body the body.
         * @return the reply.
         * @throws SockoptClientException when no complete reply came; the connection is then unusable.
         */
        public SockoptResponse call(final int type, final int id, final byte[] body) throws SockoptClientException
        {
            final long deadline = System.nanoTime() + timeoutNs;
            final byte[] b = null == body ? new byte[0] : body;
            header.clear();
            header.putInt(Sockopt.VERSION).putInt(id).putInt(type).putInt(pad).putLong(b.length).flip();
            try
            {
                write(header, deadline);
                if (b.length > 0)
                {
                    write(ByteBuffer.wrap(b), deadline);
                }
                replyHeader.clear();
                if (!read(replyHeader, deadline))
                {
                    throw new SockoptClientException(SockoptClientException.Kind.PROTOCOL, String.format(
                        "reply header truncated: %d of %d bytes (the server closed the connection)",
                        replyHeader.position(), Sockopt.REPLY_HEADER_LENGTH), null);
                }
                replyHeader.flip();
                final int version = replyHeader.getInt(Sockopt.REPLY_VERSION_OFFSET);
                final int rid = replyHeader.getInt(Sockopt.REPLY_ID_OFFSET);
                final int rtype = replyHeader.getInt(Sockopt.REPLY_TYPE_OFFSET);
                final int errcode = replyHeader.getInt(Sockopt.REPLY_ERRCODE_OFFSET);
                final String errstr = cString(replyHeader, Sockopt.REPLY_ERRSTR_OFFSET, Sockopt.ERRSTR_LENGTH);
                final long len = replyHeader.getLong(Sockopt.REPLY_LEN_OFFSET);
                if (len < 0 || len > MAX_REPLY_BODY)
                {
                    throw new SockoptClientException(SockoptClientException.Kind.PROTOCOL,
                        "reply body length " + len + " out of range", null);
                }
                final byte[] out = new byte[0 != errcode ? 0 : (int)len];
                if (out.length > 0 && !read(ByteBuffer.wrap(out), deadline))
                {
                    throw new SockoptClientException(SockoptClientException.Kind.PROTOCOL,
                        "reply body truncated (" + len + " bytes announced)", null);
                }
                if (Sockopt.VERSION != version)
                {
                    throw new SockoptClientException(SockoptClientException.Kind.PROTOCOL, String.format(
                        "socket msg version not match: 0x%x, expected 0x%x", version, Sockopt.VERSION), null);
                }
                return new SockoptResponse(version, rid, rtype, errcode, errstr, out);
            }
            catch (final SockoptClientException ex)
            {
                close();
                throw ex;
            }
            catch (final IOException ex)
            {
                close();
                throw new SockoptClientException(SockoptClientException.Kind.IO, "control socket I/O failed: " + ex,
                    ex);
            }
        }

        private void write(final ByteBuffer buf, final long deadline) throws IOException
        {
            while (buf.hasRemaining())
            {
                if (0 == ch.write(buf))
                {
                    await(SelectionKey.OP_WRITE, deadline);
                }
            }
        }

        /**
         * @return false on end of stream before the buffer was full.
         */
        private boolean read(final ByteBuffer buf, final long deadline) throws IOException
        {
            while (buf.hasRemaining())
            {
                final int n = ch.read(buf);
                if (n < 0)
                {
                    return false;
                }
                if (0 == n)
                {
                    await(SelectionKey.OP_READ, deadline);
                }
            }
            return true;
        }

        private void await(final int op, final long deadline) throws IOException
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                throw new SockoptClientException(SockoptClientException.Kind.TIMEOUT,
                    "no reply from " + path + " within " + Duration.ofNanos(timeoutNs).toMillis() + " ms", null);
            }
            ch.keyFor(selector).interestOps(op);
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
        }

        @Override
        public void close()
        {
            try
            {
                selector.close();
            }
            catch (final IOException ignored)
            {
                // closing anyway
            }
            SockoptClient.close(ch);
        }
    }

    /**
     * @param b      a buffer.
     * @param offset where a NUL-padded UTF-8 field starts (absolute).
     * @param max    the field's length.
     * @return the text before the first NUL.
     */
    public static String cString(final ByteBuffer b, final int offset, final int max)
    {
        int n = 0;
        while (n < max && 0 != b.get(offset + n))
        {
            n++;
        }
        final byte[] s = new byte[n];
        b.get(offset, s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
