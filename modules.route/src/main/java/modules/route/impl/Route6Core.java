package modules.route.impl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import modules.route.api.Route6;
import modules.route.api.Route6Conf;
import modules.route.cli.Ipv6Text;
import platform.lcore.api.Edpvs;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.Msg;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgTypeHandle;
import platform.msgmgr.api.MsgTypeSpec;
import platform.msgmgr.api.MulticastResult;
import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.api.SockoptReply;
import platform.sockopt.api.SockoptRequest;
import platform.sockopt.api.SockoptSpec;

/**
 * The IPv6 routing table (DPVS's {@code src/ipv6/route6.c}), beside {@link RouteCore}'s IPv4 one and built the same
 * way. Every forwarding lcore and the master lcore hold their own {@link Route6Table}, which only they touch; the
 * master also keeps the routes in insertion order for GET 35. A SET 33 (add or delete, by {@code ops}) or 34
 * (flush) runs on the master lcore: it is validated as DPVS's {@code rt6_conf_check} does, checked against the
 * master's table, multicast as DPVS's ROUTE6 message (id 17) to every worker and waited for
 * ({@code multicastSync}); only then does the master change its own table and reply, so an OK means every worker
 * applied it. A failed or timed-out multicast is answered with its code and the lcores that did not answer, and
 * undone on the workers (which apply changes idempotently). DPVS sends ROUTE6 asynchronously and answers OK
 * whatever the workers did.
 */
final class Route6Core
{
    /** Every worker replies with its IPv6 table's size (for {@code route:lcores} and the tests). */
    static final int MSG_ROUTE6_COUNT = 267;
    /** Every worker replies with its own IPv6 longest match for an address (for {@code route:lookup}). */
    static final int MSG_ROUTE6_LOOKUP = 268;
    static final String JOB_NAME = "route6_init";
    private static final Logger LOG = LoggerFactory.getLogger(Route6Core.class);

    /**
     * What a ROUTE6 message carries: DPVS's {@code ops} and the route (null for a flush).
     *
     * @param ops   {@link Route6Conf#OPS_ADD}, {@link Route6Conf#OPS_DEL} or {@link Route6Conf#OPS_FLUSH}.
     * @param route the route.
     */
    record Change(int ops, Route6Entry route)
    {
    }

    /** The master's map key: a masked prefix. */
    private record Key(long hi, long lo, int plen)
    {
        static Key of(final Route6Entry e)
        {
            return new Key(e.dstHi(), e.dstLo(), e.plen());
        }
    }

    private final LcoreScheduler lcores;
    private final MsgManager msg;
    private final Netif netif;
    private final long timeoutUs;
    private final int expected;
    private final String owner;

    /** Each slot is created, read and changed by its own lcore only. */
    private final Route6Table[] tables = new Route6Table[LcoreScheduler.MAX_LCORES];
    /** The master lcore's routes in insertion order; written on the master lcore under its lock. */
    private final LinkedHashMap<Key, Route6Entry> master = new LinkedHashMap<>();
    private volatile int size;
    /** Reused on the master lcore for every multicast. */
    private final MulticastResult result = new MulticastResult();

    final AtomicLong added = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    final AtomicLong flushed = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong multicastFailures = new AtomicLong();

    private final Registrations handles = new Registrations(LOG, "route6");
    /** Where applied changes go as {@link RouteCore#EVENT} events (no sink: nothing is formatted or queued). */
    private volatile EventPublisher events = new EventPublisher("route6-events", 1, LOG);

    /**
     * @param lcores    the lcores.
     * @param msg       the message manager.
     * @param netif     the ports, by which a route's device is resolved.
     * @param expected  how many routes each table is sized for at first (they grow beyond).
     * @param timeoutUs how long a SET waits for every worker.
     * @param owner     for logs.
     */
    Route6Core(final LcoreScheduler lcores, final MsgManager msg, final Netif netif, final int expected,
        final long timeoutUs, final String owner)
    {
        this.lcores = lcores;
        this.msg = msg;
        this.netif = netif;
        this.expected = expected;
        this.timeoutUs = timeoutUs;
        this.owner = owner;
    }

