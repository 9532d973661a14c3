package platform.mp.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import platform.mp.api.MpKind;

/**
 * One Unix-socket connection between the primary and a secondary: an I/O thread ({@link IoThread}) that decodes
 * frames and hands them to the {@link Listener}, and writes from any thread, serialised. The endpoint runs the
 * actions of the messages this connection brings on this thread, as DPDK's {@code mp_handle} thread does (one
 * thread hop less per request than a hand-over to another thread); a synchronous request from an I/O thread is
 * refused, since the reply it would wait for may have to come through that very thread.
 * <p>
 * The socket is non-blocking, so that one slow peer cannot block a writer (the primary's broadcast to every
 * secondary): a frame is written at once when the peer's socket buffer has room, else it waits in this
 * connection's send queue (its backlog), which the I/O thread flushes when the socket becomes writable (one
 * selector per connection, watching reads and, while the backlog is not empty, writes). The queue is bounded
 * ({@value #MAX_BACKLOG} frames): a writer that finds it full waits for room, which a peer that reads gives at once
 * (backpressure); a peer that takes nothing for {@value #SLOW_PEER_MS} ms is closed (its pending requests complete
 * without it, and a secondary reconnects). So a stuck secondary delays a burst to the others once, by at most that
 * long, and never holds the primary's memory.
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

    /** The thread that reads a connection (and runs the actions of what it reads). */
    public static final class IoThread extends Thread
    {
        IoThread(final Runnable r, final String name)
        {
            super(r, name);
            setDaemon(true);
        }

        /**
         * @return true on a connection's I/O thread.
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
    private final Selector selector;
    private final SelectionKey key;
    /** Frames not yet (fully) written, in order; guarded by writeLock. */
    private final ArrayDeque<ByteBuffer> backlog = new ArrayDeque<>();
    private final FrameReader reader;
    private final Listener listener;
    private final Object writeLock = new Object();
    /**
     * Held while frames are taken from the reader: by the I/O thread, or a requester taking its own replies (which
     * only tries it). The I/O thread parks on it rather than spinning: spinning measured 13.9 -> 25 us per request
     * to one secondary, the CPU it burns being the one the secondary needs on 2 vCPUs.
     */
    private final ReentrantLock readLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;
    /** Frames received and sent. */
    public final AtomicLong msgsIn = new AtomicLong();
    public final AtomicLong msgsOut = new AtomicLong();
    /** Replies a synchronous requester took itself ({@link #pollReplies}), not this connection's I/O thread. */
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
    /** fd-carrying frames sent (under writeLock) and received (under readLock). */
    private long fdSeqOut;
    private long fdSeqIn;

    /**
     * @param channel     a connected channel (made non-blocking here).
     * @param maxParamLen the longest params accepted from the peer.
     * @param listener    what the reader reports.
     * @param threadName  the reader thread's name.
     * @throws UncheckedIOException when the channel cannot be made non-blocking or registered (the caller closes
     *                              the channel).
     */
    public MpConnection(final SocketChannel channel, final int maxParamLen, final Listener listener,
        final String threadName)
    {
        this.channel = channel;
        Selector sel = null;
        try
        {
            channel.configureBlocking(false);
            sel = Selector.open();
            this.key = channel.register(sel, SelectionKey.OP_READ);
            this.selector = sel;
        }
        catch (final IOException e)
        {
            closeQuietly(sel);
            throw new UncheckedIOException(e);
        }
        this.reader = new FrameReader(new Input(), maxParamLen, this::receiveFds);
        this.listener = listener;
        this.thread = new IoThread(this::readLoop, threadName);
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
            while (!closed.get())
            {
                readLock.lock();
                try
                {
                    Frame f;
                    while (!closed.get() && null != (f = reader.poll(false)))
                    {
                        msgsIn.incrementAndGet();
                        listener.onFrame(this, f);
                    }
                    if (reader.ended())
                    {
                        return;
                    }
                }
                finally
                {
                    readLock.unlock();
                }
                // a requester that reads after this and leaves frames in the buffer wakes the select up
                awaitIo(0);
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

    /**
     * A synchronous requester waiting for replies on this connection takes the ones already there itself, when the
     * I/O thread is not reading: the reply then costs no wake-up of the I/O thread on the requester's path (the
     * I/O thread is woken by the same bytes, finds them taken and waits again). Only valid REP/IGN frames are
     * taken; a message, a request or anything invalid stays for the I/O thread, which is woken for it.
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
            // the I/O thread meets it on its next read and ends the connection
            leftover = true;
        }
        finally
        {
            readLock.unlock();
        }
        if (leftover)
        {
            selector.wakeup();
        }
    }

    private static void closeQuietly(final Selector sel)
    {
        try
        {
            if (null != sel)
            {
                sel.close();
            }
        }
        catch (final IOException e)
        {
            // nothing to do
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

    /** Waits until the socket is readable, or writable with a backlog, then flushes what it can. I/O thread. */
    private void awaitIo(final long timeoutMs) throws IOException
    {
        if (closed.get())
        {
            throw new ClosedChannelException();
        }
        final boolean pending;
        synchronized (writeLock)
        {
            pending = !backlog.isEmpty();
        }
        // a writer that queues after this sees select() return at once: it calls wakeup()
        key.interestOps(pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        selector.select(timeoutMs);
        selector.selectedKeys().clear();
        flush();
    }

    private void flush() throws IOException
    {
        synchronized (writeLock)
        {
            ByteBuffer b;
            while (null != (b = backlog.peek()))
            {
                channel.write(b);
                if (b.hasRemaining())
                {
                    break;
                }
                backlog.poll();
                // a writer waiting for room
                writeLock.notifyAll();
            }
        }
    }

    /**
     * With the send queue full, waits (writeLock held) for the peer to take frames: a peer that reads gives room
     * at once, one that took nothing for {@value #SLOW_PEER_MS} ms is a slow peer. The waiting writer flushes the
     * queue itself every millisecond, so room never depends on this connection's I/O thread, which may be running
     * an action that writes to another full connection. The I/O thread itself (a reply, a HELLO, an ERROR) does
     * not wait: its own reads would be held.
     */
    private void awaitRoom() throws SlowPeer, IOException
    {
        if (backlog.size() < MAX_BACKLOG || Thread.currentThread() == thread)
        {
            return;
        }
        final long deadline = System.nanoTime() + SLOW_PEER_MS * 1_000_000L;
        while (backlog.size() >= MAX_BACKLOG)
        {
            final long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
            if (closed.get())
            {
                throw new ClosedChannelException();
            }
            if (leftMs <= 0)
            {
                throw new SlowPeer();
            }
            flush();
            if (backlog.size() < MAX_BACKLOG)
            {
                return;
            }
            try
            {
                writeLock.wait(Math.min(leftMs, 1));
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new ClosedChannelException();
            }
        }
    }

    /**
     * @return frames waiting in the send queue.
     */
    public int backlog()
    {
        synchronized (writeLock)
        {
            return backlog.size();
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
        boolean queued = false;
        try
        {
            synchronized (writeLock)
            {
                if (fds.length > 0)
                {
                    // the fds wait on their own socket until the peer reads this frame, wherever it is queued
                    s.send(++fdSeqOut, fds);
                }
                if (backlog.isEmpty())
                {
                    channel.write(b);
                }
                if (b.hasRemaining())
                {
                    awaitRoom();
                    backlog.add(b);
                    queued = true;
                }
            }
        }
        catch (final SlowPeer e)
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
            // the I/O thread watches for room from now on
            selector.wakeup();
        }
        msgsOut.incrementAndGet();
        return true;
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
            // the ERROR may wait behind others in the send queue: 1 s for the peer to take them
            final long deadline = System.nanoTime() + 1_000_000_000L;
            while (backlog() > 0 && System.nanoTime() - deadline < 0)
            {
                awaitIo(50);
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
    }

    /** Closes the socket (idempotent); the listener hears of it once. */
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            try
            {
                channel.close();
                // wakes the I/O thread if it is in select(): it finds the channel closed
                selector.close();
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
            // a writer waiting for room finds the connection closed now, not at its deadline
            synchronized (writeLock)
            {
                writeLock.notifyAll();
            }
            listener.onClosed(this);
        }
    }

    /** The send queue is full: the peer is closed. */
    private static final class SlowPeer extends Exception
    {
        private static final long serialVersionUID = 1L;

        SlowPeer()
        {
            super(null, null, false, false);
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
