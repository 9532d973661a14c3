package platform.mp.client;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import platform.mp.api.MpReply;

/**
 * A synchronous requester waiting for its request's completion: for a short while it takes the replies that reach
 * its connections itself ({@link MpConnection#pollReplies}) and yields the CPU between tries, then parks until the
 * completion or its deadline. A reply taken during the spin costs neither a wake-up of the connection's I/O thread
 * nor one of a parked requester, which on a shared 2-vCPU machine are most of a round trip's cost.
 */
final class SyncWaiter implements Consumer<MpReply>
{
    private final Thread thread = Thread.currentThread();
    private volatile MpReply reply;
    /** Set before the first park; a completion that sees it unparks (Dekker: reply and parked are volatile). */
    private volatile boolean parked;

    @Override
    public void accept(final MpReply r)
    {
        reply = r;
        if (parked)
        {
            LockSupport.unpark(thread);
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
     * @param spinNs   how long to spin before parking.
     * @param targets  the connections the request went to.
     * @return the completion, or null when the deadline passed or the thread was interrupted first.
     */
    MpReply await(final long deadline, final long spinNs, final MpConnection[] targets)
    {
        final long spinEnd = System.nanoTime() + Math.max(0, spinNs);
        MpReply r;
        while (null == (r = reply) && System.nanoTime() - spinEnd < 0)
        {
            for (final MpConnection c : targets)
            {
                c.pollReplies();
            }
            if (null == (r = reply))
            {
                Thread.yield();
            }
        }
        if (null != r)
        {
            return r;
        }
        parked = true;
        while (null == (r = reply))
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted())
            {
                return null;
            }
            LockSupport.parkNanos(this, left);
        }
        return r;
    }
}
