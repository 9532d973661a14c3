package platform.metrics.impl;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import platform.common.LogLimiter;
import platform.lcore.api.JobInfo;
import platform.lcore.api.JobState;
import platform.lcore.api.LcoreInfo;
import platform.lcore.api.LcoreScheduler;
import platform.metrics.api.MetricsSource;
import platform.msgmgr.api.MsgLatencyInfo;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgRingInfo;
import platform.msgmgr.api.MsgTypeInfo;
import platform.sockopt.api.Sockopt;
import platform.sockopt.api.SockoptRange;
import platform.sockopt.api.SockoptRegistry;

/**
 * Reads the platform's figures at scrape time: the lcores' loops and idle share, every job's calls and time on every
 * lcore, every message type's counters and sync latency, the rings' fill, the sockopt ranges' requests and errors,
 * then whatever the registered {@link MetricsSource}s write. Nothing is recorded in between: the values are the
 * snapshots the services keep anyway, so an lcore never does any work for the endpoint.
 * <p>
 * Services come and go (a feature's sources with its bundle, a platform service with a restart). Each is held in a
 * field set and cleared under the write lock, and a scrape reads them under the read lock, so once
 * {@link #unbindSource} (or setting a service to null) returns, no scrape calls it again. Thread-safe: scrapes may
 * run concurrently.
 */
final class PlatformCollector implements MultiCollector
{
    private static final Logger LOG = LoggerFactory.getLogger(PlatformCollector.class);
    private static final double NS_PER_S = 1e9;
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<MetricsSource> sources = new CopyOnWriteArrayList<>();
    private LcoreScheduler lcores;
    private MsgManager msg;
    private SockoptRegistry sockopts;

    private final AtomicLong scrapes = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong sourceFailures = new AtomicLong();
    private final LogLimiter failureLog = new LogLimiter(TimeUnit.SECONDS.toNanos(10));

    void lcores(final LcoreScheduler s)
    {
        write(() -> lcores = s);
    }

    /** Clears the scheduler if it is {@code s} (a greedy rebind sets the new one before it unsets the old). */
    void unsetLcores(final LcoreScheduler s)
    {
        write(() -> lcores = lcores == s ? null : lcores);
    }

    void msg(final MsgManager m)
    {
        write(() -> msg = m);
    }

    void unsetMsg(final MsgManager m)
    {
        write(() -> msg = msg == m ? null : msg);
    }

    void sockopts(final SockoptRegistry r)
    {
        write(() -> sockopts = r);
    }

    void unsetSockopts(final SockoptRegistry r)
    {
        write(() -> sockopts = sockopts == r ? null : sockopts);
    }

    void bindSource(final MetricsSource s)
    {
        write(() -> sources.add(s));
    }

    /** Removes a source; once this returns, no scrape calls it again (a scrape calling it is waited for). */
    void unbindSource(final MetricsSource s)
    {
        write(() -> sources.remove(s));
    }

    private void write(final Runnable change)
    {
        lock.writeLock().lock();
        try
        {
            change.run();
        }
        finally
        {
            lock.writeLock().unlock();
        }
    }

    @Override
    public MetricSnapshots collect()
    {
        final Families f = new Families();
        lock.readLock().lock();
        try
        {
            if (null != lcores)
            {
                lcoreSeries(f, lcores.lcores());
                jobSeries(f, lcores.jobs(-1));
            }
            if (null != msg)
            {
                msgTypeSeries(f, msg.types());
                latencySeries(f, msg.latencies());
                ringSeries(f, msg.rings());
            }
            if (null != sockopts)
            {
                sockoptSeries(f, sockopts.ranges());
            }
            for (final MetricsSource s : sources)
            {
                source(f, s);
            }
        }
        finally
        {
            lock.readLock().unlock();
        }
        final long total = rejected.addAndGet(f.rejected());
        f.counter("dplane_metrics_scrapes_total", "Scrapes of the metrics endpoint", scrapes.incrementAndGet());
        f.counter("dplane_metrics_rejected_samples_total", "Samples of metrics sources left out because they were "
            + "malformed (bad name or labels, a name used with another type or labels, duplicate labels)", total);
        f.counter("dplane_metrics_source_failures_total", "Calls of a metrics source that threw",
            sourceFailures.get());
        return f.build();
    }

    private void source(final Families f, final MetricsSource s)
    {
        try
        {
            s.collect(f);
        }
        catch (final RuntimeException ex)
        {
            sourceFailures.incrementAndGet();
            final long left = failureLog.admit(System.nanoTime());
            if (left >= 0)
            {
                LOG.warn("metrics source {} failed; its series are partial in this scrape{}", s.getClass().getName(),
                    LogLimiter.suppressedNote(left), ex);
            }
        }
    }

