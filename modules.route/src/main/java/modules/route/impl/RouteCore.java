package modules.route.impl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.common.EventPublisher;
import platform.common.Registrations;

import modules.netif.api.Netif;
import modules.netif.api.PortInfo;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import modules.route.api.RouteConf;
import modules.route.api.RouteSpec;
import modules.route.api.Routes;
import platform.lcore.api.Edpvs;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.Msg;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgReply;
import platform.msgmgr.api.MsgTypeHandle;
import platform.msgmgr.api.MsgTypeSpec;
import platform.msgmgr.api.MulticastResult;
import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.api.SockoptReply;
import platform.sockopt.api.SockoptRequest;
import platform.sockopt.api.SockoptSpec;

/**
 * The IPv4 routing table (DPVS's {@code route.c}). Every forwarding lcore and the master lcore hold their own
 * {@link RouteTable}, which only they touch; the master also keeps the routes in insertion order for GET 32.
 * A SET runs on the master lcore: it validates the request as DPVS does, multicasts the change to every worker and
 * waits for all of them ({@code multicastSync}), and only then changes its own table and replies, so an OK means
 * every worker applied it. A failed or timed-out multicast is answered with its code and the lcores that did not
 * answer, and undone on the workers that applied it (DPVS sends the change asynchronously and reports OK whatever
 * the workers did).
 * <p>
 * Workers apply changes idempotently (adding a present prefix or removing an absent one succeeds), so an undo or a
 * table built from {@link #snapshot} can overlap a change in flight without harm.
 */
final class RouteCore implements RouteLookup, Routes
{
    /** Every worker replies with its table's size (for {@code route:lcores} and the tests). */
    static final int MSG_ROUTE_COUNT = 264;
    /** Every worker replies with its own longest match for an address (for {@code route:lookup}). */
    static final int MSG_ROUTE_LOOKUP = 265;
    /** On the master lcore: another thread's {@link #add} or {@link #delete}. */
    static final int MSG_ROUTE_API = 266;
    static final String JOB_NAME = "route_init";
    /** The event an applied change is published as (platform.mp's subscribers; see the README's table). */
    static final String EVENT = "route.change";
    private static final Logger LOG = LoggerFactory.getLogger(RouteCore.class);

    private final LcoreScheduler lcores;
    private final MsgManager msg;
    private final Netif netif;
    private final long timeoutUs;
    private final int expected;
    /** The per-lcore LPM's kind ({@link Lpm#DIR_24_8} or {@link Lpm#DIR_16_8_8}). */
    private final String lpm;
    private final String owner;

    /** Each slot is set, read and changed by its own lcore only. */
    private final RouteTable[] tables = new RouteTable[LcoreScheduler.MAX_LCORES];
    /** Empty tables built while the core starts, taken once by their lcore. */
    private final PreparedTables prepared;
    /** The master lcore's routes in insertion order, by prefix key; written on the master lcore under its lock. */
    private final LinkedHashMap<Long, RouteEntry> master = new LinkedHashMap<>();
    private volatile int size;
    /** Reused on the master lcore for every multicast. */
    private final MulticastResult result = new MulticastResult();

    final AtomicLong added = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    final AtomicLong flushed = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong multicastFailures = new AtomicLong();

    private final Registrations handles = new Registrations(LOG, "route");
    /** Where applied changes go as {@value #EVENT} events (no sink: nothing is formatted or queued). */
    private volatile EventPublisher events = new EventPublisher("route-events", 1, LOG);

    /**
     * @param lcores    the lcores.
     * @param msg       the message manager.
     * @param netif     the ports, by which a route's device is resolved.
     * @param expected  how many routes each table is sized for at first (they grow beyond).
     * @param timeoutUs how long a SET waits for every worker.
     * @param owner     for logs.
     */
    RouteCore(final LcoreScheduler lcores, final MsgManager msg, final Netif netif, final int expected,
        final long timeoutUs, final String owner)
    {
        this(lcores, msg, netif, expected, timeoutUs, owner, Lpm.DIR_16_8_8);
    }

