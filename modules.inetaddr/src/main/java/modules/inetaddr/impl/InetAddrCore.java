package modules.inetaddr.impl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.common.EventPublisher;
import platform.common.Registrations;

import modules.inetaddr.api.InetAddrConf;
import modules.inetaddr.api.InetAddrs;
import modules.netif.api.Netif;
import modules.netif.api.PortInfo;
import modules.netif.api.ReceiverHandle;
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
 * The interface addresses (DPVS's {@code inetaddr.c}, IPv4). Every forwarding lcore holds its own
 * {@link AddrTable}, which only it touches (the ICMP receiver asks it); the master lcore holds the reference
 * table. A change (SET 47..50, or another thread's request travelling to the master as IFA_SYNC) runs on the
 * master lcore: it is checked as DPVS checks it, multicast synchronously to every worker (IFA_SET), and only when
 * all of them applied it are the address's routes added through the route bundle and the master's table changed;
 * a failure is answered with its code and undone on the workers. GET 51 answers from the master's table, or with
 * {@code -v} from every lcore's (IFA_GET).
 */
final class InetAddrCore implements InetAddrs, IcmpEcho.Tables
{
    static final String JOB_NAME = "inetaddr_init";
    /** The event an applied change is published as (platform.mp's subscribers; see the README's table). */
    static final String EVENT = "inetaddr.change";
    /** Where applied changes go as {@value #EVENT} events (no sink: nothing is formatted or queued). */
    volatile EventPublisher events = new EventPublisher("inetaddr-events", 1, LOG);
    private static final Logger LOG = LoggerFactory.getLogger(InetAddrCore.class);

    /** A change for the workers' tables: op is an INET_ADDR_* value; {@code port} for a flush. */
    record Change(int op, IfAddr addr, int port)
    {
    }

    /** Asks the master lcore to add the routes again after a Routes service was bound. */
    static final Object RESYNC = "resync";

    private final LcoreScheduler lcores;
    private final MsgManager msg;
    private final Netif netif;
    private final long timeoutUs;
    private final String owner;
    final RouteFollower routes = new RouteFollower();
    final IcmpEcho icmp;
    final AddrShow show;

    /** Each slot is created, read and changed by its own lcore only. */
    private final AddrTable[] tables = new AddrTable[LcoreScheduler.MAX_LCORES];
    /** The master lcore's table: changed on the master lcore, read anywhere, under its own lock. */
    private final AddrTable master = new AddrTable();
    private volatile int size;
    /** Reused on the master lcore for every change. */
    private final MulticastResult result = new MulticastResult();

    final AtomicLong added = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    final AtomicLong changed = new AtomicLong();
    final AtomicLong flushed = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong multicastFailures = new AtomicLong();

    /** Job and message types the workers need: closed last. */
    private final Registrations back = new Registrations(LOG, "inetaddr");
    /** The ways in (sockopts, IFA_SYNC): closed first. */
    private final Registrations front = new Registrations(LOG, "inetaddr");
    private ReceiverHandle receiver;

    InetAddrCore(final LcoreScheduler lcores, final MsgManager msg, final Netif netif, final long timeoutUs,
        final String owner)
    {
        this.lcores = lcores;
        this.msg = msg;
        this.netif = netif;
        this.timeoutUs = timeoutUs;
        this.owner = owner;
        this.icmp = new IcmpEcho(this, netif);
        this.show = new AddrShow(this, msg, netif, timeoutUs);
    }

    /**
     * Registers the workers' INIT job, the message types, the sockopts and the ICMP receiver. On failure, what was
     * registered is closed again.
     *
     * @param sockopts the control socket's registry.
     */
    void start(final SockoptRegistry sockopts)
    {
        try
        {
            final JobHandle init = lcores.register(JobSpec.init(JOB_NAME, LcoreRole.FWD_WORKER, id ->
            {
                table(id);
                return 0;
            }));
            back.add(init::close);
            final MsgTypeHandle set = msg.registerMulticast(MsgTypeSpec.multicast(MsgIds.IFA_SET, "ifa_set",
                MsgPriority.NORM, this::onSet, null));
            back.add(set::close);
            final MsgTypeHandle get = msg.registerMulticast(MsgTypeSpec.multicast(MsgIds.IFA_GET, "ifa_get",
                MsgPriority.LOW, this::onGet, null));
            back.add(get::close);
            final MsgTypeHandle sync = msg.register(MsgTypeSpec.unicast(MsgIds.IFA_SYNC, "ifa_sync",
                MsgPriority.NORM, this::onSync), msg.masterLcoreId());
            front.add(sync::close);
            final SockoptHandle so = sockopts.register(SockoptSpec.builder("inetaddr")
                .set(InetAddrConf.SOCKOPT_SET_IFADDR_ADD, InetAddrConf.SOCKOPT_SET_IFADDR_FLUSH, this::onSockoptSet)
                .get(InetAddrConf.SOCKOPT_GET_IFADDR_SHOW, InetAddrConf.SOCKOPT_GET_IFMADDR_SHOW,
                    this::onSockoptGet)
                .build());
            front.add(so::close);
            receiver = netif.registerProtocol(1, "icmp", icmp);
            LOG.info("interface addresses started for {} (SET timeout {} us)", owner, timeoutUs);
        }
        catch (final RuntimeException ex)
        {
            stop();
            throw ex;
        }
    }

    /**
     * Closes the ICMP receiver and the ways in, deletes the routes this bundle made (if the route bundle is still
     * there), then closes the message types and the job: none of this bundle's code runs after.
     */
    void stop()
    {
        if (null != receiver)
        {
            receiver.close();
            receiver = null;
        }
        front.closeAll();
        routes.removeAll();
        back.closeAll();
    }

    /** After a Routes service was bound: the master adds every address's routes to it (no wait here). */
    void routesBound()
    {
        final int rc = msg.sendAsync(MsgIds.IFA_SYNC, msg.masterLcoreId(), RESYNC);
        if (Edpvs.OK != rc)
        {
            LOG.warn("could not ask the master lcore to add the addresses' routes: {}", Edpvs.strerror(rc));
        }
    }

    // ------------------------------------------------------------------ on every lcore

    private AddrTable table(final int lcoreId)
    {
        AddrTable t = tables[lcoreId];
        if (null == t)
        {
            t = new AddrTable();
            for (final IfAddr a : snapshot())
            {
                t.add(a);
            }
            tables[lcoreId] = t;
        }
        return t;
    }

    private int onSet(final Msg m)
    {
        apply(table(lcores.currentLcoreId()), (Change)m.payload());
        return Edpvs.OK;
    }

    private int onGet(final Msg m)
    {
        m.reply(AddrShow.ordered(table(lcores.currentLcoreId()).toArray(), (Integer)m.payload()));
        return Edpvs.OK;
    }

    private static void apply(final AddrTable t, final Change c)
    {
        switch (c.op())
        {
            case InetAddrConf.INET_ADDR_ADD -> t.add(c.addr());
            case InetAddrConf.INET_ADDR_DEL -> t.remove(c.addr());
            case InetAddrConf.INET_ADDR_MOD -> t.replace(c.addr());
            case InetAddrConf.INET_ADDR_FLUSH -> t.removePort(c.port());
            default -> throw new IllegalArgumentException("ifa op " + c.op());
        }
    }

    @Override
    public boolean isLocal(final int lcoreId, final int addr)
    {
        final AddrTable t = lcoreId >= 0 && lcoreId < tables.length ? tables[lcoreId] : null;
        if (null != t)
        {
            return t.contains(addr);
        }
        if (lcoreId == msg.masterLcoreId())
        {
            synchronized (master)
            {
                return master.contains(addr);
            }
        }
        return false;
    }

    @Override
    public int size()
    {
        return size;
    }

    @Override
    public List<String> list()
    {
        final List<String> l = new ArrayList<>();
        for (final IfAddr a : AddrShow.ordered(snapshot(), -1))
        {
            l.add(a.toString());
        }
        return l;
    }

    /** @return the master's addresses in insertion order; safe on any thread. */
    IfAddr[] snapshot()
    {
        synchronized (master)
        {
            return master.toArray();
        }
    }

    // ------------------------------------------------------------------ on the master lcore

    private int onSockoptGet(final SockoptRequest req, final SockoptReply rep)
    {
        return show.get(req.id(), req.body(), rep::message, rep::body);
    }

    private int onSockoptSet(final SockoptRequest req, final SockoptReply rep)
    {
        return set(req.id(), req.body(), rep::message);
    }

    /** IFA_SYNC on the master lcore: another thread's request, or the routes' resync. */
    private int onSync(final Msg m)
    {
        if (RESYNC == m.payload())
        {
            routes.resync(snapshot());
            m.reply(Edpvs.OK);
            return Edpvs.OK;
        }
        final Object[] p = (Object[])m.payload();
        final StringBuilder why = new StringBuilder();
        final int rc = set((Integer)p[0], ByteBuffer.wrap((byte[])p[1]).order(ByteOrder.LITTLE_ENDIAN),
            why::append);
        m.reply(new Object[] {rc, why.toString()});
        return Edpvs.OK;
    }

    /**
     * A change from another thread than the master lcore (Gogo, the configuration): travels to the master as
     * IFA_SYNC and waits for it.
     *
     * @param sockopt SET 47..50.
     * @param param   the inet_addr_param bytes.
     * @param why     receives the reason of a refusal.
     * @return the code.
     */
    int request(final int sockopt, final byte[] param, final Consumer<String> why)
    {
        if (lcores.currentLcoreId() == msg.masterLcoreId())
        {
            return set(sockopt, ByteBuffer.wrap(param).order(ByteOrder.LITTLE_ENDIAN), why);
        }
        final MsgReply out = new MsgReply();
        final int rc = msg.sendSync(MsgIds.IFA_SYNC, msg.masterLcoreId(), new Object[] {sockopt, param},
            2 * timeoutUs + 1_000_000, out);
        if (Edpvs.OK != rc)
        {
            why.accept("the master lcore did not answer: " + Edpvs.strerror(rc));
            return rc;
        }
        final Object[] r = (Object[])out.reply();
        why.accept((String)r[1]);
        return (Integer)r[0];
    }

    /**
     * SET 47..50 as DPVS's {@code ifa_sockopt_set} checks them, then applied. On the master lcore.
     */
    private int set(final int opt, final ByteBuffer body, final Consumer<String> why)
    {
        if (body.remaining() < InetAddrConf.PARAM_SIZE)
        {
            return refuse(why, Edpvs.INVAL, "inet_addr_param is " + InetAddrConf.PARAM_SIZE + " bytes, got "
                + body.remaining());
        }
        final int e = body.position() + InetAddrConf.PARAM_ENTRY_OFFSET;
        final int af = body.getInt(e + InetAddrConf.AF_OFFSET);
        final int addr = Integer.reverseBytes(body.getInt(e + InetAddrConf.ADDR_OFFSET));
        final int plen = body.get(e + InetAddrConf.PLEN_OFFSET) & 0xff;
        if (InetAddrConf.SOCKOPT_SET_IFADDR_FLUSH != opt)
        {
            if (InetAddrConf.AF_INET6 == af)
            {
                return refuse(why, Edpvs.NOTSUPP, "IPv6 addresses are not supported here");
            }
            if (InetAddrConf.AF_INET != af || 0 == addr || plen > 32)
            {
                return refuse(why, Edpvs.INVAL, "bad ipv4 prefix: af " + af + ", " + IfAddr.ip(addr) + "/" + plen);
            }
        }
        final String ifname = ifname(body, e);
        final int port = netif.portId(ifname);
        if (port < 0)
        {
            return refuse(why, Edpvs.NOTEXIST, "device " + ifname + " not found");
        }
        final int valid = body.getInt(e + InetAddrConf.VALID_LFT_OFFSET);
        final int flags = body.getInt(e + InetAddrConf.FLAGS_OFFSET);
        final int bcast = Integer.reverseBytes(body.getInt(e + InetAddrConf.BCAST_OFFSET));
        final int scope = body.get(e + InetAddrConf.SCOPE_OFFSET) & 0xff;
        final IfAddr present;
        synchronized (master)
        {
            present = master.find(port, addr, plen);
        }
        switch (opt)
        {
            case InetAddrConf.SOCKOPT_SET_IFADDR_ADD:
                if (null != present)
                {
                    return refuse(why, Edpvs.EXIST, "address exists: " + present);
                }
                if (0 != valid)
                {
                    return refuse(why, Edpvs.NOTSUPP, "valid_lft " + (valid & 0xffffffffL)
                        + ": only forever addresses here (no expiry)");
                }
                if (0 != (flags & InetAddrConf.IFA_F_SAPOOL))
                {
                    return refuse(why, Edpvs.NOTSUPP, "sapool: no socket-address pool here");
                }
                return add(new IfAddr(addr, plen, port, ifname, bcast, scope,
                    flags | InetAddrConf.IFA_F_PERMANENT, 0, 0), why);
            case InetAddrConf.SOCKOPT_SET_IFADDR_DEL:
                if (null == present)
                {
                    return refuse(why, Edpvs.NOTEXIST, "no address " + IfAddr.ip(addr) + "/" + plen + " on "
                        + ifname);
                }
                return change(new Change(InetAddrConf.INET_ADDR_DEL, present, port), why);
            case InetAddrConf.SOCKOPT_SET_IFADDR_SET:
                if (null == present)
                {
                    return refuse(why, Edpvs.NOTEXIST, "no address " + IfAddr.ip(addr) + "/" + plen + " on "
                        + ifname);
                }
                if (0 != valid)
                {
                    return refuse(why, Edpvs.NOTSUPP, "valid_lft " + (valid & 0xffffffffL)
                        + ": only forever addresses here (no expiry)");
                }
                return change(new Change(InetAddrConf.INET_ADDR_MOD, new IfAddr(present.addr(), present.plen(),
                    port, ifname, bcast, scope, present.flags(), 0, 0), port), why);
            default:
                return change(new Change(InetAddrConf.INET_ADDR_FLUSH, null, port), why);
        }
    }

    private int add(final IfAddr a, final Consumer<String> why)
    {
        final Change c = new Change(InetAddrConf.INET_ADDR_ADD, a, a.port());
        final int rc = multicast(c, why);
        if (Edpvs.OK != rc)
        {
            undo(c, null);
            return rc;
        }
        final int routed = routes.follow(a);
        if (Edpvs.OK != routed)
        {
            undo(c, null);
            return refuse(why, routed, "the routes of " + a + " were refused: " + Edpvs.strerror(routed));
        }
        synchronized (master)
        {
            master.add(a);
            size = master.size();
        }
        added.incrementAndGet();
        publish("ADD ", a, -1);
        return Edpvs.OK;
    }

    /** A delete, change or flush: the workers first, then the master's table, then the routes that go. */
    private int change(final Change c, final Consumer<String> why)
    {
        final List<IfAddr> before;
        synchronized (master)
        {
            before = InetAddrConf.INET_ADDR_MOD == c.op() ? List.of(master.find(c.port(), c.addr().addr(),
                c.addr().plen())) : List.of(master.toArray());
        }
        final int rc = multicast(c, why);
        if (Edpvs.OK != rc)
        {
            undo(c, before);
            return rc;
        }
        final List<IfAddr> gone = new ArrayList<>();
        synchronized (master)
        {
            switch (c.op())
            {
                case InetAddrConf.INET_ADDR_DEL ->
                {
                    master.remove(c.addr());
                    gone.add(c.addr());
                    deleted.incrementAndGet();
                }
                case InetAddrConf.INET_ADDR_MOD ->
                {
                    master.replace(c.addr());
                    changed.incrementAndGet();
                }
                default ->
                {
                    gone.addAll(master.removePort(c.port()));
                    flushed.incrementAndGet();
                }
            }
            size = master.size();
        }
        for (final IfAddr a : gone)
        {
            routes.unfollow(a);
        }
        publish(InetAddrConf.INET_ADDR_DEL == c.op() ? "DEL " : InetAddrConf.INET_ADDR_MOD == c.op() ? "SET "
            : "FLUSH dev ", c.addr(), c.port());
        return Edpvs.OK;
    }

    /**
     * Queues an {@value #EVENT} event once every lcore has the change: never blocks this lcore, formats nothing
     * without a subscriber channel.
     *
     * @param verb "ADD ", "DEL ", "SET " or "FLUSH dev ".
     * @param a    the address, null for a flush.
     * @param port the flushed port.
     */
    private void publish(final String verb, final IfAddr a, final int port)
    {
        final EventPublisher ev = events;
        if (!ev.active())
        {
            return;
        }
        String text = verb + a;
        if (null == a)
        {
            text = verb + port;
            for (final PortInfo p : netif.ports())
            {
                text = p.id() == port ? verb + p.name() : text;
            }
        }
        ev.offer(EVENT, text);
    }

    private int multicast(final Change c, final Consumer<String> why)
    {
        final int rc = msg.multicastSync(MsgIds.IFA_SET, c, timeoutUs, result);
        if (Edpvs.OK == rc)
        {
            return rc;
        }
        multicastFailures.incrementAndGet();
        final String what = opName(c.op());
        LOG.warn("addr {} {} failed: {} (asked 0x{}, missing 0x{}); undoing it on the workers", what,
            null == c.addr() ? "port " + c.port() : c.addr(), Edpvs.strerror(rc),
            Long.toHexString(result.askedMask()), Long.toHexString(result.missingMask()));
        why.accept(String.format(Locale.ROOT, "addr %s not applied: %s; no answer from lcores %s", what,
            Edpvs.strerror(rc), lcoreList(result.missingMask())));
        return rc;
    }

    /** Brings the workers back to the master's table after a change failed on some of them. */
    private void undo(final Change c, final List<IfAddr> before)
    {
        final List<Change> back = new ArrayList<>();
        switch (c.op())
        {
            case InetAddrConf.INET_ADDR_ADD -> back.add(new Change(InetAddrConf.INET_ADDR_DEL, c.addr(), c.port()));
            case InetAddrConf.INET_ADDR_DEL -> back.add(new Change(InetAddrConf.INET_ADDR_ADD, c.addr(), c.port()));
            default ->
            {
                for (final IfAddr a : before)
                {
                    if (null != a && a.port() == c.port())
                    {
                        back.add(new Change(InetAddrConf.INET_ADDR_MOD, a, c.port()));
                    }
                }
            }
        }
        for (final Change b : back)
        {
            final int rc = msg.multicastAsync(MsgIds.IFA_SET, b, timeoutUs, (code, replies) -> { });
            if (Edpvs.OK != rc)
            {
                LOG.error("addr undo could not be sent ({}): workers may differ from the master's table",
                    Edpvs.strerror(rc));
            }
        }
    }

    private static String opName(final int op)
    {
        return switch (op)
        {
            case InetAddrConf.INET_ADDR_ADD -> "add";
            case InetAddrConf.INET_ADDR_DEL -> "del";
            case InetAddrConf.INET_ADDR_MOD -> "set";
            default -> "flush";
        };
    }

    int refuse(final Consumer<String> why, final int code, final String text)
    {
        refused.incrementAndGet();
        why.accept(text);
        LOG.debug("addr SET refused: {} ({})", text, Edpvs.strerror(code));
        return code;
    }

    static String lcoreList(final long mask)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 64; i++)
        {
            if (0 != (mask & (1L << i)))
            {
                sb.append(sb.length() > 0 ? "," : "").append(i);
            }
        }
        return sb.toString();
    }

    static String ifname(final ByteBuffer body, final int at)
    {
        int n = 0;
        while (n < InetAddrConf.IFNAME_LENGTH && 0 != body.get(at + InetAddrConf.IFNAME_OFFSET + n))
        {
            n++;
        }
        final byte[] b = new byte[n];
        body.get(at + InetAddrConf.IFNAME_OFFSET, b);
        return new String(b, StandardCharsets.US_ASCII);
    }

}
