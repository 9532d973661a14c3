package platform.mp.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import platform.mp.api.MpKind;

/**
 * One Unix-socket connection between the primary and a secondary: a reader thread (the connection's I/O thread)
 * that only decodes frames and hands them to the {@link Listener}, and writes from any thread, serialised.
 * The reader never runs actions or callbacks (the endpoint's dispatch thread does), so nothing a user writes can
 * stall it.
 */
public final class MpConnection
{
    /** What the reader thread reports. */
    public interface Listener
    {
        /**
         * A valid frame; called on the reader thread, must not block.
         *
         * @param c the connection.
         * @param f the frame.
         */
        void onFrame(MpConnection c, Frame f);

        /**
         * Bytes that are not a valid frame; an ERROR was sent and the connection is being closed.
         *
         * @param c the connection.
         * @param e what was wrong.
         */
        void onProtocolError(MpConnection c, MpProtocolException e);

        /**
         * The connection closed (either side, or an error); called once.
         *
         * @param c the connection.
         */
        void onClosed(MpConnection c);
    }

    private final SocketChannel channel;
    private final FrameReader reader;
    private final Listener listener;
    private final Object writeLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;
    /** Frames received and sent. */
    public final AtomicLong msgsIn = new AtomicLong();
    public final AtomicLong msgsOut = new AtomicLong();
    /** Action names the peer announced (primary side). */
    public final Set<String> announced = ConcurrentHashMap.newKeySet();
    /** When the connection was made, epoch ms. */
    public final long sinceMillis = System.currentTimeMillis();
    private volatile int peerId;
    private volatile long pid;
    private volatile boolean helloDone;
    /** The socket fds travel on, once paired (null: this connection passes none). */
    private volatile FdSocket fdSocket;
    /** fd-carrying frames sent (under writeLock) and received (reader thread). */
    private long fdSeqOut;
    private long fdSeqIn;

    /**
     * @param channel     a connected blocking channel.
     * @param maxParamLen the longest params accepted from the peer.
     * @param listener    what the reader reports.
     * @param threadName  the reader thread's name.
     */
    public MpConnection(final SocketChannel channel, final int maxParamLen, final Listener listener,
        final String threadName)
    {
        this.channel = channel;
        this.reader = new FrameReader(channel, maxParamLen, this::receiveFds);
        this.listener = listener;
        this.thread = new Thread(this::readLoop, threadName);
        this.thread.setDaemon(true);
    }

    /** Starts the reader thread. */
    public void start()
    {
        thread.start();
    }

    private void readLoop()
    {
        try
        {
            Frame f;
            while (!closed.get() && null != (f = reader.read()))
            {
                msgsIn.incrementAndGet();
                listener.onFrame(this, f);
            }
        }
        catch (final MpProtocolException e)
        {
            // counted before the close, so that whoever sees the close sees the count
            listener.onProtocolError(this, e);
            closeWithError(e);
        }
        catch (final IOException | RuntimeException e)
        {
            // a reset or a close from our side: the connection ends either way
        }
        finally
        {
            close();
        }
    }

    private int[] receiveFds(final int n) throws IOException
    {
        final FdSocket s = fdSocket;
        return null == s ? null : s.receive(++fdSeqIn, n);
    }

    /**
     * Pairs the connection with its fd socket (closed with the connection).
     *
     * @param s the socket.
     */
    public void attachFds(final FdSocket s)
    {
        fdSocket = s;
        if (closed.get())
        {
            s.close();
        }
    }

    /** Forgets the fd socket (the pairing failed) and closes it. */
    public void detachFds()
    {
        final FdSocket s = fdSocket;
        fdSocket = null;
        if (null != s)
        {
            s.close();
        }
    }

    /**
     * @return true when fds can be passed on this connection.
     */
    public boolean passesFds()
    {
        return null != fdSocket;
    }

    /**
     * Writes one frame; on an I/O error the connection is closed.
     *
     * @param kind   the kind.
     * @param id     the request id.
     * @param name   the name's bytes.
     * @param params the parameters.
     * @return true when written.
     */
    public boolean write(final MpKind kind, final long id, final byte[] name, final byte[] params)
    {
        return write(kind, id, name, params, Frame.NO_FDS);
    }

    /**
     * Writes one frame with fds (sent first on the fd socket; they stay open in this process); on an I/O error
     * the connection is closed.
     *
     * @param kind   the kind.
     * @param id     the request id.
     * @param name   the name's bytes.
     * @param params the parameters.
     * @param fds    0..8 fds; more than 0 on a connection that passes none: not written.
     * @return true when written.
     */
    public boolean write(final MpKind kind, final long id, final byte[] name, final byte[] params, final int[] fds)
    {
        final FdSocket s = fdSocket;
        if (closed.get() || (fds.length > 0 && null == s))
        {
            return false;
        }
        final ByteBuffer b = MpWire.encode(kind, id, name, params, fds.length);
        try
        {
            synchronized (writeLock)
            {
                if (fds.length > 0)
                {
                    s.send(++fdSeqOut, fds);
                }
                while (b.hasRemaining())
                {
                    channel.write(b);
                }
            }
            msgsOut.incrementAndGet();
            return true;
        }
        catch (final IOException e)
        {
            close();
            return false;
        }
    }

    /**
     * Tells the peer why with an ERROR frame, then closes. What the peer already sent is discarded first: closing
     * a Unix socket with unread bytes resets it, and the peer would lose the ERROR. Call on the reader thread.
     *
     * @param e what was wrong.
     */
    public void closeWithError(final MpProtocolException e)
    {
        write(MpKind.ERROR, 0, new byte[0], MpWire.errorParams(e.code(), e.getMessage()));
        try
        {
            channel.shutdownOutput();
            channel.configureBlocking(false);
            final ByteBuffer sink = ByteBuffer.allocate(4096);
            // bounded: a peer that keeps writing is closed anyway after 64 KiB
            for (int i = 0; i < 16 && channel.read(sink) > 0; i++)
            {
                sink.clear();
            }
        }
        catch (final IOException ex)
        {
            // closing anyway
        }
        close();
    }

    /** Closes the socket (idempotent); the listener hears of it once. */
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            try
            {
                channel.close();
            }
            catch (final IOException e)
            {
                // closing anyway
            }
            final FdSocket s = fdSocket;
            if (null != s)
            {
                s.close();
            }
            listener.onClosed(this);
        }
    }

    /**
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed.get();
    }

    /**
     * @return the peer's id (primary side: the id given at HELLO; secondary side: its own id).
     */
    public int peerId()
    {
        return peerId;
    }

    /**
     * @return the peer's pid from its HELLO.
     */
    public long pid()
    {
        return pid;
    }

    /**
     * @return true once the HELLO exchange is done.
     */
    public boolean helloDone()
    {
        return helloDone;
    }

    /**
     * Records the HELLO.
     *
     * @param id  the peer id.
     * @param pid the peer's pid.
     */
    public void hello(final int id, final long pid)
    {
        this.peerId = id;
        this.pid = pid;
        this.helloDone = true;
    }
}