    /**
     * @param lpm each lcore's LPM: {@link Lpm#DIR_24_8} (one read up to /24, 64 MB a table) or
     *            {@link Lpm#DIR_16_8_8} (two or three reads, 256 KB plus 1 KB a group).
     */
    RouteCore(final LcoreScheduler lcores, final MsgManager msg, final Netif netif, final int expected,
        final long timeoutUs, final String owner, final String lpm)
    {
        Lpm.of(lpm, 1);
        this.lpm = lpm;
        this.lcores = lcores;
        this.msg = msg;
        this.netif = netif;
        this.expected = expected;
        this.timeoutUs = timeoutUs;
        this.owner = owner;
        this.prepared = new PreparedTables(lcores, expected, lpm);
    }

    /**
     * Builds the lcores' tables (on this thread, not on the lcores), then registers the message types, the workers'
     * INIT job (each takes its table), then the sockopts (clients can reach the table only once every worker can take
     * its messages). On failure, what was registered is closed again.
     *
     * @param sockopts the control socket's registry.
     */
    void start(final SockoptRegistry sockopts)
    {
        prepared.build();
        try
        {
            register(MsgTypeSpec.multicast(MsgIds.ROUTE_ADD, "route_add", MsgPriority.NORM, this::onAdd, null));
            register(MsgTypeSpec.multicast(MsgIds.ROUTE_DEL, "route_del", MsgPriority.NORM, this::onDel, null));
            register(MsgTypeSpec.multicast(MsgIds.ROUTE_FLUSH, "route_flush", MsgPriority.NORM, this::onFlush,
                null));
            register(MsgTypeSpec.multicast(MSG_ROUTE_COUNT, "route_count", MsgPriority.LOW, this::onCount, null));
            register(MsgTypeSpec.multicast(MSG_ROUTE_LOOKUP, "route_lookup", MsgPriority.LOW, this::onLookup,
                null));
            final MsgTypeHandle api = msg.register(MsgTypeSpec.unicast(MSG_ROUTE_API, "route_api",
                MsgPriority.NORM, this::onApi), msg.masterLcoreId());
            handles.add(api::close);
            final JobHandle init = lcores.register(JobSpec.init(JOB_NAME, LcoreRole.FWD_WORKER, this::initLcore));
            handles.add(init::close);
            final SockoptHandle so = sockopts.register(SockoptSpec.builder("route")
                .set(RouteConf.SOCKOPT_SET_ROUTE_ADD, RouteConf.SOCKOPT_SET_ROUTE_FLUSH, this::onSet)
                .get(RouteConf.SOCKOPT_GET_ROUTE_SHOW, RouteConf.SOCKOPT_GET_ROUTE_SHOW, this::onGet)
                .build());
            handles.add(so::close);
            LOG.info("routing table started for {} (SET timeout {} us)", owner, timeoutUs);
        }
        catch (final RuntimeException ex)
        {
            stop();
            throw ex;
        }
    }

    private void register(final MsgTypeSpec spec)
    {
        final MsgTypeHandle h = msg.registerMulticast(spec);
        handles.add(h::close);
    }

    /** @param p where applied changes are published as {@value #EVENT}; set before {@link #start}. */
    void events(final EventPublisher p)
    {
        this.events = p;
    }

    /** Closes the sockopts, the message types and the job, newest first: none of this bundle's code runs after. */
    void stop()
    {
        handles.closeAll();
        prepared.clear();
    }

    // ------------------------------------------------------------------ on every lcore

    private int initLcore(final int lcoreId)
    {
        table(lcoreId);
        return 0;
    }

    /** The calling lcore's table, built from the master's routes the first time (a worker that starts late). */
    private RouteTable table(final int lcoreId)
    {
        RouteTable t = tables[lcoreId];
        if (null == t)
        {
            final RouteEntry[] s = snapshot();
            t = prepared.take(lcoreId);
            if (null == t)
            {
                t = new RouteTable(Math.max(expected, s.length), prepared.kindOf(lcoreId)); // came later
            }
            for (final RouteEntry e : s)
            {
                t.add(e);
            }
            tables[lcoreId] = t;
        }
        return t;
    }

