package platform.sockopt.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import platform.lcore.api.JobInfo;
import platform.lcore.api.LcoreInfo;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.Edpvs;
import platform.sockopt.api.Sockopt;
import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptRange;
import platform.sockopt.api.SockoptReply;
import platform.sockopt.api.SockoptRequest;
import platform.sockopt.api.SockoptSpec;

/**
 * The registry and the server together: what {@link SockoptRuntime} runs and the tests drive directly.
 */
final class SockoptCore
{
    static final String OWNER = "platform.sockopt";

    final Registry registry = new Registry();
    final SockoptServer server;
    private final LcoreScheduler scheduler;
    /**
     * GET 9003, set while a message manager runs (an optional, dynamic reference of the runtime component). Its
     * class alone names the message manager's types: this class loads without them.
     */
    volatile MsgTypesGet msgTypes;
    private SockoptHandle introspection;
    private SockoptHandle serverStats;

    SockoptCore(final ServerConfig config, final LcoreScheduler scheduler)
    {
        this.scheduler = scheduler;
        this.server = new SockoptServer(config, registry, scheduler);
    }

    void start() throws IOException
    {
        server.start();
        introspection = register(SockoptSpec.builder("sockopt").get(Sockopt.GET_RANGES, Sockopt.GET_MSG_TYPES,
            this::getPlatform).build(), OWNER);
        // a range of its own (the 9000..9003 line the tools and tests know stays as it was)
        serverStats = register(SockoptSpec.builder("sockopt-stats").get(Sockopt.GET_SERVER_STATS,
            Sockopt.GET_SERVER_STATS, (request, reply) -> getServerStats(reply)).build(), OWNER);
    }

    void stop()
    {
        if (null != serverStats)
        {
            serverStats.close();
        }
        if (null != introspection)
        {
            introspection.close();
        }
        server.stop();
    }

    /**
     * @param spec  what to register.
     * @param owner the registering bundle.
     * @return the handle.
     */
    SockoptHandle register(final SockoptSpec spec, final String owner)
    {
        if (!OWNER.equals(owner) && ((null != spec.set() && inPlatformIds(spec.setMin(), spec.setMax()))
            || (null != spec.get() && inPlatformIds(spec.getMin(), spec.getMax()))))
        {
            throw new IllegalArgumentException("sockopt " + spec.name() + " (" + owner + "): ids "
                + Sockopt.PLATFORM_ID_MIN + ".." + Sockopt.PLATFORM_ID_MAX + " belong to " + OWNER);
        }
        final RangeEntry set = null == spec.set() ? null
            : new RangeEntry(Sockopt.SET, spec.setMin(), spec.setMax(), spec.version(), spec.name(), owner, spec.set());
        final RangeEntry get = null == spec.get() ? null
            : new RangeEntry(Sockopt.GET, spec.getMin(), spec.getMax(), spec.version(), spec.name(), owner, spec.get());
        final RangeEntry[] entries = null == set ? new RangeEntry[] {get}
            : null == get ? new RangeEntry[] {set} : new RangeEntry[] {set, get};
        registry.add(entries);
        return new Handle(spec, entries);
    }

    private static boolean inPlatformIds(final int min, final int max)
    {
        return min <= Sockopt.PLATFORM_ID_MAX && Sockopt.PLATFORM_ID_MIN <= max;
    }

    List<SockoptRange> ranges()
    {
        return registry.ranges();
    }

    /** The platform's own GETs: ranges, lcores, jobs. */
    private int getPlatform(final SockoptRequest request, final SockoptReply reply)
    {
        switch (request.id())
        {
            case Sockopt.GET_LCORES:
                return getLcores(reply);
            case Sockopt.GET_JOBS:
                return getJobs(request, reply);
            case Sockopt.GET_MSG_TYPES:
                return getMsgTypes(reply);
            default:
                return getRanges(request, reply);
        }
    }

