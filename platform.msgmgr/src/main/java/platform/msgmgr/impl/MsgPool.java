package platform.msgmgr.impl;

import java.util.concurrent.atomic.AtomicLong;

import org.jctools.queues.MpmcArrayQueue;

/**
 * The message pool: a bounded MPMC queue of cleared messages. Acquiring from an empty pool allocates (counted),
 * so after warm-up the steady state allocates nothing; returning to a full pool lets the message be collected.
 */
final class MsgPool
{
    private final MpmcArrayQueue<MsgImpl> free;
    final AtomicLong allocated = new AtomicLong();

    MsgPool(final int capacity)
    {
        this.free = new MpmcArrayQueue<>(capacity);
    }

    MsgImpl acquire()
    {
        final MsgImpl m = free.relaxedPoll();
        if (null != m)
        {
            return m;
        }
        allocated.incrementAndGet();
        final MsgImpl n = new MsgImpl(this);
        n.clear();
        return n;
    }

    void recycle(final MsgImpl m)
    {
        m.clear();
        free.relaxedOffer(m);
    }

    int available()
    {
        return free.size();
    }
}