    private int onAdd(final Msg m)
    {
        table(lcores.currentLcoreId()).add((RouteEntry)m.payload());
        return Edpvs.OK;
    }

    private int onDel(final Msg m)
    {
        table(lcores.currentLcoreId()).remove((RouteEntry)m.payload());
        return Edpvs.OK;
    }

    private int onFlush(final Msg m)
    {
        table(lcores.currentLcoreId()).clear();
        return Edpvs.OK;
    }

    private int onCount(final Msg m)
    {
        m.reply(table(lcores.currentLcoreId()).size());
        return Edpvs.OK;
    }

    private int onLookup(final Msg m)
    {
        final RouteEntry r = table(lcores.currentLcoreId()).match((Integer)m.payload());
        m.reply(null == r ? "no route" : r.toString());
        return Edpvs.OK;
    }

    /**
     * netif's lookup on a forwarding lcore, in the calling lcore's own table. Allocates nothing.
     */
    @Override
    public boolean lookup4(final int lcoreId, final int daddr, final Route4 out)
    {
        final RouteTable t = lcoreId >= 0 && lcoreId < tables.length ? tables[lcoreId] : null;
        return null != t && t.lookup(daddr, out);
    }

    @Override
    public String describe(final int daddr)
    {
        final int id = lcores.currentLcoreId();
        final RouteTable t = id >= 0 ? tables[id] : null;
        final RouteEntry r = null == t ? null : t.match(daddr);
        return null == r ? null : r.toString();
    }

    @Override
    public int size()
    {
        return size;
    }

    // ------------------------------------------------------------------ on the master lcore (sockopt handlers)

    private int onSet(final SockoptRequest req, final SockoptReply rep)
    {
        if (RouteConf.SOCKOPT_SET_ROUTE_FLUSH == req.id())
        {
            return change(MsgIds.ROUTE_FLUSH, null, rep::message);
        }
        final ByteBuffer body = req.body();
        if (body.remaining() != RouteConf.SIZE)
        {
            return refuse(rep::message, Edpvs.INVAL, "dp_vs_route_detail is " + RouteConf.SIZE + " bytes, got "
                + body.remaining());
        }
        final int at = body.position();
        final int af = body.getInt(at + RouteConf.AF_OFFSET);
        if (RouteConf.AF_INET != af && RouteConf.AF_UNSPEC != af)
        {
            return refuse(rep::message, Edpvs.NOTSUPP, "af " + af + ": only inet (2) routes here");
        }
        if (RouteConf.SOCKOPT_SET_ROUTE_SET == req.id())
        {
            return refuse(rep::message, Edpvs.NOTSUPP,
                "route set is not supported (DPVS does not support it either)");
        }
        final RouteSpec spec = RouteDetail.spec(body, at);
        return apply(RouteConf.SOCKOPT_SET_ROUTE_ADD == req.id(), spec, rep::message);
    }

