package modules.netif.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.jctools.queues.MpmcArrayQueue;

/**
 * A fixed set of packet buffers, DPDK's {@code rte_mempool} with per-lcore caches: an lcore allocates from and
 * frees to its own cache, which only it touches (no atomic instruction), and moves buffers between its cache and
 * the shared store in bulk, half a cache at a time. A thread that is not an lcore (id -1) uses the shared store
 * directly. Nothing is allocated after construction.
 */
public final class MbufPool
{
    /** Buffers an lcore keeps for itself, as DPDK's mempool cache (its default size is 256 too). */
    public static final int CACHE_SIZE = 256;
    private static final int MAX_LCORES = 64;
    private static final VarHandle COUNTER;

    static
    {
        try
        {
            COUNTER = MethodHandles.lookup().findVarHandle(Cache.class, "count", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** One lcore's buffers, on cache lines of their own. */
    static final class Cache
    {
        long p0, p1, p2, p3, p4, p5, p6, p7;
        final Mbuf[] stack = new Mbuf[CACHE_SIZE];
        /** Written by the owning lcore only; read whole by anyone for {@link #available()}. */
        int count;
        long allocFailures;
        long doubleFrees;
        long q0, q1, q2, q3, q4, q5, q6, q7;
    }

    private final String name;
    private final int capacity;
    private final MpmcArrayQueue<Mbuf> store;
    private final Cache[] caches = new Cache[MAX_LCORES];
    private final Mbuf[] all;

    /**
     * @param name         for statistics and logs.
     * @param capacity     buffers in the pool.
     * @param bufferSize   bytes of each buffer's array, {@link Mbuf#HEADROOM} included.
     */
    public MbufPool(final String name, final int capacity, final int bufferSize)
    {
        if (capacity < 1 || bufferSize <= Mbuf.HEADROOM)
        {
            throw new IllegalArgumentException("pool " + name + ": capacity " + capacity + " and buffer size "
                + bufferSize + " (must exceed the headroom " + Mbuf.HEADROOM + ")");
        }
        this.name = name;
        this.capacity = capacity;
        this.store = new MpmcArrayQueue<>(Math.max(2, capacity));
        this.all = new Mbuf[capacity];
        for (int i = 0; i < capacity; i++)
        {
            all[i] = new Mbuf(this, i, bufferSize);
            store.offer(all[i]);
        }
        for (int i = 0; i < MAX_LCORES; i++)
        {
            caches[i] = new Cache();
        }
    }

    /** @return its name. */
    public String name()
    {
        return name;
    }

    /** @return how many buffers it has. */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @param lcoreId the calling lcore, or -1 on any other thread.
     * @return a reset buffer, or null when the pool is empty (counted as an allocation failure).
     */
    public Mbuf alloc(final int lcoreId)
    {
        Mbuf m;
        if (lcoreId < 0)
        {
            m = store.poll();
        }
        else
        {
            final Cache c = caches[lcoreId];
            if (0 == c.count)
            {
                refill(c);
            }
            if (0 == c.count)
            {
                c.allocFailures++;
                return null;
            }
            final int n = c.count - 1;
            m = c.stack[n];
            c.stack[n] = null;
            COUNTER.setOpaque(c, n);
        }
        if (null == m)
        {
            return null;
        }
        m.free = false;
        m.reset();
        return m;
    }

    /**
     * Fills an array with buffers, all or none (as {@code rte_pktmbuf_alloc_bulk}).
     *
     * @param lcoreId the calling lcore, or -1.
     * @param out     where to put them.
     * @param n       how many.
     * @return true when {@code n} buffers were put in {@code out[0..n)}; false (and none taken) when the pool
     * has fewer.
     */
    public boolean allocBulk(final int lcoreId, final Mbuf[] out, final int n)
    {
        for (int i = 0; i < n; i++)
        {
            final Mbuf m = alloc(lcoreId);
            if (null == m)
            {
                for (int j = 0; j < i; j++)
                {
                    free(lcoreId, out[j]);
                    out[j] = null;
                }
                return false;
            }
            out[i] = m;
        }
        return true;
    }

    /**
     * Returns a buffer. A buffer freed twice is counted and otherwise ignored (it stays in the pool once).
     *
     * @param lcoreId the calling lcore, or -1.
     * @param m       the buffer, of this pool.
     * @throws IllegalArgumentException when the buffer belongs to another pool.
     */
    public void free(final int lcoreId, final Mbuf m)
    {
        if (m.pool() != this)
        {
            throw new IllegalArgumentException(m + " belongs to pool " + m.pool().name() + ", not " + name);
        }
        if (m.free)
        {
            if (lcoreId >= 0)
            {
                caches[lcoreId].doubleFrees++;
            }
            else
            {
                synchronized (this)
                {
                    caches[0].doubleFrees++;
                }
            }
            return;
        }
        m.free = true;
        if (lcoreId < 0)
        {
            store.offer(m);
            return;
        }
        final Cache c = caches[lcoreId];
        if (CACHE_SIZE == c.count)
        {
            flush(c);
        }
        c.stack[c.count] = m;
        COUNTER.setOpaque(c, c.count + 1);
    }

    /**
     * Frees {@code pkts[from..to)} and clears the slots.
     *
     * @param lcoreId the calling lcore, or -1.
     * @param pkts    the buffers.
     * @param from    first index.
     * @param to      end index, exclusive.
     */
    public void free(final int lcoreId, final Mbuf[] pkts, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            free(lcoreId, pkts[i]);
            pkts[i] = null;
        }
    }

    private void refill(final Cache c)
    {
        int n = c.count;
        final int want = CACHE_SIZE / 2;
        while (n < want)
        {
            final Mbuf m = store.relaxedPoll();
            if (null == m)
            {
                break;
            }
            c.stack[n++] = m;
        }
        COUNTER.setOpaque(c, n);
    }

    private void flush(final Cache c)
    {
        int n = c.count;
        final int keep = CACHE_SIZE / 2;
        while (n > keep)
        {
            final Mbuf m = c.stack[--n];
            c.stack[n] = null;
            // the store has room for every buffer of the pool, so this cannot fail
            store.relaxedOffer(m);
        }
        COUNTER.setOpaque(c, n);
    }

    /** @return buffers not in use: in the shared store or in an lcore's cache (a moving figure, not a snapshot). */
    public int available()
    {
        int n = store.size();
        for (final Cache c : caches)
        {
            n += (int)COUNTER.getOpaque(c);
        }
        return Math.min(n, capacity);
    }

    /** @return buffers taken and not yet freed (a moving figure). */
    public int inUse()
    {
        return capacity - available();
    }

    /** @return allocations that found the pool empty, summed over the lcores. */
    public long allocFailures()
    {
        long n = 0;
        for (final Cache c : caches)
        {
            n += c.allocFailures;
        }
        return n;
    }

    /** @return frees of a buffer that was already free, summed over the lcores. */
    public long doubleFrees()
    {
        long n = 0;
        for (final Cache c : caches)
        {
            n += c.doubleFrees;
        }
        return n;
    }

    /**
     * @param index a buffer's index.
     * @return that buffer (for drivers that address buffers by index).
     */
    public Mbuf get(final int index)
    {
        return all[index];
    }

    @Override
    public String toString()
    {
        return "mbuf pool " + name + " (" + capacity + " buffers, " + available() + " available)";
    }
}
