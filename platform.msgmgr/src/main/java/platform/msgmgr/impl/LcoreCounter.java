package platform.msgmgr.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

import platform.lcore.api.LcoreScheduler;

/**
 * A counter that many threads increment without a read-modify-write on a shared line: each lcore has a slot of its
 * own that only it writes (plain load, opaque store), and threads that are not lcores share an atomic fallback.
 * Readers sum the slots; a sum may miss increments that are in flight, never invent any.
 * <p>
 * A slot is a small array of its own, allocated by its lcore at its first increment (so the steady state allocates
 * nothing) and published with a release store; the value sits in the middle of the array, so that two lcores'
 * slots never share a cache line whatever the allocator put next to them.
 */
final class LcoreCounter
{
    private static final int MAX_LCORES = LcoreScheduler.MAX_LCORES;
    /** 15 longs: the value at index 7 has 56 bytes (plus the array header) on one side, 56 on the other. */
    private static final int SLOT_LONGS = 15;
    private static final int AT = 7;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[][].class);
    private static final VarHandle VALUE = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[][] slots = new long[MAX_LCORES][];
    private final AtomicLong others = new AtomicLong();

    /**
     * Adds one.
     *
     * @param lcoreId the calling thread's lcore id (its own slot), or -1 on another thread (the atomic fallback).
     */
    void increment(final int lcoreId)
    {
        if (lcoreId < 0 || lcoreId >= MAX_LCORES)
        {
            others.incrementAndGet();
            return;
        }
        long[] s = slots[lcoreId]; // plain: only this lcore stores its slot
        if (null == s)
        {
            s = new long[SLOT_LONGS];
            SLOTS.setRelease(slots, lcoreId, s);
        }
        VALUE.setOpaque(s, AT, s[AT] + 1);
    }

    /**
     * @param lcoreId the calling thread's lcore id, or -1 on another thread.
     * @return the calling lcore's own count (exact: only it writes it), or on another thread the fallback's (which
     * the other non-lcore threads move concurrently).
     */
    long own(final int lcoreId)
    {
        if (lcoreId < 0 || lcoreId >= MAX_LCORES)
        {
            return others.get();
        }
        final long[] s = slots[lcoreId];
        return null == s ? 0 : s[AT];
    }

    /**
     * @return the sum over every slot and the fallback.
     */
    long get()
    {
        long sum = others.get();
        for (int i = 0; i < MAX_LCORES; i++)
        {
            final long[] s = (long[])SLOTS.getAcquire(slots, i);
            if (null != s)
            {
                sum += (long)VALUE.getOpaque(s, AT);
            }
        }
        return sum;
    }

    @Override
    public String toString()
    {
        return Long.toString(get());
    }
}
