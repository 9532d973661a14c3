package platform.mp.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import platform.mp.api.MpKind;

/**
 * One Unix-socket connection between the primary and a secondary, served by its endpoint's {@link IoLoop} (one I/O
 * thread for all connections, as DPDK's {@code mp_handle} thread): the loop decodes frames and hands them to the
 * {@link Listener}; writes come from any thread, serialised. The endpoint runs the actions of the messages this
 * connection brings on the loop's thread (one thread hop less per request than a hand-over to another thread); a
 * synchronous request from the loop's thread is refused, since the reply it would wait for has to come through it.
 * <p>
 * The socket is non-blocking, so that one slow peer cannot block a writer (the primary's broadcast to every
 * secondary): a frame is written at once when the peer's socket buffer has room, else it waits in this
 * connection's send queue (its backlog), which the loop flushes when the socket becomes writable. The queue is
 * bounded ({@value #MAX_BACKLOG} frames): a writer that finds it full waits for room, which a peer that reads gives
 * at once (backpressure); a peer that takes nothing for {@value #SLOW_PEER_MS} ms is closed (its pending requests
 * complete without it, and a secondary reconnects). So a stuck secondary delays a burst to the others once, by at
 * most that long, and never holds the primary's memory.
 */
public final class MpConnection
{
    /** What the loop reports. */
    public interface Listener
    {
        /**
         * A valid frame; called on the loop's thread (or, for a REP/IGN, a requester's), must not block long: the
         * loop serves every connection.
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

        /**
         * The peer took nothing from a full send queue for {@value #SLOW_PEER_MS} ms; it is being closed. Called on
         * the writing thread.
         *
         * @param c the connection.
         */
        default void onSlowPeer(final MpConnection c)
        {
        }
    }

    /** The thread of an {@link IoLoop}: it reads every connection of an endpoint and runs the actions of what it reads. */
    public static final class IoThread extends Thread
    {
        IoThread(final Runnable r, final String name)
        {
            super(r, name);
            setDaemon(true);
        }

        /**
         * @return true on an I/O loop's thread.
         */
        public static boolean current()
        {
            return Thread.currentThread() instanceof IoThread;
        }
    }

    /** Frames a peer may leave unread in its send queue; a writer waits for room beyond it. */
    public static final int MAX_BACKLOG = 1024;
    /** A peer that takes no frame from a full send queue for this long is closed. */
    public static final long SLOW_PEER_MS = 1000;

