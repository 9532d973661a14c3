package platform.msgmgr.impl;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import org.jctools.queues.MpmcArrayQueue;

import platform.lcore.api.LcoreScheduler;

/**
 * The message pool: a bounded MPMC queue of cleared messages, fronted by a small stack per lcore. Acquiring from
 * an empty pool allocates (counted), so after warm-up the steady state allocates nothing; returning to a full
 * pool lets the message be collected.
 * <p>
 * Why the per-lcore stacks: a multicast makes the worker return the master's copy and take a reply message, and
 * the master the reverse. Through the shared queue alone its indices would bounce between the two CPUs several
 * times per message; with the stacks each lcore reuses what it was handed back, and the shared queue is touched
 * only when a stack runs empty or full. A stack is touched only by its own lcore thread.
 */
final class MsgPool
{
    /** Messages one lcore keeps for itself. */
    static final int STASH = 64;
    /**
     * Unused slots at each end of a stack's array (64 bytes of references): the stacks are allocated one after the
     * other, so without them the top of one lcore's stack shared a cache line with the next one's header.
     */
    private static final int STASH_PAD = 16;
    /** Lcore ids index the stacks: the scheduler's bound, so every lcore has one. */
    private static final int MAX_LCORES = LcoreScheduler.MAX_LCORES;

    private final MpmcArrayQueue<MsgImpl> free;
    /** The calling thread's lcore id, -1 for other threads. */
    private final IntSupplier currentLcore;
    private final MsgImpl[][] stash = new MsgImpl[MAX_LCORES][];
    /** Each lcore's probe for {@link CacheLines#straddles}, used by that lcore only. */
    private final Object[][] probes = new Object[MAX_LCORES][];
    /** What {@link #refill} allocates between two new messages (kept only to be allocated). */
    @SuppressWarnings("unused")
    private Object filler;
    /** Messages {@link #refill} looks at before it takes a new one. */
    private static final int REFILL_TRIES = 4;
    /**
     * Each lcore's stack depth, one per cache line (stride 16 ints), from the second line on: the first holds the
     * array's length, which every lcore's bounds check reads.
     */
    private final int[] stashed = new int[(MAX_LCORES + 1) * 16];
    final AtomicLong allocated = new AtomicLong();
    /** Messages recycled while already in the pool (a protocol bug; each one also throws). */
    final AtomicLong doubleRecycles = new AtomicLong();
    /** Messages kept off an lcore's stack because their per-use fields straddle two cache lines. */
    final AtomicLong straddlersSkipped = new AtomicLong();

    MsgPool(final int capacity)
    {
        this(capacity, () -> -1);
    }

    MsgPool(final int capacity, final IntSupplier currentLcore)
    {
        this.free = new MpmcArrayQueue<>(capacity);
        this.currentLcore = currentLcore;
        for (int i = 0; i < MAX_LCORES; i++)
        {
            stash[i] = new MsgImpl[STASH_PAD + STASH + STASH_PAD];
            probes[i] = CacheLines.newProbe();
        }
    }

    /** @return the index of lcore {@code id}'s stack depth in {@link #stashed}. */
    private static int depthSlot(final int id)
    {
        return (id + 1) << 4;
    }

    MsgImpl acquire()
    {
        return acquire(currentLcore.getAsInt());
    }

    /**
     * {@link #acquire()} for a caller that knows its lcore id already (a sender asked the scheduler once per send).
     *
     * @param id the calling thread's lcore id, -1 on other threads.
     */
    MsgImpl acquire(final int id)
    {
        if (id >= 0 && id < MAX_LCORES)
        {
            final int n = stashed[depthSlot(id)];
            if (n > 0)
            {
                final MsgImpl[] s = stash[id];
                final MsgImpl m = s[STASH_PAD + n - 1];
                s[STASH_PAD + n - 1] = null;
                stashed[depthSlot(id)] = n - 1;
                m.pooled = false;
                return m;
            }
        }
        // an lcore never waits for a producer preempted mid-offer (it allocates instead); other threads may
        final MsgImpl m = id >= 0 ? free.relaxedPoll() : free.poll();
        if (null != m)
        {
            m.pooled = false;
            return m;
        }
        allocated.incrementAndGet();
        final MsgImpl n = new MsgImpl(this);
        n.clear(-1);
        return n;
    }