    /**
     * Registers the workers' INIT job, the message types, then the sockopts. On failure, what was registered is
     * closed again.
     *
     * @param sockopts the control socket's registry.
     */
    void start(final SockoptRegistry sockopts)
    {
        try
        {
            final JobHandle init = lcores.register(JobSpec.init(JOB_NAME, LcoreRole.FWD_WORKER, this::initLcore));
            handles.add(init::close);
            register(MsgTypeSpec.multicast(MsgIds.ROUTE6, "route6", MsgPriority.NORM, this::onChange, null));
            register(MsgTypeSpec.multicast(MSG_ROUTE6_COUNT, "route6_count", MsgPriority.LOW, this::onCount, null));
            register(MsgTypeSpec.multicast(MSG_ROUTE6_LOOKUP, "route6_lookup", MsgPriority.LOW, this::onLookup,
                null));
            final SockoptHandle so = sockopts.register(SockoptSpec.builder("route6")
                .set(Route6Conf.SOCKOPT_SET_ROUTE6_ADD_DEL, Route6Conf.SOCKOPT_SET_ROUTE6_FLUSH, this::onSet)
                .get(Route6Conf.SOCKOPT_GET_ROUTE6_SHOW, Route6Conf.SOCKOPT_GET_ROUTE6_SHOW, this::onGet)
                .build());
            handles.add(so::close);
            LOG.info("IPv6 routing table started for {} (SET timeout {} us)", owner, timeoutUs);
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

    /** Closes the sockopts, the message types and the job, newest first: none of this code runs after. */
    void stop()
    {
        handles.closeAll();
    }

    // ------------------------------------------------------------------ on every lcore

    private int initLcore(final int lcoreId)
    {
        table(lcoreId);
        return 0;
    }

    /** The calling lcore's table, built from the master's routes the first time (a worker that starts late). */
    private Route6Table table(final int lcoreId)
    {
        Route6Table t = tables[lcoreId];
        if (null == t)
        {
            final Route6Entry[] s = snapshot();
            t = new Route6Table(Math.max(expected, s.length));
            for (final Route6Entry e : s)
            {
                t.add(e);
            }
            tables[lcoreId] = t;
        }
        return t;
    }

    /** ROUTE6 on a worker: DPVS's {@code rt6_msg_process_cb}, idempotent. */
    private int onChange(final Msg m)
    {
        final Change c = (Change)m.payload();
        final Route6Table t = table(lcores.currentLcoreId());
        switch (c.ops())
        {
            case Route6Conf.OPS_ADD:
                t.add(c.route());
                return Edpvs.OK;
            case Route6Conf.OPS_DEL:
                t.remove(c.route());
                return Edpvs.OK;
            case Route6Conf.OPS_FLUSH:
                t.clear();
                return Edpvs.OK;
            default:
                return Edpvs.NOTSUPP;
        }
    }

    private int onCount(final Msg m)
    {
        m.reply(table(lcores.currentLcoreId()).size());
        return Edpvs.OK;
    }

    private int onLookup(final Msg m)
    {
        final long[] a = (long[])m.payload();
        final Route6Entry r = table(lcores.currentLcoreId()).match(a[0], a[1]);
        m.reply(null == r ? "no route" : r.toString());
        return Edpvs.OK;
    }

    /** The data path's lookup, in the calling lcore's own table. Allocates nothing. */
    boolean lookup6(final int lcoreId, final long hi, final long lo, final Route6 out)
    {
        final Route6Table t = lcoreId >= 0 && lcoreId < tables.length ? tables[lcoreId] : null;
        return null != t && t.lookup(hi, lo, out);
    }

    String describe6(final long hi, final long lo)
    {
        final int id = lcores.currentLcoreId();
        final Route6Table t = id >= 0 && id < tables.length ? tables[id] : null;
        final Route6Entry r = null == t ? null : t.match(hi, lo);
        return null == r ? null : r.toString();
    }

    int size()
    {
        return size;
    }

    // ------------------------------------------------------------------ on the master lcore (sockopt handlers)

    private int onSet(final SockoptRequest req, final SockoptReply rep)
    {
        final ByteBuffer body = req.body().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        final int n = body.remaining();
        if (Route6Conf.SOCKOPT_SET_ROUTE6_FLUSH == req.id())
        {
            // dpip sends its 104-byte conf with ops 4; an empty body is taken too
            if (0 != n && Route6Conf.SIZE != n)
            {
                return refuse(rep::message, Edpvs.INVAL, "dp_vs_route6_conf is " + Route6Conf.SIZE
                    + " bytes, got " + n);
            }
            return change(Route6Conf.OPS_FLUSH, null, rep::message);
        }
        if (Route6Conf.SIZE != n)
        {
            return refuse(rep::message, Edpvs.INVAL, "dp_vs_route6_conf is " + Route6Conf.SIZE + " bytes, got " + n);
        }
        final int at = body.position();
        final int ops = body.getInt(at + Route6Conf.OPS_OFFSET);
        if (Route6Conf.OPS_ADD != ops && Route6Conf.OPS_DEL != ops)
        {
            return refuse(rep::message, Edpvs.INVAL, "ops " + ops + ": SET 33 takes 2 (add) or 3 (del)");
        }
        final String bad = plens(body, at);
        if (null != bad)
        {
            return refuse(rep::message, Edpvs.INVAL, bad);
        }
        final String ifname = RouteDetail.ifname(body, at, Route6Conf.IFNAME_OFFSET, Route6Conf.IFNAME_LENGTH);
        final PortInfo port = port(ifname);
        if (null == port)
        {
            return refuse(rep::message, Edpvs.INVAL, "no such device: \"" + ifname + "\"");
        }
        final int mtu = body.getInt(at + Route6Conf.MTU_OFFSET);
        final Route6Entry e = Route6Entry.decode(body, at, 0 != mtu ? mtu : port.mtu(), port.id(), port.name());
        final Route6Entry present = master.get(Key.of(e));
        final String prefix = Ipv6Text.format(e.dstHi(), e.dstLo()) + "/" + e.plen();
        if (Route6Conf.OPS_ADD == ops)
        {
            if (null != present)
            {
                return refuse(rep::message, Edpvs.EXIST, "route6 exists: " + prefix + " dev " + present.ifname());
            }
            return change(Route6Conf.OPS_ADD, e, rep::message);
        }
        if (null == present || present.port() != e.port())
        {
            return refuse(rep::message, Edpvs.NOTEXIST, "no route6 " + prefix + " dev " + ifname);
        }
        return change(Route6Conf.OPS_DEL, present, rep::message);
    }

    /** DPVS's rt6_conf_check: dst, src and prefsrc lengths within 0..128. */
    private static String plens(final ByteBuffer body, final int at)
    {
        final String[] names = {"dst", "src", "prefsrc"};
        final int[] offsets = {Route6Conf.DST_PLEN_OFFSET, Route6Conf.SRC_PLEN_OFFSET,
            Route6Conf.PREFSRC_PLEN_OFFSET};
        for (int i = 0; i < names.length; i++)
        {
            final int plen = body.getInt(at + offsets[i]);
            if (plen < 0 || plen > Route6Conf.MAX_PLEN)
            {
                return names[i] + " prefix length " + plen + ": want 0..128";
            }
        }
        return null;
    }

    private PortInfo port(final String name)
    {
        final int id = name.isEmpty() ? -1 : netif.portId(name);
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
        LOG.debug("route6 SET refused: {} ({})", why, Edpvs.strerror(code));
        return code;
    }

    /**
     * Multicasts a change and applies it to the master's table once every worker did.
     *
     * @param ops ADD, DEL or FLUSH.
     * @param e   the route, null for the flush.
     * @param rep receives the error text.
     * @return the code for the client.
     */
    private int change(final int ops, final Route6Entry e, final Consumer<String> rep)
    {
        final int rc = msg.multicastSync(MsgIds.ROUTE6, new Change(ops, e), timeoutUs, result);
        final String what = Route6Conf.OPS_ADD == ops ? "add" : Route6Conf.OPS_DEL == ops ? "del" : "flush";
        if (Edpvs.OK != rc)
        {
            multicastFailures.incrementAndGet();
            final String why = String.format(Locale.ROOT, "route6 %s not applied: %s; no answer from lcores %s",
                what, Edpvs.strerror(rc), RouteDetail.lcoreList(result.missingMask()));
            LOG.warn("route6 {} {} failed: {} (asked 0x{}, missing 0x{}); undoing it on the workers", what,
                null == e ? "" : e, Edpvs.strerror(rc), Long.toHexString(result.askedMask()),
                Long.toHexString(result.missingMask()));
            undo(ops, e);
            rep.accept(why);
            return rc;
        }
        final Route6Table t = table(lcores.currentLcoreId());
        synchronized (master)
        {
            if (Route6Conf.OPS_ADD == ops)
            {
                master.put(Key.of(e), e);
                t.add(e);
                added.incrementAndGet();
            }
            else if (Route6Conf.OPS_DEL == ops)
            {
                master.remove(Key.of(e));
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
            ev.offer(RouteCore.EVENT, Route6Conf.OPS_ADD == ops ? "ADD " + e : Route6Conf.OPS_DEL == ops ? "DEL " + e
                : "FLUSH inet6");
        }
        return Edpvs.OK;
    }

    /** @param p where applied changes are published as {@link RouteCore#EVENT}; set before {@link #start}. */
    void events(final EventPublisher p)
    {
        this.events = p;
    }

    /** Brings the workers back to the master's table after a change failed on some of them. */
    private void undo(final int ops, final Route6Entry e)
    {
        int rc = Edpvs.OK;
        if (Route6Conf.OPS_ADD == ops || Route6Conf.OPS_DEL == ops)
        {
            final int back = Route6Conf.OPS_ADD == ops ? Route6Conf.OPS_DEL : Route6Conf.OPS_ADD;
            rc = msg.multicastAsync(MsgIds.ROUTE6, new Change(back, e), timeoutUs, (code, replies) -> { });
        }
        else
        {
            // a failed flush leaves some workers empty: put the master's routes back on all of them
            for (final Route6Entry each : snapshot())
            {
                final int one = msg.multicastAsync(MsgIds.ROUTE6, new Change(Route6Conf.OPS_ADD, each), timeoutUs,
                    (code, replies) -> { });
                rc = Edpvs.OK == rc ? one : rc;
            }
        }
        if (Edpvs.OK != rc)
        {
            LOG.error("route6 undo could not be sent ({}): workers may differ from the master's table until the "
                + "next flush", Edpvs.strerror(rc));
        }
    }

    /** GET 35: the count, then the records; a request naming an unknown device gets EDPVS_NOTEXIST. */
    private int onGet(final SockoptRequest req, final SockoptReply rep)
    {
        final ByteBuffer body = req.body().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int port = -1;
        if (body.remaining() >= Route6Conf.SIZE)
        {
            final String ifname = RouteDetail.ifname(body, body.position(), Route6Conf.IFNAME_OFFSET,
                Route6Conf.IFNAME_LENGTH);
            if (!ifname.isEmpty())
            {
                port = netif.portId(ifname);
                if (port < 0)
                {
                    refused.incrementAndGet();
                    rep.message("no such device: \"" + ifname + "\"");
                    return Edpvs.NOTEXIST;
                }
            }
        }
        final List<Route6Entry> show = showOrder(port);
        final ByteBuffer out = rep.body(Route6Conf.ARRAY_HEADER + show.size() * Route6Conf.SIZE);
        out.putInt(show.size());
        for (final Route6Entry e : show)
        {
            e.encode(out);
        }
        return Edpvs.OK;
    }

    /**
     * The routes as DPVS's hlist lists them: longest prefix first; within one length, oldest first (DPVS: by hash
     * bucket, then oldest first).
     *
     * @param port only this port's routes, or -1 for all.
     * @return the routes.
     */
    List<Route6Entry> showOrder(final int port)
    {
        final List<Route6Entry> all = new ArrayList<>();
        for (final Route6Entry e : snapshot())
        {
            if (port < 0 || e.port() == port)
            {
                all.add(e);
            }
        }
        all.sort(Comparator.comparingInt(e -> -e.plen()));
        return all;
    }

    /** @return the master's routes in insertion order; safe on any thread. */
    Route6Entry[] snapshot()
    {
        synchronized (master)
        {
            return master.values().toArray(new Route6Entry[0]);
        }
    }

    /**
     * Asks every worker for its IPv6 table's size; may be called on any thread.
     *
     * @return "lcore N: M routes6" lines, or the failure.
     */
    String lcoreCounts()
    {
        final MulticastResult r = new MulticastResult();
        final int rc = msg.multicastSync(MSG_ROUTE6_COUNT, null, timeoutUs, r);
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "master lcore %d: %d IPv6 routes%n", msg.masterLcoreId(), size()));
        for (int i = 0; i < r.count(); i++)
        {
            sb.append(String.format(Locale.ROOT, "lcore %d: %s IPv6 routes%n", r.lcore(i), r.reply(i)));
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
     * @param hi the destination's first 8 bytes.
     * @param lo its last 8 bytes.
     * @return "lcore N: route" lines.
     */
    String lookupOnWorkers(final long hi, final long lo)
    {
        final MulticastResult r = new MulticastResult();
        final int rc = msg.multicastSync(MSG_ROUTE6_LOOKUP, new long[] {hi, lo}, timeoutUs, r);
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

    /** @return per lcore that has a table: its routes, prefix lengths and bytes (read racily: for display). */
    String memory()
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tables.length; i++)
        {
            final Route6Table t = tables[i];
            if (null != t)
            {
                sb.append(String.format(Locale.ROOT, "lcore %d: %d IPv6 routes, %d prefix lengths, %.1f MB%n", i,
                    t.size(), t.lengthsInUse(), t.bytes() / 1e6));
            }
        }
        return sb.toString();
    }
}
