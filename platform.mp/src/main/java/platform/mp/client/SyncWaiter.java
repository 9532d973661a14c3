package platform.mp.client;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import platform.mp.api.MpReply;

/**
 * A synchronous requester waiting for its request's completion: for a short while it takes the replies that reach
 * its connections itself ({@link MpConnection#pollReplies}) and yields the CPU between tries; then it blocks in a
 * selector of its own on those connections until the completion or its deadline, taking the replies each time it
 * is woken. Either way the kernel wakes the requester for its replies, as it wakes a client blocked in
 * {@code read}: the loop, which leaves connections with waiting requesters to them ({@link IoLoop}), is not woken
 * for them, and a completion made elsewhere (the loop, another requester, a timeout, a peer gone) wakes the
 * selector.
 */
final class SyncWaiter implements Consumer<MpReply>
{
    /** Poll period when no selector can be opened (out of fds): the loop is kicked to read meanwhile. */
    private static final long FALLBACK_PARK_NS = 1_000_000L;
    private final Thread thread = Thread.currentThread();
    private volatile MpReply reply;
    /** Where the requester blocks (null: parked); set before parked. */
    private volatile Selector selector;
    /** Set before the first block; a completion that sees it wakes the requester (Dekker: both volatile). */
    private volatile boolean parked;

    @Override
    public void accept(final MpReply r)
    {
        reply = r;
        if (parked)
        {
            final Selector s = selector;
            if (null != s)
            {
                // a stale wake-up of a selector that went back to the pool only costs its next user one more pass
                s.wakeup();
            }
            else
            {
                LockSupport.unpark(thread);
            }
        }
    }

    /**
     * @return the completion, or null while there is none.
     */
    MpReply reply()
    {
        return reply;
    }

    /**
     * @param deadline the request's deadline ({@link System#nanoTime}).
     * @param spinNs   how long to spin before blocking.
     * @param targets  the connections the request went to (one loop's).
     * @param loop     their loop.
     * @return the completion, or null when the deadline passed or the thread was interrupted first.
     */
    MpReply await(final long deadline, final long spinNs, final MpConnection[] targets, final IoLoop loop)
    {
        final long spinEnd = System.nanoTime() + Math.max(0, spinNs);
        MpReply r;
        while (null == (r = reply) && System.nanoTime() - spinEnd < 0)
        {
            pollAll(targets);
            if (null == (r = reply))
            {
                Thread.yield();
            }
        }
        if (null != r)
        {
            return r;
        }
        Selector s = null;
        try
        {
            s = loop.borrowSelector();
        }
        catch (final IOException e)
        {
            // out of fds: park and poll
        }
        return null == s ? parkAndPoll(deadline, targets) : block(s, deadline, targets, loop);
    }

    private static void pollAll(final MpConnection[] targets)
    {
        for (final MpConnection c : targets)
        {
            c.pollReplies();
        }
    }

    private MpReply block(final Selector s, final long deadline, final MpConnection[] targets, final IoLoop loop)
    {
        watch(s, targets);
        selector = s;
        parked = true;
        MpReply r;
        try
        {
            while (null == (r = reply))
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0 || Thread.currentThread().isInterrupted())
                {
                    return null;
                }
                // select's timeout is in ms, rounded up: the deadline is checked again after it
                s.select(Math.max(1, (left + 999_999) / 1_000_000));
                s.selectedKeys().clear();
                pollAll(targets);
            }
            return r;
        }
        catch (final IOException e)
        {
            return parkAndPoll(deadline, targets);
        }
        finally
        {
            selector = null;
            release(s, loop);
        }
    }

    /**
     * The selector watches the targets' reads and nothing else. Its keys stay from one wait to the next (a broadcast
     * to the same secondaries changes nothing: no system call beyond the select).
     */
    private static void watch(final Selector s, final MpConnection[] targets)
    {
        for (final SelectionKey k : s.keys())
        {
            try
            {
                if (0 != k.interestOps() && !contains(targets, k.attachment()))
                {
                    k.interestOps(0);
                }
            }
            catch (final RuntimeException e)
            {
                // cancelled: its socket closed
            }
        }
        for (final MpConnection c : targets)
        {
            c.watchFrom(s);
        }
    }

    private static boolean contains(final MpConnection[] targets, final Object o)
    {
        for (final MpConnection c : targets)
        {
            if (c == o)
            {
                return true;
            }
        }
        return false;
    }

    /** Pools the selector; the keys of closed sockets are flushed first, so that their sockets are released. */
    private static void release(final Selector s, final IoLoop loop)
    {
        try
        {
            boolean closed = false;
            for (final SelectionKey k : s.keys())
            {
                if (!k.channel().isOpen())
                {
                    k.cancel();
                    closed = true;
                }
            }
            if (closed)
            {
                s.selectNow();
                s.selectedKeys().clear();
            }
            loop.returnSelector(s);
        }
        catch (final IOException | RuntimeException e)
        {
            try
            {
                s.close();
            }
            catch (final IOException ex)
            {
                // dropped
            }
        }
    }

    private MpReply parkAndPoll(final long deadline, final MpConnection[] targets)
    {
        selector = null;
        parked = true;
        MpReply r;
        while (null == (r = reply))
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted())
            {
                return null;
            }
            LockSupport.parkNanos(this, Math.min(left, FALLBACK_PARK_NS));
            pollAll(targets);
        }
        return r;
    }
}
