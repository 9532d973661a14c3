package platform.mp.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * One I/O thread and one selector for all of an endpoint's connections, as DPDK's single {@code mp_handle} thread:
 * it reads every connection, runs the actions of what it reads (in arrival order per connection), flushes send
 * queues and finishes closes. One thread for all keeps the wake-ups of a broadcast's replies to one thread, not one
 * per secondary.
 * <p>
 * <b>Lending.</b> A synchronous requester reads its own replies ({@link MpConnection#pollReplies}); a wake-up of
 * this thread for bytes the requester takes anyway is pure cost when a request waits on several connections (a
 * broadcast: one wake-up per reply, each an IPI that preempts a secondary on a 2-vCPU machine). So when this thread
 * is woken for a connection such a requester is waiting on, it stops watching that connection's reads (its interest
 * set changes on this thread, at its next select: no wake-up) and leaves it to the requesters, who hand back
 * whatever is not a reply at once ({@link #kick}). A connection no requester waited on for {@value #LEND_IDLE_MS} ms
 * is watched again. While any connection is lent this thread looks at them every tick: 1 ms after a lending
 * starts, doubling while they stay busy, up to {@value #MAX_TICK_MS} ms (a tick is a wake-up too). So a message that
 * reaches a lent connection after the last requester left waits about {@value #MAX_TICK_MS} ms at most (the NAPI
 * trade: polling under load, interrupts when idle).
 * <p>
 * Requesters that run out of spinning block in a selector of their own ({@link #borrowSelector}) on the
 * connections they wait for, so the kernel wakes them, not this thread.
 */
public final class IoLoop implements AutoCloseable
{
    /** The longest tick while connections are lent, in ms (the first is 1 ms; closing connections: 1 ms). */
    static final long MAX_TICK_MS = 8;
    /** A lent connection no requester waited on for this long is watched by this thread again. */
    static final long LEND_IDLE_MS = 1;
    private static final long LEND_IDLE_NS = LEND_IDLE_MS * 1_000_000L;
    /** Frames one connection gets read per pass before the others get their turn. */
    private static final int MAX_FRAMES_PER_PASS = 64;

    private final Selector selector;
    private final MpConnection.IoThread thread;
    /** Connections that need this thread: registration, a read, a write interest, a close. */
    private final ConcurrentLinkedQueue<MpConnection> kicked = new ConcurrentLinkedQueue<>();
    /** Selectors for requesters that block; reused, closed with the loop. */
    private final ConcurrentLinkedDeque<Selector> idleSelectors = new ConcurrentLinkedDeque<>();
    /** Lent and closing connections; this thread only. */
    private final ArrayList<MpConnection> lent = new ArrayList<>();
    private final ArrayList<MpConnection> closing = new ArrayList<>();
    /** The select timeout while connections are lent, ms (this thread only). */
    private long tickMs = 1;
    private final Consumer<SelectionKey> onSelected = this::onSelected;
    private volatile boolean closed;
    /** The connection this thread is serving (this thread only; others read it only through {@link #serving}). */
    private MpConnection current;

    /**
     * @param name the thread's name.
     * @throws UncheckedIOException when no selector can be opened.
     */
    public IoLoop(final String name)
    {
        try
        {
            this.selector = Selector.open();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        this.thread = new MpConnection.IoThread(this::run, name);
        thread.start();
    }

    /**
     * @param c a connection.
     * @return true on this loop's thread while it serves {@code c}.
     */
    boolean serving(final MpConnection c)
    {
        return Thread.currentThread() == thread && current == c;
    }

    /**
     * @return true on this loop's thread.
     */
    boolean inLoop()
    {
        return Thread.currentThread() == thread;
    }

    /**
     * Asks this thread to serve a connection soon: register it, read what it holds, watch its writes, finish its
     * close. Cheap to repeat (one queue entry until served).
     *
     * @param c the connection.
     */
    void kick(final MpConnection c)
    {
        if (c.kicked.compareAndSet(false, true))
        {
            kicked.add(c);
            if (Thread.currentThread() != thread)
            {
                selector.wakeup();
            }
        }
    }

    /** Wakes this thread (a connection closed elsewhere: the selector releases its socket at its next select). */
    void wakeup()
    {
        selector.wakeup();
    }

    /**
     * @return a selector for a requester that blocks; give it back with {@link #returnSelector}.
     * @throws IOException when none can be opened.
     */
    Selector borrowSelector() throws IOException
    {
        final Selector s = idleSelectors.pollFirst();
        return null != s ? s : Selector.open();
    }

    /**
     * @param s a borrowed selector, its keys cancelled and flushed.
     */
    void returnSelector(final Selector s)
    {
        if (closed)
        {
            closeQuietly(s);
            return;
        }
        idleSelectors.offerFirst(s);
        if (closed && idleSelectors.remove(s))
        {
            closeQuietly(s);
        }
    }

    /** Lets the idle requesters' selectors drop the keys of closed sockets (which they otherwise hold open). */
    void flushIdleSelectors()
    {
        final ArrayList<Selector> taken = new ArrayList<>();
        Selector s;
        while (null != (s = idleSelectors.pollFirst()))
        {
            taken.add(s);
        }
        for (final Selector t : taken)
        {
            try
            {
                t.selectNow();
                t.selectedKeys().clear();
                returnSelector(t);
            }
            catch (final IOException | RuntimeException e)
            {
                closeQuietly(t);
            }
        }
    }

    void lend(final MpConnection c)
    {
        if (lent.isEmpty())
        {
            tickMs = 1;
        }
        lent.add(c);
    }

    void closing(final MpConnection c)
    {
        closing.add(c);
    }

    private void run()
    {
        try
        {
            while (!closed)
            {
                serveKicked();
                final long now = System.nanoTime();
                if (!lent.isEmpty())
                {
                    returnIdle(now);
                }
                if (!closing.isEmpty())
                {
                    finishCloses(now);
                }
                if (!kicked.isEmpty())
                {
                    selector.selectNow(onSelected);
                }
                else
                {
                    selector.select(onSelected, !closing.isEmpty() ? 1 : lent.isEmpty() ? 0 : tickMs);
                }
            }
        }
        catch (final IOException | ClosedSelectorException e)
        {
            // the selector is gone: nothing can be served any more; every connection closes below
        }
        finally
        {
            current = null;
            closeAll();
        }
    }

    private void serveKicked()
    {
        // those kicked meanwhile, by this pass too, wait for the next pass (after a select that serves the rest)
        for (int n = kicked.size(); n > 0; n--)
        {
            final MpConnection c = kicked.poll();
            if (null == c)
            {
                return;
            }
            c.kicked.set(false);
            serve(c, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    private void onSelected(final SelectionKey k)
    {
        final int ops;
        try
        {
            ops = k.readyOps();
        }
        catch (final CancelledKeyException e)
        {
            // its socket was closed by another thread since the select: nothing to serve
            return;
        }
        serve((MpConnection) k.attachment(), ops);
    }

    private void serve(final MpConnection c, final int ops)
    {
        current = c;
        try
        {
            c.serve(selector, ops, MAX_FRAMES_PER_PASS);
        }
        finally
        {
            current = null;
        }
    }

    /** Lent connections that no requester waited on for a while are watched again (level-triggered: a backlog shows). */
    private void returnIdle(final long now)
    {
        final int before = lent.size();
        for (int i = lent.size() - 1; i >= 0; i--)
        {
            final MpConnection c = lent.get(i);
            if (c.isClosed() || c.returnIfIdle(now, LEND_IDLE_NS))
            {
                lent.set(i, lent.get(lent.size() - 1));
                lent.remove(lent.size() - 1);
            }
        }
        // still busy: look less often (a tick is a wake-up); one given back: as often as at the start
        tickMs = lent.size() == before ? Math.min(MAX_TICK_MS, 2 * tickMs) : 1;
    }

    private void finishCloses(final long now)
    {
        for (int i = closing.size() - 1; i >= 0; i--)
        {
            final MpConnection c = closing.get(i);
            current = c;
            final boolean done;
            try
            {
                done = c.isClosed() || c.finishClose(now);
            }
            finally
            {
                current = null;
            }
            if (done)
            {
                closing.set(i, closing.get(closing.size() - 1));
                closing.remove(closing.size() - 1);
            }
        }
    }

    private void closeAll()
    {
        try
        {
            for (final SelectionKey k : selector.keys())
            {
                ((MpConnection) k.attachment()).close();
            }
        }
        catch (final ClosedSelectorException e)
        {
            // already closed
        }
        MpConnection c;
        while (null != (c = kicked.poll()))
        {
            c.close();
        }
        closeQuietly(selector);
        Selector s;
        while (null != (s = idleSelectors.poll()))
        {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(final Selector s)
    {
        try
        {
            s.close();
        }
        catch (final IOException e)
        {
            // closing anyway
        }
    }

    /** Stops the thread; every connection it serves is closed. Waits up to 1 s for the thread (not from it). */
    @Override
    public void close()
    {
        closed = true;
        selector.wakeup();
        if (Thread.currentThread() != thread)
        {
            try
            {
                thread.join(1000);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
