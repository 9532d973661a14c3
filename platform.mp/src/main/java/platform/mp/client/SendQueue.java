package platform.mp.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection's writing side: a frame goes straight to the non-blocking socket when the peer's buffer has room,
 * else it waits in order in this queue (the backlog), which the I/O loop flushes when the socket is writable. The
 * queue holds {@value MpConnection#MAX_BACKLOG} frames; a writer that finds it full waits for room (backpressure),
 * flushing the queue itself every millisecond, and a peer that took nothing for {@value MpConnection#SLOW_PEER_MS}
 * ms is a slow peer. Writes from any thread, serialised here; fds go on the fd socket first, under the same lock, so
 * their order matches the frames'.
 */
final class SendQueue
{
    /** The send queue stayed full: the peer is closed. */
    static final class SlowPeer extends Exception
    {
        private static final long serialVersionUID = 1L;

        SlowPeer()
        {
            super(null, null, false, false);
        }
    }

    private final SocketChannel channel;
    private final AtomicBoolean closed;
    /** Frames not yet (fully) written, in order; guarded by lock. */
    private final ArrayDeque<ByteBuffer> backlog = new ArrayDeque<>();
    private final Object lock = new Object();
    /** fd-carrying frames sent (under lock). */
    private long fdSeqOut;

    /**
     * @param channel the connection's socket.
     * @param closed  the connection's closed flag (a waiting writer gives up once it is set).
     */
    SendQueue(final SocketChannel channel, final AtomicBoolean closed)
    {
        this.channel = channel;
        this.closed = closed;
    }

    /**
     * Writes or queues one frame.
     *
     * @param b       the encoded frame.
     * @param fdSocket where the fds go (null when there are none).
     * @param fds     the frame's fds, sent first.
     * @param mayWait false on the loop serving this connection: it never waits for room (its reads would be held).
     * @return true when the frame was queued: the loop must watch for room.
     * @throws SlowPeer    when the queue stayed full.
     * @throws IOException when the socket fails or the connection closed meanwhile.
     */
    boolean write(final ByteBuffer b, final FdSocket fdSocket, final int[] fds, final boolean mayWait)
        throws SlowPeer, IOException
    {
        synchronized (lock)
        {
            if (fds.length > 0)
            {
                // the fds wait on their own socket until the peer reads this frame, wherever it is queued
                fdSocket.send(++fdSeqOut, fds);
            }
            if (backlog.isEmpty())
            {
                channel.write(b);
            }
            if (!b.hasRemaining())
            {
                return false;
            }
            if (mayWait)
            {
                awaitRoom();
            }
            backlog.add(b);
            return true;
        }
    }

    /** Writes what the socket takes now. */
    void flush() throws IOException
    {
        synchronized (lock)
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
                lock.notifyAll();
            }
        }
    }

    /** With the queue full, waits (lock held) for the peer to take frames, flushing every millisecond. */
    private void awaitRoom() throws SlowPeer, IOException
    {
        if (backlog.size() < MpConnection.MAX_BACKLOG)
        {
            return;
        }
        final long deadline = System.nanoTime() + MpConnection.SLOW_PEER_MS * 1_000_000L;
        while (backlog.size() >= MpConnection.MAX_BACKLOG)
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
            if (backlog.size() < MpConnection.MAX_BACKLOG)
            {
                return;
            }
            try
            {
                lock.wait(Math.min(leftMs, 1));
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new ClosedChannelException();
            }
        }
    }

    /**
     * @return frames waiting.
     */
    int size()
    {
        synchronized (lock)
        {
            return backlog.size();
        }
    }

    /** The connection closed: a writer waiting for room finds out now, not at its deadline. */
    void closed()
    {
        synchronized (lock)
        {
            lock.notifyAll();
        }
    }
}
