package platform.mp.client;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import platform.mp.api.MpKind;
import platform.mp.api.MpMessage;
import platform.mp.api.MpReply;

/**
 * The requests an endpoint waits on (DPDK's {@code pending_requests} list): each is sent to its peers, counts
 * nb_sent / nb_received and completes exactly once, on the last reply, the last peer gone or the timeout, and at
 * once when nothing was sent (DPDK's dummy request). Thread-safe: replies come on the connections' reader threads,
 * timeouts on the timer.
 */
final class RequestTable
{
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final ScheduledExecutorService timer;
    private final AtomicLong lateReplies;
    private final AtomicLong timeouts;

    RequestTable(final ScheduledExecutorService timer, final AtomicLong lateReplies, final AtomicLong timeouts)
    {
        this.timer = timer;
        this.lateReplies = lateReplies;
        this.timeouts = timeouts;
    }

    /**
     * Sends a REQ to each target and waits for their replies.
     *
     * @param nb         the name's bytes.
     * @param params     the params.
     * @param fds        the fds (checked).
     * @param timeout    the timeout; null: the caller times the request itself ({@link #expire}).
     * @param targets    where to.
     * @param completion run once with what arrived.
     * @return the request.
     */
    Pending start(final byte[] nb, final byte[] params, final int[] fds, final Duration timeout,
        final Collection<MpConnection> targets, final Consumer<MpReply> completion)
    {
        final Pending p = new Pending(nextId.incrementAndGet(), completion);
        pending.put(p.id, p);
        for (final MpConnection c : targets)
        {
            // awaited before the write: the reply may come back before write() returns
            synchronized (p)
            {
                p.awaiting.add(c);
            }
            final boolean sent = c.write(MpKind.REQ, p.id, nb, params, fds);
            synchronized (p)
            {
                if (sent)
                {
                    p.nbSent++;
                }
                else
                {
                    p.awaiting.remove(c);
                }
            }
        }
        synchronized (p)
        {
            p.sendingDone = true;
        }
        // nothing sent, or every reply already in: complete now (DPDK's dummy request), else at the deadline
        if (!tryComplete(p) && null != timeout)
        {
            p.timeoutTask = timer.schedule(() -> expire(p, true), timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        return p;
    }

    /**
     * A REP or IGN (the connection's reader thread): counts it for its request, completes it with the last.
     *
     * @param c the connection it came on.
     * @param f the frame.
     */
    void replied(final MpConnection c, final Frame f)
    {
        final Pending p = pending.get(f.id());
        if (null == p)
        {
            lateReplies.incrementAndGet();
            MpFds.closeAll(f.fds());
            return;
        }
        synchronized (p)
        {
            if (p.done || !p.awaiting.remove(c))
            {
                lateReplies.incrementAndGet();
                MpFds.closeAll(f.fds());
                return;
            }
            if (MpKind.REP == f.kind())
            {
                p.replies.add(new MpMessage(MpKind.REP, f.name(), f.params(), c.peerId(), f.fds()));
            }
            else
            {
                // DPDK: "not receiving this message is not an error", the peer is not counted
                p.nbSent--;
            }
        }
        tryComplete(p);
    }

    /**
     * A connection is gone: every request waiting for it completes without its reply.
     *
     * @param c the connection.
     */
    void peerGone(final MpConnection c)
    {
        for (final Pending p : pending.values())
        {
            final boolean was;
            synchronized (p)
            {
                was = p.awaiting.remove(c);
            }
            if (was)
            {
                tryComplete(p);
            }
        }
    }

    private boolean tryComplete(final Pending p)
    {
        final MpReply r;
        synchronized (p)
        {
            if (p.done || !p.sendingDone || !p.awaiting.isEmpty())
            {
                return p.done;
            }
            p.done = true;
            r = new MpReply(p.nbSent, p.replies.size(), List.copyOf(p.replies));
        }
        finish(p, r);
        return true;
    }

    /**
     * Completes a request with what arrived, unless it completed already.
     *
     * @param p       the request.
     * @param timeout true when its time is up (counted), false when its requester gave up.
     */
    void expire(final Pending p, final boolean timeout)
    {
        final MpReply r;
        synchronized (p)
        {
            if (p.done)
            {
                return;
            }
            p.done = true;
            p.awaiting.clear();
            r = new MpReply(p.nbSent, p.replies.size(), List.copyOf(p.replies));
        }
        if (timeout)
        {
            timeouts.incrementAndGet();
        }
        finish(p, r);
    }

    private void finish(final Pending p, final MpReply r)
    {
        pending.remove(p.id);
        if (null != p.timeoutTask)
        {
            p.timeoutTask.cancel(false);
        }
        p.completion.accept(r);
    }

    /**
     * @return requests waiting for replies.
     */
    int size()
    {
        return pending.size();
    }

    /** Completes every request with what arrived (the endpoint closes). */
    void expireAll()
    {
        for (final Pending p : pending.values())
        {
            expire(p, true);
        }
    }
}
