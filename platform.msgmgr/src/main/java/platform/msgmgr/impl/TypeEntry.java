package platform.msgmgr.impl;

import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import platform.msgmgr.api.MsgMode;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgTypeSpec;
import platform.msgmgr.api.MulticastHandler;
import platform.msgmgr.api.UnicastHandler;

/**
 * A message type on one lcore ({@code struct dpvs_msg_type}): the callbacks and the per-(type, lcore) counters.
 * Entered in and removed from that lcore's table by that lcore only (REG/UNREG messages).
 */
final class TypeEntry
{
    final MsgTypeSpec spec;
    final int id;
    final int lcore;
    /** The mode of this lcore's entry: MULTICAST on the master of a multicast type, else UNICAST handling. */
    final MsgMode mode;
    /** IGN for the worker side of a multicast type, as DPVS registers it. */
    final MsgPriority priority;
    /** The ring messages of this type travel on (IGN travels with HIGH). */
    final int ring;
    final UnicastHandler unicast;
    final MulticastHandler multicast;
    final String owner;

    /** Set by the owning lcore when it removed the entry. */
    volatile boolean closed;

    // counters written by senders (any thread)
    final AtomicLong sent = new AtomicLong();
    final AtomicLong ringFull = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();
    /** Latencies above this are recorded as this: a minute, beyond every timeout. */
    static final long MAX_LATENCY_NS = 60_000_000_000L;

    // counters written by the owning lcore only (plain stores; observers read them racily)
    long received;
    long finished;
    long dropped;
    long callbackFailures;
    long lateReplies;

    /**
     * Latency of synchronous sends to this entry (or of multicasts, on the master's entry of a multicast type), in
     * nanoseconds. Senders record without locks or allocation; readers take interval snapshots into
     * {@link #latencyTotal}.
     */
    private final Recorder latency = new Recorder(1, MAX_LATENCY_NS, 2);
    private final Histogram latencyTotal = new Histogram(1, MAX_LATENCY_NS, 2);
    private Histogram interval;

    /**
     * Records a latency, clamped to {@link #MAX_LATENCY_NS}: the histograms have a fixed range so that recording never
     * grows (allocates) them, as an auto-resizing one did at each new largest value (a preemption's 10 ms).
     *
     * @param ns nanoseconds.
     */
    void recordLatency(final long ns)
    {
        latency.recordValue(Math.max(1, Math.min(ns, MAX_LATENCY_NS)));
    }

    /**
     * @return every latency recorded so far (a copy), folding in what senders recorded since the last call.
     */
    synchronized Histogram latencySnapshot()
    {
        interval = latency.getIntervalHistogram(interval);
        latencyTotal.add(interval);
        return latencyTotal.copy();
    }

    TypeEntry(final MsgTypeSpec spec, final int lcore, final boolean masterSideOfMulticast, final String owner)
    {
        this.spec = spec;
        this.id = spec.id();
        this.lcore = lcore;
        this.owner = owner;
        if (MsgMode.MULTICAST == spec.mode())
        {
            this.mode = masterSideOfMulticast ? MsgMode.MULTICAST : MsgMode.UNICAST;
            this.priority = masterSideOfMulticast ? spec.priority() : MsgPriority.IGN;
        }
        else
        {
            this.mode = MsgMode.UNICAST;
            this.priority = spec.priority();
        }
        this.ring = ringOf(spec.priority());
        this.unicast = spec.unicastHandler();
        this.multicast = null != spec.multicastHandler() ? spec.multicastHandler() : replies -> 0;
    }

    static int ringOf(final MsgPriority priority)
    {
        switch (priority)
        {
            case IGN:
            case HIGH:
                return 0;
            case NORM:
                return 1;
            default:
                return 2;
        }
    }

    @Override
    public String toString()
    {
        return "msg type " + id + " (" + spec.name() + ") on lcore " + lcore + " by " + owner;
    }
}