    /** GET {@link Sockopt#GET_LCORES}: the layout is drawn there. */
    private int getLcores(final SockoptReply reply)
    {
        final List<LcoreInfo> lcores = scheduler.lcores();
        final ByteBuffer b = tableBody(reply, lcores.size(), Sockopt.LCORE_ENTRY_LENGTH);
        int at = Sockopt.RANGES_HEADER_LENGTH;
        for (final LcoreInfo l : lcores)
        {
            b.putInt(at + Sockopt.LCORE_ID_OFFSET, l.id());
            b.putInt(at + Sockopt.LCORE_CPU_OFFSET, l.cpu());
            b.put(at + Sockopt.LCORE_PINNED_OFFSET, (byte)(l.pinned() ? 1 : 0));
            b.putLong(at + Sockopt.LCORE_LOOPS_OFFSET, l.loops());
            b.putLong(at + Sockopt.LCORE_LOOPS_PER_SEC_OFFSET, l.loopsPerSec());
            b.putDouble(at + Sockopt.LCORE_IDLE_PERCENT_OFFSET, l.idlePercent());
            b.putLong(at + Sockopt.LCORE_LONGEST_NS_OFFSET, l.longestLoopNs());
            b.putLong(at + Sockopt.LCORE_BIG_LOOPS_OFFSET, l.bigLoops());
            b.putLong(at + Sockopt.LCORE_BIG_LOOP_NS_OFFSET, l.bigLoopNs());
            putString(b, at + Sockopt.LCORE_ROLE_OFFSET, Sockopt.LCORE_ROLE_LENGTH, l.role().name());
            putString(b, at + Sockopt.LCORE_STATE_OFFSET, Sockopt.LCORE_STATE_LENGTH, l.state().name());
            putString(b, at + Sockopt.LCORE_IDLE_OFFSET, Sockopt.LCORE_IDLE_LENGTH, l.idleStrategy());
            at += Sockopt.LCORE_ENTRY_LENGTH;
        }
        return Edpvs.OK;
    }

    /** GET {@link Sockopt#GET_JOBS}: the layout is drawn there. */
    private int getJobs(final SockoptRequest request, final SockoptReply reply)
    {
        final ByteBuffer in = request.body();
        int lcore = -1;
        if (Integer.BYTES == in.remaining())
        {
            lcore = in.getInt(in.position());
            boolean configured = false;
            for (final LcoreInfo l : scheduler.lcores())
            {
                configured |= l.id() == lcore;
            }
            if (!configured)
            {
                reply.message("no lcore " + Integer.toUnsignedString(lcore));
                return Edpvs.INVAL;
            }
        }
        else if (in.hasRemaining())
        {
            // exactly a u32 or nothing: a longer body is not a u32 followed by noise
            reply.message("want nothing (every lcore) or a u32 lcore id, not " + in.remaining() + " bytes");
            return Edpvs.INVAL;
        }
        final List<JobInfo> jobs = scheduler.jobs(lcore);
        final ByteBuffer b = tableBody(reply, jobs.size(), Sockopt.JOB_ENTRY_LENGTH);
        int at = Sockopt.RANGES_HEADER_LENGTH;
        for (final JobInfo j : jobs)
        {
            b.putInt(at + Sockopt.JOB_LCORE_OFFSET, j.lcoreId());
            b.putInt(at + Sockopt.JOB_SKIP_LOOPS_OFFSET, j.skipLoops());
            b.putLong(at + Sockopt.JOB_CALLS_OFFSET, j.calls());
            b.putLong(at + Sockopt.JOB_TOTAL_NS_OFFSET, j.totalNs());
            b.putLong(at + Sockopt.JOB_MAX_NS_OFFSET, j.maxNs());
            b.putLong(at + Sockopt.JOB_FAILURES_OFFSET, j.failures());
            putString(b, at + Sockopt.JOB_ROLE_OFFSET, Sockopt.JOB_ROLE_LENGTH, j.role().name());
            putString(b, at + Sockopt.JOB_TYPE_OFFSET, Sockopt.JOB_TYPE_LENGTH, j.type().name());
            putString(b, at + Sockopt.JOB_STATE_OFFSET, Sockopt.JOB_STATE_LENGTH, j.state().name());
            putString(b, at + Sockopt.JOB_NAME_OFFSET, Sockopt.JOB_NAME_LENGTH, j.name());
            putString(b, at + Sockopt.JOB_OWNER_OFFSET, Sockopt.JOB_OWNER_LENGTH, j.owner());
            at += Sockopt.JOB_ENTRY_LENGTH;
        }
        return Edpvs.OK;
    }

    /** GET {@link Sockopt#GET_MSG_TYPES}: EDPVS_NOTSUPP without a message manager. */
    private int getMsgTypes(final SockoptReply reply)
    {
        final MsgTypesGet m = msgTypes;
        if (null == m)
        {
            reply.message("no message manager running");
            return Edpvs.NOTSUPP;
        }
        return m.get(reply);
    }