    static void lcoreSeries(final Families f, final List<LcoreInfo> lcores)
    {
        for (final LcoreInfo l : lcores)
        {
            final String id = Integer.toString(l.id());
            final String role = l.role().name();
            f.gauge("dplane_lcore_info", "An lcore: its role, state, configured CPU (-1: unpinned) and idle strategy",
                1, "lcore", id, "role", role, "state", l.state().name(), "cpu", Integer.toString(l.cpu()),
                "pinned", Boolean.toString(l.pinned()), "idle_strategy", l.idleStrategy());
            f.counter("dplane_lcore_loops_total", "Loop iterations of the lcore", l.loops(), "lcore", id, "role",
                role);
            f.gauge("dplane_lcore_idle_ratio", "Share of the last sampling window (about 1 s) the lcore spent idle",
                l.idlePercent() / 100.0, "lcore", id, "role", role);
            f.gauge("dplane_lcore_longest_loop_seconds", "Longest loop iteration of the lcore",
                l.longestLoopNs() / NS_PER_S, "lcore", id, "role", role);
            f.counter("dplane_lcore_big_loops_total", "Loop iterations over the role's big-loop threshold on the CPU",
                l.bigLoops(), "lcore", id, "role", role);
            f.counter("dplane_lcore_off_cpu_loops_total", "Loop iterations over the threshold only because the thread "
                + "was off the CPU", l.offCpuLoops(), "lcore", id, "role", role);
        }
    }

    static void jobSeries(final Families f, final List<JobInfo> jobs)
    {
        for (final JobInfo j : jobs)
        {
            if (j.lcoreId() < 0)
            {
                continue; // a role no lcore has: the job never runs
            }
            final String[] labels = {"job", j.name(), "role", j.role().name(), "type", j.type().name(), "lcore",
                Integer.toString(j.lcoreId())};
            f.counter("dplane_job_calls_total", "Calls of the job on the lcore", j.calls(), labels);
            f.counter("dplane_job_timed_calls_total", "Calls that were timed (LOOP and SLOW jobs in sampled "
                + "iterations, INIT jobs always)", j.timedCalls(), labels);
            f.counter("dplane_job_time_seconds_total", "Time spent in the timed calls", j.totalNs() / NS_PER_S, labels);
            f.gauge("dplane_job_max_seconds", "Longest timed call", j.maxNs() / NS_PER_S, labels);
            f.counter("dplane_job_failures_total", "Calls that threw", j.failures(), labels);
            f.gauge("dplane_job_quarantined", "1 while the job is quarantined (not called) after repeated failures",
                JobState.QUARANTINED == j.state() ? 1 : 0, labels);
        }
    }

    static void msgTypeSeries(final Families f, final List<MsgTypeInfo> types)
    {
        for (final MsgTypeInfo t : types)
        {
            final String[] labels = msgLabels(t.name(), t.id(), t.lcore());
            f.counter("dplane_msg_sent_total", "Messages sent to the type on the lcore", t.sent(), labels);
            f.counter("dplane_msg_received_total", "Messages the lcore took from its ring", t.received(), labels);
            f.counter("dplane_msg_finished_total", "Messages whose callback succeeded", t.finished(), labels);
            f.counter("dplane_msg_dropped_total", "Messages dropped (type closed, ring full, ...)", t.dropped(),
                labels);
            f.counter("dplane_msg_timeouts_total", "Synchronous sends that timed out", t.timedOut(), labels);
            f.counter("dplane_msg_callback_failures_total", "Callbacks that failed or threw", t.callbackFailures(),
                labels);
            f.counter("dplane_msg_ring_full_total", "Sends refused because the ring was full", t.ringFull(), labels);
            f.counter("dplane_msg_late_replies_total", "Multicast replies after their multicast ended",
                t.lateReplies(), labels);
        }
    }

    static void latencySeries(final Families f, final List<MsgLatencyInfo> latencies)
    {
        for (final MsgLatencyInfo l : latencies)
        {
            final String[] labels = msgLabels(l.name(), l.id(), l.lcore());
            f.summary("dplane_msg_sync_latency_seconds", "Round trip of synchronous sends (multicasts: on the "
                + "master's entry), sampled", l.count(), new double[] {QUANTILES[0], l.p50Ns() / NS_PER_S,
                    QUANTILES[1], l.p90Ns() / NS_PER_S, QUANTILES[2], l.p99Ns() / NS_PER_S, QUANTILES[3],
                    l.p999Ns() / NS_PER_S}, labels);
            f.gauge("dplane_msg_sync_latency_max_seconds", "Longest recorded round trip", l.maxNs() / NS_PER_S,
                labels);
        }
    }

    static void ringSeries(final Families f, final List<MsgRingInfo> rings)
    {
        for (final MsgRingInfo r : rings)
        {
            final String lcore = Integer.toString(r.lcore());
            final String priority = r.priority().name();
            f.gauge("dplane_msg_ring_messages", "Messages waiting in the lcore's ring of this priority", r.fill(),
                "lcore", lcore, "priority", priority);
            f.gauge("dplane_msg_ring_capacity_messages", "Size of the lcore's ring of this priority", r.capacity(),
                "lcore", lcore, "priority", priority);
        }
    }

    static void sockoptSeries(final Families f, final List<SockoptRange> ranges)
    {
        for (final SockoptRange r : ranges)
        {
            final String[] labels = {"sockopt", r.name(), "kind", Sockopt.GET == r.type() ? "get" : "set", "ids",
                r.min() == r.max() ? Integer.toString(r.min()) : String.format(Locale.ROOT, "%d-%d", r.min(), r.max())};
            f.counter("dplane_sockopt_requests_total", "Control socket requests handled by the range", r.calls(),
                labels);
            f.counter("dplane_sockopt_errors_total", "Requests of the range that failed (non-zero code or a throw)",
                r.errors(), labels);
        }
    }

    private static String[] msgLabels(final String name, final int id, final int lcore)
    {
        return new String[] {"msg_type", name, "msg_id", Integer.toString(id), "lcore", Integer.toString(lcore)};
    }
}
