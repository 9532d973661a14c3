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
final class TypeEntry extends TypeEntryPad1
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

    // counters written by senders (any thread): sent per sending lcore (no atomic per message), the rare ones atomic
    final LcoreCounter sent = new LcoreCounter();
    /** Multicasts accepted, per sending lcore (the master's entry of a multicast type): they pace its sampling. */
    final LcoreCounter multicastsSent = new LcoreCounter();
    final AtomicLong ringFull = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();
    /** Latencies above this are recorded as this: a minute, beyond every timeout. */
    static final long MAX_LATENCY_NS = 60_000_000_000L;

    // the counters the owning lcore writes per message are in TypeEntryLcoreCounters, on lines of their own

    /** Trailing pad (byte fields are laid out last): the objects allocated after this one are the senders'. */
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;

    /**
     * Latency of synchronous sends to this entry (or of multicasts, on the master's entry of a multicast type), in
     * nanoseconds. Senders record without locks or allocation; readers take interval snapshots into
     * {@link #latencyTotal}. Made at the first recording: most entries (a multicast's worker side, asynchronous types)
     * never record, and their three histograms (about 90 KB) made registering a type cost hundreds of microseconds.
     */
    private volatile Recorder latency;
    private Histogram latencyTotal;
    private Histogram interval;
    private static final java.lang.invoke.VarHandle LATENCY;
    /** What {@link #latencySnapshot} returns for an entry that never recorded (read only). */
    private static final Histogram NONE = new Histogram(1, 2, 0);

    static
    {
        try
        {
            LATENCY = java.lang.invoke.MethodHandles.lookup().findVarHandle(TypeEntry.class, "latency",
                Recorder.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /**
     * Records a latency, clamped to {@link #MAX_LATENCY_NS}: the histograms have a fixed range so that recording never
     * grows (allocates) them, as an auto-resizing one did at each new largest value (a preemption's 10 ms).
     *
     * @param ns nanoseconds.
     */
    void recordLatency(final long ns)
    {
        Recorder r = latency;
        if (null == r)
        {
            r = recorder();
        }
        r.recordValue(Math.max(1, Math.min(ns, MAX_LATENCY_NS)));
    }

    /** The recorder, made by whichever sender records first (the others use the winner's). */
    private Recorder recorder()
    {
        final Recorder made = new Recorder(1, MAX_LATENCY_NS, 2);
        final Recorder won = (Recorder)LATENCY.compareAndExchange(this, null, made);
        return null == won ? made : won;
    }

    /**
     * @return every latency recorded so far (a copy, or an empty histogram not to be changed when none was),
     * folding in what senders recorded since the last call.
     */
    synchronized Histogram latencySnapshot()
    {
        final Recorder r = latency;
        if (null == r)
        {
            return NONE;
        }
        if (null == latencyTotal)
        {
            latencyTotal = new Histogram(1, MAX_LATENCY_NS, 2);
        }
        interval = r.getIntervalHistogram(interval);
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

/**
 * Padding: the entry's counters that its lcore writes for every message sit on lines of their own, so that senders
 * reading the entry's final fields (the ring, the counters' holders) on another CPU do not miss for each message.
 */
abstract class TypeEntryPad0
{
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;
}

/** Written by the owning lcore only (plain stores; observers read them racily). */
abstract class TypeEntryLcoreCounters extends TypeEntryPad0
{
    long received;
    long finished;
    long dropped;
    long callbackFailures;
    long lateReplies;
}

abstract class TypeEntryPad1 extends TypeEntryLcoreCounters
{
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;
}
