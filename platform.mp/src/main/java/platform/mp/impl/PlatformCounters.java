package platform.mp.impl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.JobInfo;
import platform.lcore.api.LcoreInfo;
import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgTypeInfo;
import platform.sockopt.api.Sockopt;
import platform.sockopt.api.SockoptRange;
import platform.sockopt.api.SockoptRegistry;

/**
 * The platform's counters for the statistics segment, from whichever of the lcore scheduler, the message manager
 * and the control socket are there (optional dynamic references of {@link MpRuntime}; a service that goes away
 * takes its counters out of the segment at the next refresh). Read on the primary's timer thread every
 * {@link MpPrimary#STATS_PERIOD_MS} ms, through the services' listing methods (what {@code lcore:*},
 * {@code msg:*} and {@code ctrl:*} print), so nothing is added to their hot paths.
 * <pre>
 * lcore.ID.loops          loops since start               lcore.ID.idle_bp     idle time, basis points (1/100 %)
 * lcore.ID.loops_per_sec  over the last second            lcore.ID.big_loops   loops over the big-loop threshold
 * lcore.ID.jobs           jobs registered on it           lcore.ID.job_calls   calls of those jobs
 * lcore.ID.job_failures   failed calls
 * msg.sent msg.received msg.finished msg.dropped msg.timed_out msg.callback_failures msg.ring_full
 * msg.late_replies        every message type on every lcore
 * msg.NAME.sent msg.NAME.received msg.NAME.dropped   per type name (summed over its lcores)
 * sockopt.calls sockopt.errors                        every range
 * sockopt.NAME.get.calls sockopt.NAME.get.errors (and .set.)   per registered range
 * port_received_packets.PORT.QUEUE ...                 every feature's MetricsSource ({@link MetricsBridge})
 * </pre>
 * Names over 48 bytes are cut by the segment.
 */
final class PlatformCounters
{
    private static final Logger LOG = LoggerFactory.getLogger(PlatformCounters.class);

    volatile LcoreScheduler lcores;
    volatile MsgManager msgs;
    volatile SockoptRegistry sockopts;
    /**
     * Features' metrics sources (platform.metrics' whiteboard), by the key they were added with (the service's
     * reference); guarded by itself: a removal waits for a collection that is calling the source.
     */
    private final Map<Object, Object> sources = new LinkedHashMap<>();
    /** Sources that threw while collected. */
    final java.util.concurrent.atomic.AtomicLong sourceFailures = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Adds a {@code platform.metrics.api.MetricsSource}: its values go into the segment from the next refresh.
     *
     * @param key    what removes it.
     * @param source the service object.
     */
    void addSource(final Object key, final Object source)
    {
        synchronized (sources)
        {
            sources.put(key, source);
        }
    }

    /**
     * Removes a source; once this returns it is not called again (a running collection finishes first).
     *
     * @param key what it was added with.
     * @return the source, or null.
     */
    Object removeSource(final Object key)
    {
        synchronized (sources)
        {
            return sources.remove(key);
        }
    }

    /**
     * Adds every counter of the services that are there.
     *
     * @param out name to value, in segment order.
     */
    void collect(final Map<String, Long> out)
    {
        final LcoreScheduler l = lcores;
        final MsgManager m = msgs;
        final SockoptRegistry s = sockopts;
        try
        {
            if (null != l)
            {
                lcores(l, out);
            }
            if (null != m)
            {
                messages(m.types(), out);
            }
            if (null != s)
            {
                sockopts(s.ranges(), out);
            }
        }
        catch (final RuntimeException e)
        {
            // a service going away in the middle: its counters come back at the next refresh if it is there
            LOG.debug("platform counters not read", e);
        }
        synchronized (sources)
        {
            for (final Object source : sources.values())
            {
                try
                {
                    MetricsBridge.collect(source, out);
                }
                catch (final RuntimeException | LinkageError e)
                {
                    // one feature's failure leaves the others' figures in (counted, logged at debug: every 100 ms)
                    sourceFailures.incrementAndGet();
                    LOG.debug("metrics source {} failed", source, e);
                }
            }
        }
    }

    private static void lcores(final LcoreScheduler l, final Map<String, Long> out)
    {
        final Map<Integer, long[]> jobs = new LinkedHashMap<>();
        for (final JobInfo j : l.jobs(-1))
        {
            if (j.lcoreId() >= 0)
            {
                final long[] a = jobs.computeIfAbsent(j.lcoreId(), k -> new long[3]);
                a[0]++;
                a[1] += j.calls();
                a[2] += j.failures();
            }
        }
        for (final LcoreInfo i : l.lcores())
        {
            final String p = "lcore." + i.id() + ".";
            out.put(p + "loops", i.loops());
            out.put(p + "loops_per_sec", i.loopsPerSec());
            out.put(p + "idle_bp", Math.round(i.idlePercent() * 100));
            out.put(p + "big_loops", i.bigLoops());
            final long[] a = jobs.getOrDefault(i.id(), new long[3]);
            out.put(p + "jobs", a[0]);
            out.put(p + "job_calls", a[1]);
            out.put(p + "job_failures", a[2]);
        }
    }

    static void messages(final List<MsgTypeInfo> types, final Map<String, Long> out)
    {
        final long[] t = new long[8];
        final Map<String, long[]> byName = new LinkedHashMap<>();
        for (final MsgTypeInfo i : types)
        {
            t[0] += i.sent();
            t[1] += i.received();
            t[2] += i.finished();
            t[3] += i.dropped();
            t[4] += i.timedOut();
            t[5] += i.callbackFailures();
            t[6] += i.ringFull();
            t[7] += i.lateReplies();
            final long[] a = byName.computeIfAbsent(i.name(), k -> new long[3]);
            a[0] += i.sent();
            a[1] += i.received();
            a[2] += i.dropped();
        }
        final String[] total = {"sent", "received", "finished", "dropped", "timed_out", "callback_failures",
            "ring_full", "late_replies"};
        for (int k = 0; k < total.length; k++)
        {
            out.put("msg." + total[k], t[k]);
        }
        for (final Map.Entry<String, long[]> e : byName.entrySet())
        {
            out.put("msg." + e.getKey() + ".sent", e.getValue()[0]);
            out.put("msg." + e.getKey() + ".received", e.getValue()[1]);
            out.put("msg." + e.getKey() + ".dropped", e.getValue()[2]);
        }
    }

    static void sockopts(final List<SockoptRange> ranges, final Map<String, Long> out)
    {
        long calls = 0;
        long errors = 0;
        for (final SockoptRange r : ranges)
        {
            calls += r.calls();
            errors += r.errors();
        }
        out.put("sockopt.calls", calls);
        out.put("sockopt.errors", errors);
        for (final SockoptRange r : ranges)
        {
            final String p = "sockopt." + r.name() + (Sockopt.GET == r.type() ? ".get." : ".set.");
            out.merge(p + "calls", r.calls(), Long::sum);
            out.merge(p + "errors", r.errors(), Long::sum);
        }
    }
}
