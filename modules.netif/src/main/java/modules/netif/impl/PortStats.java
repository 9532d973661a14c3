package modules.netif.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One queue's counters (DPVS's NIC stats per queue), written only by the lcore that owns the queue with plain-cost
 * opaque stores and read whole by anyone; padded so two queues' counters never share a cache line.
 */
final class PortStats
{
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    static final int IPACKETS = 8;
    static final int IBYTES = 9;
    static final int OPACKETS = 10;
    static final int OBYTES = 11;
    /** Received packets dropped: bad headers, no buffer. */
    static final int IERRORS = 12;
    /** Packets the transmit queue did not take. */
    static final int OERRORS = 13;
    static final int RX_NOMBUF = 14;
    /** Slots 0..7 and 15..22 are padding. */
    private static final int SLOTS = 23;

    /** One array per queue: [queue][slot]. */
    private final long[][] rx;
    private final long[][] tx;

    PortStats(final int rxQueues, final int txQueues)
    {
        rx = new long[rxQueues][SLOTS];
        tx = new long[txQueues][SLOTS];
    }

    void rx(final int queue, final int packets, final long bytes)
    {
        final long[] q = rx[queue];
        LONGS.setOpaque(q, IPACKETS, q[IPACKETS] + packets);
        LONGS.setOpaque(q, IBYTES, q[IBYTES] + bytes);
    }

    void rxError(final int queue, final int packets)
    {
        final long[] q = rx[queue];
        LONGS.setOpaque(q, IERRORS, q[IERRORS] + packets);
    }

    void tx(final int queue, final int packets, final long bytes, final int failed)
    {
        final long[] q = tx[queue];
        LONGS.setOpaque(q, OPACKETS, q[OPACKETS] + packets);
        LONGS.setOpaque(q, OBYTES, q[OBYTES] + bytes);
        if (0 != failed)
        {
            LONGS.setOpaque(q, OERRORS, q[OERRORS] + failed);
        }
    }

    long rxQueue(final int queue, final int slot)
    {
        return queue < rx.length ? (long)LONGS.getOpaque(rx[queue], slot) : 0;
    }

    long txQueue(final int queue, final int slot)
    {
        return queue < tx.length ? (long)LONGS.getOpaque(tx[queue], slot) : 0;
    }

    long rxTotal(final int slot)
    {
        long n = 0;
        for (int q = 0; q < rx.length; q++)
        {
            n += (long)LONGS.getOpaque(rx[q], slot);
        }
        return n;
    }

    long txTotal(final int slot)
    {
        long n = 0;
        for (int q = 0; q < tx.length; q++)
        {
            n += (long)LONGS.getOpaque(tx[q], slot);
        }
        return n;
    }

    int rxQueues()
    {
        return rx.length;
    }

    int txQueues()
    {
        return tx.length;
    }
}
