package modules.stats.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One lcore's packet counters (DPVS's {@code netif_lcore_stats}). Single writer: only the lcore they belong to
 * updates them, with plain stores, so counting costs a few adds on the data path and no atomic instruction. Any
 * thread may read them: each value is read whole (opaque), the set is not a snapshot, as in DPVS.
 * <p>
 * Padded on both sides so that two lcores' counters never share a cache line: the padding and the counters live
 * in a chain of superclasses (JCTools' way), since the JVM may reorder the fields of one class.
 */
public final class LcoreCounters extends LcoreCountersRhsPad
{
    private static final VarHandle PKTBURST;
    private static final VarHandle ZPKTBURST;
    private static final VarHandle FPKTBURST;
    private static final VarHandle Z2HPKTBURST;
    private static final VarHandle H2FPKTBURST;
    private static final VarHandle IPACKETS;
    private static final VarHandle IBYTES;
    private static final VarHandle OPACKETS;
    private static final VarHandle OBYTES;
    private static final VarHandle DROPPED;

    static
    {
        try
        {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            PKTBURST = l.findVarHandle(LcoreCountersFields.class, "pktburst", long.class);
            ZPKTBURST = l.findVarHandle(LcoreCountersFields.class, "zpktburst", long.class);
            FPKTBURST = l.findVarHandle(LcoreCountersFields.class, "fpktburst", long.class);
            Z2HPKTBURST = l.findVarHandle(LcoreCountersFields.class, "z2hpktburst", long.class);
            H2FPKTBURST = l.findVarHandle(LcoreCountersFields.class, "h2fpktburst", long.class);
            IPACKETS = l.findVarHandle(LcoreCountersFields.class, "ipackets", long.class);
            IBYTES = l.findVarHandle(LcoreCountersFields.class, "ibytes", long.class);
            OPACKETS = l.findVarHandle(LcoreCountersFields.class, "opackets", long.class);
            OBYTES = l.findVarHandle(LcoreCountersFields.class, "obytes", long.class);
            DROPPED = l.findVarHandle(LcoreCountersFields.class, "dropped", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final int lcoreId;
    /** The lcore's queues as DPVS prints them for GET 58, set by the packet I/O bundle; "" when it has none. */
    private volatile String queues = "";

    /**
     * @param lcoreId the lcore they belong to.
     */
    public LcoreCounters(final int lcoreId)
    {
        this.lcoreId = lcoreId;
    }

    /** @return the lcore they belong to. */
    public int lcoreId()
    {
        return lcoreId;
    }

    /**
     * Sets the lcore's queue list that GET 58 ({@code dpip link show cpu}) shows, in DPVS's format: per port and
     * queue index, the receive and the transmit queue each padded to 16 characters ({@code "dpdk0:rx0       "},
     * {@code "--"} where there is none).
     *
     * @param text the list, "" for none (dpip prints "queues none").
     * @since 1.1
     */
    public void queues(final String text)
    {
        queues = null == text ? "" : text;
    }

    /**
     * @return the lcore's queue list as set by the packet I/O bundle, "" when none.
     * @since 1.1
     */
    public String queues()
    {
        return queues;
    }

    /**
     * One receive burst, counted as DPVS's {@code lcore_stats_burst} does: every burst in {@code pktburst}; an
     * empty one in {@code zpktburst} and {@code z2hpktburst}; up to half the burst size in {@code z2hpktburst};
     * more in {@code h2fpktburst}; a full one in {@code h2fpktburst} and {@code fpktburst}. The packets and bytes
     * go to {@code ipackets} and {@code ibytes}.
     *
     * @param packets   packets the burst returned, 0 included.
     * @param burstSize the most a burst can return.
     * @param bytes     their bytes.
     */
    public void rxBurst(final int packets, final int burstSize, final long bytes)
    {
        PKTBURST.setOpaque(this, pktburst + 1);
        if (0 == packets)
        {
            ZPKTBURST.setOpaque(this, zpktburst + 1);
            Z2HPKTBURST.setOpaque(this, z2hpktburst + 1);
            return;
        }
        if (packets <= burstSize / 2)
        {
            Z2HPKTBURST.setOpaque(this, z2hpktburst + 1);
        }
        else
        {
            H2FPKTBURST.setOpaque(this, h2fpktburst + 1);
            if (packets >= burstSize)
            {
                FPKTBURST.setOpaque(this, fpktburst + 1);
            }
        }
        IPACKETS.setOpaque(this, ipackets + packets);
        IBYTES.setOpaque(this, ibytes + bytes);
    }

    /**
     * @param packets packets sent.
     * @param bytes   their bytes.
     */
    public void tx(final int packets, final long bytes)
    {
        OPACKETS.setOpaque(this, opackets + packets);
        OBYTES.setOpaque(this, obytes + bytes);
    }

    /**
     * @param packets packets dropped in software.
     */
    public void drop(final int packets)
    {
        DROPPED.setOpaque(this, dropped + packets);
    }

    public long pktburst()
    {
        return (long)PKTBURST.getOpaque(this);
    }

    public long zpktburst()
    {
        return (long)ZPKTBURST.getOpaque(this);
    }

    public long fpktburst()
    {
        return (long)FPKTBURST.getOpaque(this);
    }

    public long z2hpktburst()
    {
        return (long)Z2HPKTBURST.getOpaque(this);
    }

    public long h2fpktburst()
    {
        return (long)H2FPKTBURST.getOpaque(this);
    }

    public long ipackets()
    {
        return (long)IPACKETS.getOpaque(this);
    }

    public long ibytes()
    {
        return (long)IBYTES.getOpaque(this);
    }

    public long opackets()
    {
        return (long)OPACKETS.getOpaque(this);
    }

    public long obytes()
    {
        return (long)OBYTES.getOpaque(this);
    }

    public long dropped()
    {
        return (long)DROPPED.getOpaque(this);
    }
}

/** Padding before the counters. */
abstract class LcoreCountersLhsPad
{
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

/** The counters, written by their lcore only. */
abstract class LcoreCountersFields extends LcoreCountersLhsPad
{
    long pktburst;
    long zpktburst;
    long fpktburst;
    long z2hpktburst;
    long h2fpktburst;
    long ipackets;
    long ibytes;
    long opackets;
    long obytes;
    long dropped;
}

/** Padding after the counters. */
abstract class LcoreCountersRhsPad extends LcoreCountersFields
{
    long p10, p11, p12, p13, p14, p15, p16, p17;
    long p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}
