package modules.netif.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

import modules.netif.api.Mbuf;
import modules.netif.api.Route4;
import modules.stats.api.LcoreCounters;

/**
 * One forwarding lcore's packet state: the queues it polls, its burst arrays, one transmit burst per port, the
 * route answer it reuses, and its drop counters. Touched by its own lcore only (counters are read whole by
 * others, opaque).
 */
final class LcoreNetif
{
    static final int BAD_HEADER = 0;
    static final int NO_ROUTE = 1;
    static final int NO_NEIGH = 2;
    static final int NEIGH_DROP = 3;
    static final int TTL_EXCEEDED = 4;
    static final int HOOK_DROP = 5;
    static final int HOOK_STOLEN = 6;
    static final int NOT_HANDLED = 7;
    static final int TO_KNI = 8;
    static final int KNI_FULL = 9;
    static final int TX_FULL = 10;
    /** Handed to a feature's receiver (an ethertype's, or a local IPv4 protocol's). */
    static final int RECEIVED = 11;
    /** A receiver said drop, or threw. */
    static final int RECEIVER_DROP = 12;
    /** Built by a feature and sent through the routing path ({@code output4}). */
    static final int LOCAL_OUT = 13;
    /** Names of the drop and hand-over counters, in index order. */
    static final String[] NAMES = {"bad_header", "no_route", "no_neigh", "neigh_drop", "ttl_exceeded",
        "hook_drop", "hook_stolen", "not_handled", "to_kni", "kni_full", "tx_full", "received", "receiver_drop", "local_out"};
    /** Then, in a snapshot, the lcore's DPVS counters (modules.stats), read on the lcore with the others. */
    static final String[] LCORE_NAMES = {"pktburst", "zpktburst", "fpktburst", "z2hpktburst", "h2fpktburst",
        "ipackets", "ibytes", "opackets", "obytes", "dropped"};

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Padding slots before and after the counters, so two lcores' counters never share a line. */
    private static final int PAD = 8;

    final int lcoreId;
    final LcoreCounters counters;
    final Mbuf[] burst = new Mbuf[NetifCore.BURST];
    /** The (port, queue) pairs polled, {@code rxCount} of them. */
    int[] rxPort = new int[0];
    int[] rxQueue = new int[0];
    int rxCount;
    /** Per port: the transmit queue this lcore owns, or -1. */
    final int[] txQueue;
    /** Per port: the burst being filled, and its length. */
    final Mbuf[][] tx;
    final int[] txLen;
    final Route4 route = new Route4();
    private final long[] drops = new long[PAD + NAMES.length + PAD];

    LcoreNetif(final int lcoreId, final int ports, final LcoreCounters counters)
    {
        this.lcoreId = lcoreId;
        this.counters = counters;
        this.txQueue = new int[ports];
        Arrays.fill(txQueue, -1);
        this.tx = new Mbuf[ports][NetifCore.BURST];
        this.txLen = new int[ports];
    }

    void addRx(final int port, final int queue)
    {
        rxPort = Arrays.copyOf(rxPort, rxCount + 1);
        rxQueue = Arrays.copyOf(rxQueue, rxCount + 1);
        rxPort[rxCount] = port;
        rxQueue[rxCount] = queue;
        rxCount++;
    }

    boolean pollsPort(final int port)
    {
        for (int i = 0; i < rxCount; i++)
        {
            if (rxPort[i] == port)
            {
                return true;
            }
        }
        return false;
    }

    void count(final int reason)
    {
        LONGS.setOpaque(drops, PAD + reason, drops[PAD + reason] + 1);
    }

    void count(final int reason, final int n)
    {
        LONGS.setOpaque(drops, PAD + reason, drops[PAD + reason] + n);
    }

    /** @return the drop counters, then the DPVS lcore counters: consistent with each other when called on the lcore. */
    long[] snapshot()
    {
        final long[] s = new long[NAMES.length + LCORE_NAMES.length];
        for (int i = 0; i < NAMES.length; i++)
        {
            s[i] = (long)LONGS.getOpaque(drops, PAD + i);
        }
        final LcoreCounters c = counters;
        int i = NAMES.length;
        s[i++] = c.pktburst();
        s[i++] = c.zpktburst();
        s[i++] = c.fpktburst();
        s[i++] = c.z2hpktburst();
        s[i++] = c.h2fpktburst();
        s[i++] = c.ipackets();
        s[i++] = c.ibytes();
        s[i++] = c.opackets();
        s[i++] = c.obytes();
        s[i] = c.dropped();
        return s;
    }
}