    /**
     * Checks a route add or delete as DPVS does, then against the master's table, then applies it everywhere. On
     * the master lcore.
     *
     * @param add add, else delete.
     * @param r   the route.
     * @param why receives the reason of a refusal or failure.
     * @return the code for the caller.
     */
    private int apply(final boolean add, final RouteSpec r, final Consumer<String> why)
    {
        final int plen = r.plen();
        final int flags = r.flags();
        final int dst = r.dst();
        if (plen < 0 || plen > 32)
        {
            return refuse(why, Edpvs.INVAL, "prefix length " + plen + ": want 0..32");
        }
        if (0 != (flags & (RouteConf.RTF_LOCALIN | RouteConf.RTF_KNI)) && (0 == dst || 32 != plen))
        {
            return refuse(why, Edpvs.INVAL, "a host (local or kni) route needs a /32 address, got "
                + RouteEntry.ip(dst) + "/" + plen);
        }
        if (0 == (flags & (RouteConf.RTF_LOCALIN | RouteConf.RTF_KNI | RouteConf.RTF_FORWARD
            | RouteConf.RTF_DEFAULT)))
        {
            return refuse(why, Edpvs.INVAL, String.format(Locale.ROOT,
                "flags 0x%x: want forward (0x400), localin (0x800), default (0x1000) or kni (0x2000)", flags));
        }
        final String ifname = null == r.ifname() ? "" : r.ifname();
        final PortInfo port = port(ifname);
        if (null == port)
        {
            return refuse(why, Edpvs.INVAL, "no such device: \"" + ifname + "\"");
        }
        final RouteEntry e = new RouteEntry(dst, plen, flags, r.gateway(), r.src(),
            0 != r.mtu() ? r.mtu() : port.mtu(), r.metric(), port.id(), port.name());
        final RouteEntry present = master.get(PrefixMap.key(e.prefix(), plen));
        if (add)
        {
            if (null != present)
            {
                return refuse(why, Edpvs.EXIST, "route exists: " + RouteEntry.ip(present.dst()) + "/" + plen
                    + " dev " + present.ifname());
            }
            return change(MsgIds.ROUTE_ADD, e, why);
        }
        if (null == present || present.port() != e.port())
        {
            return refuse(why, Edpvs.NOTEXIST, "no route " + RouteEntry.ip(dst) + "/" + plen + " dev " + ifname);
        }
        return change(MsgIds.ROUTE_DEL, present, why);
    }

    @Override
    public int add(final RouteSpec route)
    {
        return fromBundle(true, route);
    }

    @Override
    public int delete(final RouteSpec route)
    {
        return fromBundle(false, route);
    }

    /** Another bundle's change: applied on the master lcore, travelling there as a message when called elsewhere. */
    private int fromBundle(final boolean add, final RouteSpec route)
    {
        return fromBundle(add, route, why -> LOG.info("route {} {} from a bundle: {}", add ? "add" : "del", route,
            why));
    }

    /**
     * @param why receives the reason of a refusal, on the master lcore (before the call returns).
     */
    int fromBundle(final boolean add, final RouteSpec route, final Consumer<String> why)
    {
        if (null == route)
        {
            return Edpvs.INVAL;
        }
        if (lcores.currentLcoreId() == msg.masterLcoreId())
        {
            return apply(add, route, why);
        }
        final MsgReply out = new MsgReply();
        // generous: the master answers once the change went through its own multicast (timeoutUs), and a caller
        // told "timed out" while the master still applies the change would be told wrong
        final int rc = msg.sendSync(MSG_ROUTE_API, msg.masterLcoreId(), new Object[] {add, route, why},
            Math.max(5_000_000L, 4 * timeoutUs), out);
        if (Edpvs.OK != rc)
        {
            why.accept("the master lcore did not answer (" + Edpvs.strerror(rc) + ")");
            return rc;
        }
        return (Integer)out.reply();
    }

    /** MSG_ROUTE_API on the master lcore: another thread's {@link #add} or {@link #delete}. */
    @SuppressWarnings("unchecked")
    private int onApi(final Msg m)
    {
        final Object[] p = (Object[])m.payload();
        final Consumer<String> why = (Consumer<String>)p[2];
        m.reply(null == p[0] ? change(MsgIds.ROUTE_FLUSH, null, why) : apply((Boolean)p[0], (RouteSpec)p[1], why));
        return Edpvs.OK;
    }

    /**
     * Flushes every lcore's table from another thread than the master lcore, or on it.
     *
     * @param why receives the reason of a failure.
     * @return the code.
     */
    int flushFromBundle(final Consumer<String> why)
    {
        if (lcores.currentLcoreId() == msg.masterLcoreId())
        {
            return change(MsgIds.ROUTE_FLUSH, null, why);
        }
        final MsgReply out = new MsgReply();
        final int rc = msg.sendSync(MSG_ROUTE_API, msg.masterLcoreId(), new Object[] {null, null, why},
            Math.max(5_000_000L, 4 * timeoutUs), out);
        return Edpvs.OK == rc ? (Integer)out.reply() : rc;
    }