    private final SocketChannel channel;
    private final IoLoop loop;
    /** The key in the loop's selector; the loop's thread only. */
    private SelectionKey key;
    /** The writing side: straight to the socket, or queued while the peer's buffer is full. */
    private final SendQueue out;
    private final FrameReader reader;
    private final Listener listener;
    /**
     * Held while frames are taken from the reader: by the loop, or a requester taking its own replies (which only
     * tries it). The loop parks on it when no requester waits here (a short hold: the requester's one poll); with
     * requesters waiting it only tries it, and leaves the connection to them when it fails.
     */
    private final ReentrantLock readLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Queued for the loop ({@link IoLoop#kick}). */
    final AtomicBoolean kicked = new AtomicBoolean();
    /** Synchronous requesters waiting for replies on this connection, and when the last one stopped. */
    private final AtomicInteger waiters = new AtomicInteger();
    private volatile long lastWaitEnd;
    /** The loop does not watch reads: lent to requesters (loop's thread only). */
    private boolean lent;
    /** The loop reads nothing until resumed (a HELLO waiting for its fd socket). */
    private volatile boolean paused;
    /** Non-zero once an ERROR is queued before the close: when the close happens at the latest (loop's thread). */
    private long closeDeadline;
    /** Frames received and sent. */
    public final AtomicLong msgsIn = new AtomicLong();
    public final AtomicLong msgsOut = new AtomicLong();
    /** Replies a synchronous requester took itself ({@link #pollReplies}), not the loop. */
    public final AtomicLong repliesTakenByRequester = new AtomicLong();
    /** Action names the peer announced (primary side). */
    public final Set<String> announced = ConcurrentHashMap.newKeySet();
    /** When the connection was made, epoch ms. */
    public final long sinceMillis = System.currentTimeMillis();
    private volatile int peerId;
    private volatile long pid;
    private volatile boolean helloDone;
    /** The socket fds travel on, once paired (null: this connection passes none). */
    private volatile FdSocket fdSocket;
    /** fd-carrying frames received (under readLock). */
    private long fdSeqIn;

    /**
     * @param channel     a connected channel (made non-blocking here).
     * @param maxParamLen the longest params accepted from the peer.
     * @param listener    what the loop reports.
     * @param loop        the endpoint's I/O loop.
     * @throws UncheckedIOException when the channel cannot be made non-blocking (the caller closes the channel).
     */
    public MpConnection(final SocketChannel channel, final int maxParamLen, final Listener listener,
        final IoLoop loop)
    {
        this.channel = channel;
        try
        {
            channel.configureBlocking(false);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        this.reader = new FrameReader(new Input(), maxParamLen, this::receiveFds);
        this.out = new SendQueue(channel, closed);
        this.listener = listener;
        this.loop = loop;
    }

    /** Hands the connection to its loop, which starts reading it. */
    public void start()
    {
        loop.kick(this);
    }

    /**
     * Serves the connection on the loop's thread: registers it, flushes its send queue, reads what it brought (at
     * most maxFrames frames; it is kicked again for the rest) and sets what the loop watches.
     */
    void serve(final Selector selector, final int ops, final int maxFrames)
    {
        if (closed.get())
        {
            return;
        }
        try
        {
            if (null == key)
            {
                key = channel.register(selector, 0, this);
            }
            if (0 != closeDeadline)
            {
                finishClose(System.nanoTime());
                return;
            }
            if (0 != (ops & SelectionKey.OP_WRITE))
            {
                out.flush();
            }
            if (0 != (ops & SelectionKey.OP_READ) && !paused)
            {
                read(maxFrames);
            }
            if (!closed.get())
            {
                watch();
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
            // a reset, a close from our side, or a listener that failed: the connection ends either way
            close();
        }
        catch (final Error e)
        {
            // an action out of memory or stack: this connection ends (the peer reconnects), the loop serves the rest
            close();
        }
    }

    private void read(final int maxFrames) throws IOException
    {
        final boolean requesters = waiters.get() > 0;
        if (requesters)
        {
            if (!readLock.tryLock())
            {
                // a requester is reading: it hands back what is not its own (kick)
                lend();
                return;
            }
        }
        else
        {
            readLock.lock();
        }
        try
        {
            Frame f;
            int n = 0;
            while (!closed.get() && !paused && 0 == closeDeadline && null != (f = reader.poll(false)))
            {
                msgsIn.incrementAndGet();
                listener.onFrame(this, f);
                if (++n >= maxFrames)
                {
                    // more may be buffered where the selector cannot see it
                    loop.kick(this);
                    break;
                }
            }
        }
        finally
        {
            readLock.unlock();
        }
        if (reader.ended())
        {
            close();
        }
        else if (requesters)
        {
            lend();
        }
    }

    private void lend()
    {
        if (!lent)
        {
            lent = true;
            loop.lend(this);
        }
    }

    /** Loop's thread: watched again when no requester waited here for idleNs. */
    boolean returnIfIdle(final long now, final long idleNs)
    {
        if (closed.get())
        {
            return true;
        }
        if (waiters.get() > 0 || now - lastWaitEnd < idleNs)
        {
            return false;
        }
        lent = false;
        try
        {
            watch();
        }
        catch (final RuntimeException e)
        {
            close();
        }
        return true;
    }

    /** Loop's thread: what the selector watches. */
    private void watch()
    {
        final boolean pending = out.size() > 0;
        // a writer that queues after this kicks the loop, which comes back here
        final int ops = (lent || paused || 0 != closeDeadline ? 0 : SelectionKey.OP_READ)
            | (pending ? SelectionKey.OP_WRITE : 0);
        if (key.interestOps() != ops)
        {
            key.interestOps(ops);
        }
    }

    /**
     * A synchronous requester starts waiting for replies here: the loop may leave reading to it.
     */
    void beginWait()
    {
        waiters.incrementAndGet();
    }

    /** A synchronous requester stopped waiting here. */
    void endWait()
    {
        lastWaitEnd = System.nanoTime();
        waiters.decrementAndGet();
    }

    /**
     * Registers the socket with a requester's own selector, to block until it is readable.
     *
     * @param selector the requester's selector.
     */
    void watchFrom(final Selector selector)
    {
        try
        {
            final SelectionKey k = channel.keyFor(selector);
            if (null == k)
            {
                channel.register(selector, SelectionKey.OP_READ, this);
            }
            else if (SelectionKey.OP_READ != k.interestOps())
            {
                k.interestOps(SelectionKey.OP_READ);
            }
        }
        catch (final IOException | RuntimeException e)
        {
            // closed: its requests complete without it
        }
    }

    /** Stops the loop from reading until {@link #resumeReads()} (loop's thread; frames read after this wait). */
    public void pauseReads()
    {
        paused = true;
    }

    /** Lets the loop read again (any thread). */
    public void resumeReads()
    {
        paused = false;
        loop.kick(this);
    }

    /**
     * A synchronous requester waiting for replies on this connection takes the ones already there itself, when the
     * loop is not reading: the reply then costs no wake-up of the loop on the requester's path. Only valid REP/IGN
     * frames are taken; a message, a request or anything invalid stays for the loop, which is kicked for it.
     */
    public void pollReplies()
    {
        if (closed.get() || !readLock.tryLock())
        {
            return;
        }
        boolean leftover;
        try
        {
            Frame f;
            while (!closed.get() && null != (f = reader.poll(true)))
            {
                msgsIn.incrementAndGet();
                repliesTakenByRequester.incrementAndGet();
                listener.onFrame(this, f);
            }
            leftover = reader.hasBuffered() || reader.ended();
        }
        catch (final IOException | RuntimeException e)
        {
            // the loop meets it on its next read and ends the connection
            leftover = true;
        }
        finally
        {
            readLock.unlock();
        }
        if (leftover)
        {
            loop.kick(this);
        }
    }

    /** The socket as the frame reader sees it: a read that does not wait. */
    private final class Input implements ReadableByteChannel
    {
        @Override
        public int read(final ByteBuffer dst) throws IOException
        {
            return channel.read(dst);
        }

        @Override
        public boolean isOpen()
        {
            return channel.isOpen();
        }

        @Override
        public void close()
        {
            MpConnection.this.close();
        }
    }

    /**
     * @return frames waiting in the send queue.
     */
    public int backlog()
    {
        return out.size();
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
        final boolean queued;
        try
        {
            // the loop serving this very connection (a reply, a HELLO, an ERROR) never waits for room: this
            // connection's reads would be held
            queued = out.write(MpWire.encode(kind, id, name, params, fds.length), s, fds, !loop.serving(this));
        }
        catch (final SendQueue.SlowPeer e)
        {
            listener.onSlowPeer(this);
            close();
            return false;
        }
        catch (final IOException e)
        {
            close();
            return false;
        }
        if (queued)
        {
            // the loop watches for room from now on
            loop.kick(this);
        }
        msgsOut.incrementAndGet();
        return true;
    }

    /**
     * Tells the peer why with an ERROR frame, then closes: once the send queue is flushed, or after 1 s (the loop
     * finishes it; nothing more is read meanwhile). What the peer already sent is discarded first: closing a Unix
     * socket with unread bytes resets it, and the peer would lose the ERROR. Call on the loop's thread.
     *
     * @param e what was wrong.
     */
    public void closeWithError(final MpProtocolException e)
    {
        write(MpKind.ERROR, 0, new byte[0], MpWire.errorParams(e.code(), e.getMessage()));
        if (!loop.inLoop())
        {
            close();
            return;
        }
        final long now = System.nanoTime();
        // never 0, which means "not closing"
        closeDeadline = (now + 1_000_000_000L) | 1;
        if (!finishClose(now))
        {
            loop.closing(this);
        }
    }

    /** Loop's thread: ends a close with an ERROR once the queue is flushed or the deadline passed; true when done. */
    boolean finishClose(final long now)
    {
        try
        {
            out.flush();
            if (out.size() > 0 && now - closeDeadline < 0)
            {
                watch();
                return false;
            }
            channel.shutdownOutput();
            final ByteBuffer sink = ByteBuffer.allocate(4096);
            // bounded: a peer that keeps writing is closed anyway after 64 KiB
            for (int i = 0; i < 16 && channel.read(sink) > 0; i++)
            {
                sink.clear();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // closing anyway
        }
        close();
        return true;
    }

    /** Closes the socket (idempotent); the listener hears of it once. */
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            try
            {
                // the peer reads its end at once; the loop's selector releases the socket at its next select
                channel.close();
            }
            catch (final IOException e)
            {
                // closing anyway
            }
            if (!loop.inLoop())
            {
                loop.wakeup();
            }
            // requesters' idle selectors may hold the socket too
            loop.flushIdleSelectors();
            final FdSocket s = fdSocket;
            if (null != s)
            {
                s.close();
            }
            out.closed();
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