    void recycle(final MsgImpl m)
    {
        recycle(m, currentLcore.getAsInt());
    }

    /**
     * {@link #recycle(MsgImpl)} for a caller that knows its lcore id already.
     *
     * @param id the calling thread's lcore id, -1 on other threads.
     */
    void recycle(final MsgImpl m, final int id)
    {
        recycle(m, id, false);
    }

    /**
     * {@link #recycle(MsgImpl, int)}; {@code offStack} when the message's per-use fields straddle two cache lines
     * ({@link CacheLines#straddles}): it then goes to the shared queue, not to the lcore's stack, so the lcore's next
     * sends take messages that sit on one line.
     */
    void recycle(final MsgImpl m, final int id, final boolean offStack)
    {
        if (m.pooled)
        {
            doubleRecycles.incrementAndGet();
            throw new IllegalStateException("message recycled twice: " + m);
        }
        m.clear(id);
        m.pooled = true;
        if (offStack)
        {
            offStack(m, id);
            return;
        }
        if (id >= 0 && id < MAX_LCORES)
        {
            final int n = stashed[depthSlot(id)];
            if (n < STASH)
            {
                stash[id][STASH_PAD + n] = m;
                stashed[depthSlot(id)] = n + 1;
                return;
            }
        }
        free.relaxedOffer(m);
    }

    /**
     * @param id the calling thread's lcore id.
     * @return true when {@code m}'s per-use fields straddle two cache lines where it sits now (false off the
     * lcores: their sends use the shared queue).
     */
    boolean straddles(final MsgImpl m, final int id)
    {
        return id >= 0 && id < MAX_LCORES && CacheLines.straddles(m, probes[id]);
    }

    private void offStack(final MsgImpl m, final int id)
    {
        straddlersSkipped.incrementAndGet();
        free.relaxedOffer(m); // when the shared queue is full, the message is let go, as any recycled there
        if (id >= 0 && id < MAX_LCORES && 0 == stashed[depthSlot(id)])
        {
            refill(id);
        }
    }

    /**
     * Puts one message on one line on lcore {@code id}'s empty stack: else its next send took the straddling one
     * right back from the shared queue, and a sender with one message in flight kept using it. It looks at a few
     * messages of the shared queue, then allocates (counted): a straddling message is recycled this way once per
     * placement of the object, not once per send.
     */
    private void refill(final int id)
    {
        for (int i = 0; i < REFILL_TRIES; i++)
        {
            final MsgImpl n = free.relaxedPoll();
            if (null == n)
            {
                break;
            }
            if (!CacheLines.straddles(n, probes[id]))
            {
                push(id, n);
                return;
            }
            free.relaxedOffer(n); // to the queue's tail: the next poll looks at another one
        }
        for (int i = 0; i < REFILL_TRIES; i++)
        {
            allocated.incrementAndGet();
            final MsgImpl n = new MsgImpl(this);
            n.clear(-1);
            n.pooled = true;
            if (!CacheLines.straddles(n, probes[id]))
            {
                push(id, n);
                return;
            }
            free.relaxedOffer(n);
            // a message and its progress cell take a whole number of lines here, so the next one would sit where
            // this one does: a 16-byte object in between moves it off the straddling offsets (24 and 32 to 40, 48)
            filler = new Object();
        }
    }

    /** Onto lcore {@code id}'s empty stack. */
    private void push(final int id, final MsgImpl n)
    {
        stash[id][STASH_PAD] = n;
        stashed[depthSlot(id)] = 1;
    }

    /** @return how many messages lcore {@code id}'s stack holds: tests, on that lcore (read without synchronization). */
    int stacked(final int id)
    {
        return stashed[depthSlot(id)];
    }

    /**
     * @return messages in the shared queue and on every lcore's stack: for tests, once the lcores are idle (a
     * stack's count is read without synchronization).
     */
    int pooledEverywhere()
    {
        int n = free.size();
        for (int i = 0; i < MAX_LCORES; i++)
        {
            n += stashed[depthSlot(i)];
        }
        return n;
    }

    /**
     * @return messages in the shared queue (the per-lcore stacks are not counted: only their lcores may read them).
     */
    int available()
    {
        return free.size();
    }
}