    private PortInfo port(final String name)
    {
        final int id = netif.portId(name);
        if (id < 0)
        {
            return null;
        }
        for (final PortInfo p : netif.ports())
        {
            if (p.id() == id)
            {
                return p;
            }
        }
        return null;
    }

    private int refuse(final Consumer<String> rep, final int code, final String why)
    {
        refused.incrementAndGet();
        rep.accept(why);
        LOG.debug("route SET refused: {} ({})", why, Edpvs.strerror(code));
        return code;
    }

    /**
     * Multicasts a change and applies it to the master's table once every worker did.
     *
     * @param type ROUTE_ADD, ROUTE_DEL or ROUTE_FLUSH.
     * @param e    the route, null for the flush.
     * @param rep  receives the error text.
     * @return the code for the client.
     */
    private int change(final int type, final RouteEntry e, final Consumer<String> rep)
    {
        final int rc = msg.multicastSync(type, e, timeoutUs, result);
        final String what = MsgIds.ROUTE_ADD == type ? "add" : MsgIds.ROUTE_DEL == type ? "del" : "flush";
        if (Edpvs.OK != rc)
        {
            multicastFailures.incrementAndGet();
            final String why = String.format(Locale.ROOT, "route %s not applied: %s; no answer from lcores %s",
                what, Edpvs.strerror(rc), RouteDetail.lcoreList(result.missingMask()));
            LOG.warn("route {} {} failed: {} (asked 0x{}, missing 0x{}); undoing it on the workers", what,
                null == e ? "" : e, Edpvs.strerror(rc), Long.toHexString(result.askedMask()),
                Long.toHexString(result.missingMask()));
            undo(type, e);
            rep.accept(why);
            return rc;
        }
        final RouteTable t = table(lcores.currentLcoreId());
        synchronized (master)
        {
            if (MsgIds.ROUTE_ADD == type)
            {
                master.put(PrefixMap.key(e.prefix(), e.plen()), e);
                t.add(e);
                added.incrementAndGet();
            }
            else if (MsgIds.ROUTE_DEL == type)
            {
                master.remove(PrefixMap.key(e.prefix(), e.plen()));
                t.remove(e);
                deleted.incrementAndGet();
            }
            else
            {
                master.clear();
                t.clear();
                flushed.incrementAndGet();
            }
            size = master.size();
        }
        // every lcore has it: tell the subscribers, through the publisher's queue (never blocks this lcore)
        final EventPublisher ev = events;
        if (ev.active())
        {
            ev.offer(EVENT, MsgIds.ROUTE_ADD == type ? "ADD " + e : MsgIds.ROUTE_DEL == type ? "DEL " + e
                : "FLUSH inet");
        }
        return Edpvs.OK;
    }

    /** Brings the workers back to the master's table after a change failed on some of them. */
    private void undo(final int type, final RouteEntry e)
    {
        int rc;
        if (MsgIds.ROUTE_ADD == type)
        {
            rc = msg.multicastAsync(MsgIds.ROUTE_DEL, e, timeoutUs, (code, replies) -> { });
        }
        else if (MsgIds.ROUTE_DEL == type)
        {
            rc = msg.multicastAsync(MsgIds.ROUTE_ADD, e, timeoutUs, (code, replies) -> { });
        }
        else
        {
            // a failed flush leaves some workers empty: put the master's routes back on all of them
            rc = Edpvs.OK;
            for (final RouteEntry each : snapshot())
            {
                final int one = msg.multicastAsync(MsgIds.ROUTE_ADD, each, timeoutUs, (code, replies) -> { });
                rc = Edpvs.OK == rc ? one : rc;
            }
        }
        if (Edpvs.OK != rc)
        {
            LOG.error("route undo could not be sent ({}): workers may differ from the master's table until the "
                + "next flush", Edpvs.strerror(rc));
        }
    }