    /** GET {@link Sockopt#GET_SERVER_STATS}: the layout is drawn there. */
    private int getServerStats(final SockoptReply reply)
    {
        final SockoptServer s = server;
        final ServerCounters n = s.counters;
        final ByteBuffer b = reply.body(Sockopt.SERVER_STATS_LENGTH);
        b.putLong(Sockopt.STATS_OPEN_OFFSET, s.openConnections());
        b.putLong(Sockopt.STATS_ACCEPTED_OFFSET, n.connections.get());
        b.putLong(Sockopt.STATS_REFUSED_OFFSET, n.refused.get());
        b.putLong(Sockopt.STATS_HEADER_TIMEOUTS_OFFSET, n.headerTimedOut.get());
        b.putLong(Sockopt.STATS_STALLED_OFFSET, n.timedOut.get());
        b.putLong(Sockopt.STATS_CONNECTION_FAILURES_OFFSET, n.connectionFailures.get());
        b.putLong(Sockopt.STATS_REQUESTS_OFFSET, n.requests.get());
        b.putLong(Sockopt.STATS_NOT_SUPPORTED_OFFSET, n.notSupported.get());
        b.putLong(Sockopt.STATS_VERSION_MISMATCH_OFFSET, n.versionMismatch.get());
        b.putLong(Sockopt.STATS_MALFORMED_OFFSET, n.malformed.get());
        b.putLong(Sockopt.STATS_NO_MEMORY_OFFSET, n.noMemory.get());
        b.putLong(Sockopt.STATS_HANDLER_ERRORS_OFFSET, n.handlerErrors.get());
        b.putLong(Sockopt.STATS_HANDLER_THREW_OFFSET, n.handlerThrew.get());
        b.putLong(Sockopt.STATS_IO_ERRORS_OFFSET, n.ioErrors.get());
        b.putLong(Sockopt.STATS_BODY_BYTES_OFFSET, s.bodyBudget.used());
        b.putLong(Sockopt.STATS_BODY_BUDGET_OFFSET, s.bodyBudget.limit);
        b.putLong(Sockopt.STATS_DOORBELL_RINGS_OFFSET, s.doorbell.rings.get());
        b.putLong(Sockopt.STATS_DOORBELL_TIMEOUTS_OFFSET, s.doorbell.timeouts.get());
        b.putLong(Sockopt.STATS_ONE_SHOT_OFFSET, n.oneShotClosed.get());
        return Edpvs.OK;
    }

    /** GET {@link Sockopt#GET_RANGES}: the layout is drawn there. */
    private int getRanges(final SockoptRequest request, final SockoptReply reply)
    {
        final List<SockoptRange> ranges = registry.ranges();
        final ByteBuffer b = tableBody(reply, ranges.size(), Sockopt.RANGES_ENTRY_LENGTH);
        int at = Sockopt.RANGES_HEADER_LENGTH;
        for (final SockoptRange r : ranges)
        {
            b.putInt(at + Sockopt.RANGE_TYPE_OFFSET, r.type());
            b.putInt(at + Sockopt.RANGE_MIN_OFFSET, r.min());
            b.putInt(at + Sockopt.RANGE_MAX_OFFSET, r.max());
            b.putInt(at + Sockopt.RANGE_VERSION_OFFSET, r.version());
            putString(b, at + Sockopt.RANGE_NAME_OFFSET, Sockopt.RANGE_NAME_LENGTH, r.name());
            putString(b, at + Sockopt.RANGE_OWNER_OFFSET, Sockopt.RANGE_OWNER_LENGTH, r.owner());
            b.putLong(at + Sockopt.RANGE_CALLS_OFFSET, r.calls());
            b.putLong(at + Sockopt.RANGE_ERRORS_OFFSET, r.errors());
            at += Sockopt.RANGES_ENTRY_LENGTH;
        }
        return 0;
    }

    /**
     * The body every platform GET answers with: a u32 count, 4 bytes of padding, then {@code count} entries.
     *
     * @return the zeroed body with the count written; entries start at {@link Sockopt#RANGES_HEADER_LENGTH}.
     */
    static ByteBuffer tableBody(final SockoptReply reply, final int count, final int entryLength)
    {
        final ByteBuffer b = reply.body(Sockopt.RANGES_HEADER_LENGTH + count * entryLength);
        b.putInt(0, count);
        return b;
    }

    static void putString(final ByteBuffer b, final int at, final int field, final String s)
    {
        final byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.put(at, bytes, 0, Math.min(bytes.length, field - 1));
    }

    /** A registration; closing takes the ranges out and waits for a handler call in progress. */
    private final class Handle implements SockoptHandle
    {
        private final SockoptSpec spec;
        private final RangeEntry[] entries;
        private boolean closed;

        Handle(final SockoptSpec spec, final RangeEntry[] entries)
        {
            this.spec = spec;
            this.entries = entries;
        }

        @Override
        public SockoptSpec spec()
        {
            return spec;
        }

        @Override
        public void close()
        {
            synchronized (this)
            {
                if (closed)
                {
                    return;
                }
                closed = true;
            }
            registry.remove(entries);
            server.awaitNotServing(entries);
        }

        @Override
        public String toString()
        {
            return spec.toString();
        }
    }
}