    private int onGet(final SockoptRequest req, final SockoptReply rep)
    {
        final ByteBuffer body = req.body();
        int port = -1;
        if (body.remaining() >= RouteConf.SIZE)
        {
            final String ifname = RouteDetail.ifname(body, body.position(), RouteConf.IFNAME_OFFSET,
                RouteConf.IFNAME_LENGTH);
            if (!ifname.isEmpty())
            {
                port = netif.portId(ifname);
                if (port < 0)
                {
                    rep.message("no such device: \"" + ifname + "\"");
                    return Edpvs.NOTEXIST;
                }
            }
        }
        final List<RouteEntry> show = showOrder(port);
        final ByteBuffer out = rep.body(RouteConf.ARRAY_HEADER + show.size() * RouteConf.SIZE);
        out.putInt(show.size());
        for (final RouteEntry e : show)
        {
            e.encode(out);
        }
        return Edpvs.OK;
    }

    /**
     * The routes in the order DPVS lists them: the local (host) routes by their hash bucket (the address's last
     * byte), newest first within one, then the net routes longest prefix first, oldest first within one length.
     *
     * @param port only this port's routes, or -1 for all.
     * @return the routes.
     */
    List<RouteEntry> showOrder(final int port)
    {
        final RouteEntry[] all = snapshot();
        final List<RouteEntry> local = new ArrayList<>();
        final List<RouteEntry> net = new ArrayList<>();
        for (int i = all.length - 1; i >= 0; i--)
        {
            if (port < 0 || all[i].port() == port)
            {
                (all[i].local() ? local : net).add(all[i]);
            }
        }
        // stable sorts: local stays newest first per bucket; net is reversed back to oldest first per length
        local.sort(Comparator.comparingInt(e -> e.dst() & 0xff));
        java.util.Collections.reverse(net);
        net.sort(Comparator.comparingInt(e -> -e.plen()));
        local.addAll(net);
        return local;
    }

    /** @return the master's routes in insertion order; safe on any thread. */
    RouteEntry[] snapshot()
    {
        synchronized (master)
        {
            return master.values().toArray(new RouteEntry[0]);
        }
    }

    /**
     * Asks every worker for its table's size; may be called on any thread.
     *
     * @return "lcore N: M routes" lines, or the failure.
     */
    String lcoreCounts()
    {
        final MulticastResult r = new MulticastResult();
        final int rc = msg.multicastSync(MSG_ROUTE_COUNT, null, timeoutUs, r);
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "master lcore %d: %d routes%n", msg.masterLcoreId(), size()));
        for (int i = 0; i < r.count(); i++)
        {
            sb.append(String.format(Locale.ROOT, "lcore %d: %s routes%n", r.lcore(i), r.reply(i)));
        }
        if (Edpvs.OK != rc)
        {
            sb.append("incomplete: ").append(Edpvs.strerror(rc)).append(" no answer from lcores ")
                .append(RouteDetail.lcoreList(r.missingMask())).append(System.lineSeparator());
        }
        return sb.toString();
    }

    /**
     * Asks every worker for its own longest match; may be called on any thread.
     *
     * @param daddr the destination.
     * @return "lcore N: route" lines.
     */
    String lookupOnWorkers(final int daddr)
    {
        final MulticastResult r = new MulticastResult();
        final int rc = msg.multicastSync(MSG_ROUTE_LOOKUP, daddr, timeoutUs, r);
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < r.count(); i++)
        {
            sb.append(String.format(Locale.ROOT, "lcore %d: %s%n", r.lcore(i), r.reply(i)));
        }
        if (Edpvs.OK != rc)
        {
            sb.append("incomplete: ").append(Edpvs.strerror(rc)).append(" no answer from lcores ")
                .append(RouteDetail.lcoreList(r.missingMask())).append(System.lineSeparator());
        }
        return sb.toString();
    }

    /** @return per lcore that has a table: its routes, LPM groups and bytes (read racily: for display). */
    String memory()
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tables.length; i++)
        {
            final RouteTable t = tables[i];
            if (null != t)
            {
                sb.append(String.format(Locale.ROOT, "lcore %d: %d routes, %d groups, %.1f MB%n", i, t.size(),
                    t.groups(), t.bytes() / 1e6));
            }
        }
        return sb.toString();
    }
}
