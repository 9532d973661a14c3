package modules.neigh.impl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.common.StaticConfig;

import platform.common.LogLimiter;

import modules.neigh.api.NeighConf;
import modules.netif.api.Mbuf;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import platform.lcore.api.Edpvs;
import platform.msgmgr.api.Msg;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.api.MsgReply;
import platform.msgmgr.api.MulticastResult;
import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.api.SockoptReply;
import platform.sockopt.api.SockoptRequest;
import platform.sockopt.api.SockoptSpec;

/**
 * The master lcore's side of the neighbour subsystem: the static entries (kept here for GET's checks and for the
 * workers that start late or again), the sockopts SET 70, 71 and GET 72, and the resolutions: a worker's request
 * starts one (deduplicated across workers), the master's {@code neigh_sync} LOOP job sends its ARP requests, the
 * master's retransmission timer repeats them up to {@code probes} times, and a worker's report of the neighbour's
 * ARP ends it with a NEIGH_LEARN multicast to every worker.
 * <p>
 * Everything here runs on the master lcore (message handlers, job, timer and sockopt handlers share its thread),
 * except {@link #staticSnapshot} and the calls made from other threads, which travel to the master as messages.
 */
final class NeighMaster
{
    private static final Logger LOG = LoggerFactory.getLogger(NeighMaster.class);
    /** ARP requests the master sends per iteration of its loop at most. */
    private static final int SEND_BURST = 32;

    /** A resolution in progress, on the master only. */
    private static final class Resolution
    {
        final int ip;
        final int port;
        int tries;
        long nextNs;
        boolean queued;

        Resolution(final int ip, final int port)
        {
            this.ip = ip;
            this.port = port;
        }
    }

    private final NeighCore core;
    /** By key; written on the master lcore (and before start), read by any lcore under its lock. */
    private final LinkedHashMap<Long, StaticEntry> statics = new LinkedHashMap<>();
    private final HashMap<Long, Resolution> pending = new HashMap<>();
    private final ArrayDeque<Resolution> toSend = new ArrayDeque<>();
    private final MulticastResult result = new MulticastResult();
    /** The route lookup's answer for the master lcore's ARP requests. */
    private final Route4 masterRoute = new Route4();
    private final LogLimiter noSourceLog = new LogLimiter(TimeUnit.SECONDS.toNanos(1));

    final AtomicLong arpSent = new AtomicLong();
    final AtomicLong arpRetries = new AtomicLong();
    final AtomicLong resolveFailed = new AtomicLong();
    final AtomicLong noSource = new AtomicLong();
    final AtomicLong allocFailures = new AtomicLong();
    final AtomicLong xmitFailures = new AtomicLong();
    final AtomicLong learned = new AtomicLong();
    final AtomicLong learnFailures = new AtomicLong();
    final AtomicLong added = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();

    NeighMaster(final NeighCore core)
    {
        this.core = core;
    }

    // ------------------------------------------------------------------ static entries

    /**
     * Applies static entries ("IP MAC DEV"): the configuration's inline list and its file (one entry per line), each
     * all or nothing ({@link StaticConfig}). Called before the workers build their tables.
     *
     * @param inline the inline entries, separated by commas, or "".
     * @param file   a file of entries, or null.
     * @return one result per source.
     */
    List<StaticConfig.Result> loadStatics(final String inline, final java.nio.file.Path file)
    {
        return StaticConfig.apply(NeighComponent.PID, inline, file, new StaticConfig.Applier()
        {
            @Override
            public String apply(final String text)
            {
                return addStatic(text);
            }

            @Override
            public void undo(final String text)
            {
                final String[] w = text.trim().split("\\s+");
                synchronized (statics)
                {
                    statics.remove(NeighTable.key(Arp.parseIp(w[0]), core.netif.portId(w[2])));
                }
            }
        }, LOG, "static neighbours");
    }

    /** @return null when the entry "IP MAC DEV" was added to the static entries, else why not. */
    private String addStatic(final String text)
    {
        final String[] w = text.trim().split("\\s+");
        if (3 != w.length)
        {
            return "want IP MAC DEV";
        }
        final Integer ip = Arp.parseIp(w[0]);
        final long mac = Arp.parseMac(w[1]);
        final int port = core.netif.portId(w[2]);
        final String why = null == ip || 0 == ip ? "bad address " + w[0] : mac <= 0 ? "bad MAC " + w[1]
            : port < 0 ? "no such device " + w[2]
            : statics.containsKey(NeighTable.key(ip, port)) ? "duplicate entry" : null;
        if (null == why)
        {
            synchronized (statics)
            {
                statics.put(NeighTable.key(ip, port), new StaticEntry(ip, port, mac, w[2]));
            }
        }
        return why;
    }

    /** @return the static entries, in the order added; safe on any thread. */
    StaticEntry[] staticSnapshot()
    {
        synchronized (statics)
        {
            return statics.values().toArray(new StaticEntry[0]);
        }
    }

    int staticCount()
    {
        synchronized (statics)
        {
            return statics.size();
        }
    }

    // ------------------------------------------------------------------ resolution

    /** NEIGH_RESOLVE from a worker: starts a resolution unless one is in progress. */
    int onResolve(final Msg m)
    {
        final long key = (Long)m.payload();
        if (!pending.containsKey(key))
        {
            final Resolution r = new Resolution((int)key, (int)(key >>> 32));
            pending.put(key, r);
            r.queued = true;
            toSend.add(r);
        }
        return Edpvs.OK;
    }

    /** The master's LOOP {@code neigh_sync} job: sends the ARP requests queued by resolutions and retries. */
    int masterSync(final int lcoreId)
    {
        int work = 0;
        Resolution r;
        while (work < SEND_BURST && null != (r = toSend.poll()))
        {
            r.queued = false;
            if (pending.get(NeighTable.key(r.ip, r.port)) != r)
            {
                continue;
            }
            sendRequest(r.ip, r.port, lcoreId);
            if (r.tries > 0)
            {
                arpRetries.incrementAndGet();
            }
            r.tries++;
            r.nextNs = System.nanoTime() + core.settings.retransNs();
            work++;
        }
        return work;
    }

    /** The master's retransmission timer: repeats the requests not answered in time, gives up after the last. */
    void retry(final int lcoreId, final long nowNs)
    {
        final Iterator<Resolution> it = pending.values().iterator();
        while (it.hasNext())
        {
            final Resolution r = it.next();
            if (r.queued || r.nextNs - nowNs > 0)
            {
                continue;
            }
            if (r.tries >= core.settings.probes())
            {
                // the workers drop what they held when their entry's resolution time is over
                it.remove();
                resolveFailed.incrementAndGet();
                LOG.debug("neigh: {} on port {} did not answer {} ARP requests", Arp.ip(r.ip), r.port, r.tries);
                continue;
            }
            r.queued = true;
            toSend.add(r);
        }
    }

    /**
     * Sends one ARP request (DPVS's {@code neigh_send_arp}), sender address from the route to the neighbour
     * ({@code Route4.src}), else the last of our addresses asked for on the port; none: counted, not sent.
     */
    private void sendRequest(final int ip, final int port, final int lcoreId)
    {
        int src = 0;
        final RouteLookup rl = core.routeLookup;
        final Route4 route = masterRoute;
        if (null != rl && rl.lookup4(lcoreId, ip, route))
        {
            src = route.src;
        }
        if (0 == src)
        {
            src = core.lastLocal.get(port);
        }
        if (0 == src)
        {
            noSource.incrementAndGet();
            final long left = noSourceLog.admit(System.nanoTime());
            if (left >= 0)
            {
                LOG.warn("neigh: no source address for an ARP request for {} on {}: the port has no address{}",
                    Arp.ip(ip), core.portNames[port], LogLimiter.suppressedNote(left));
            }
            return;
        }
        final Mbuf m = core.netif.pool().alloc(lcoreId);
        if (null == m)
        {
            allocFailures.incrementAndGet();
            return;
        }
        Arp.request(m, core.portMacs[port], src, ip);
        if (Edpvs.OK == core.netif.xmit(lcoreId, m, port))
        {
            arpSent.incrementAndGet();
        }
        else
        {
            xmitFailures.incrementAndGet();
        }
    }

    /** NEIGH_REPORT from a worker: ends the resolution and tells every worker (a static entry is left as it is). */
    int onReport(final Msg m)
    {
        final Learn l = (Learn)m.payload();
        final long key = l.key();
        pending.remove(key);
        synchronized (statics)
        {
            if (statics.containsKey(key))
            {
                return Edpvs.OK;
            }
        }
        final int rc = core.msg.multicastAsync(NeighCore.MSG_NEIGH_LEARN, l, core.settings.timeoutUs(),
            (code, replies) ->
            {
                if (Edpvs.OK != code)
                {
                    learnFailures.incrementAndGet();
                    LOG.warn("neigh: learned {} did not reach every worker: {}", l, Edpvs.strerror(code));
                }
                else if (!l.updateOnly() && core.events.active())
                {
                    // every worker has it (a refresh by a gratuitous or third-party ARP is not an event)
                    publish("LEARN " + Arp.ip(l.ip()) + " lladdr " + Arp.macText(l.mac()) + " dev "
                        + core.portNames[l.port()]);
                }
            });
        if (Edpvs.OK == rc)
        {
            learned.incrementAndGet();
        }
        else
        {
            learnFailures.incrementAndGet();
        }
        return Edpvs.OK;
    }

    // ------------------------------------------------------------------ sockopts and API

    SockoptHandle registerSockopts(final SockoptRegistry registry)
    {
        return registry.register(SockoptSpec.builder("neigh")
            .set(NeighConf.SOCKOPT_SET_NEIGH_ADD, NeighConf.SOCKOPT_SET_NEIGH_DEL, this::onSet)
            .get(NeighConf.SOCKOPT_GET_NEIGH_SHOW, NeighConf.SOCKOPT_GET_NEIGH_SHOW, this::onGet)
            .build());
    }

    /** SET 70 and 71, as DPVS's {@code neigh_sockopt_set} checks them. */
    private int onSet(final SockoptRequest req, final SockoptReply rep)
    {
        final ByteBuffer body = req.body();
        if (body.remaining() != NeighConf.SIZE)
        {
            return refuse(rep::message, Edpvs.INVAL, "dp_vs_neigh_conf is " + NeighConf.SIZE + " bytes, got "
                + body.remaining());
        }
        final int at = body.position();
        final int af = body.getInt(at + NeighConf.AF_OFFSET);
        if (NeighConf.AF_INET != af)
        {
            return refuse(rep::message, Edpvs.NOTSUPP, "af " + af + ": only inet (2) neighbours here");
        }
        final int ip = Integer.reverseBytes(body.getInt(at + NeighConf.IP_OFFSET));
        final String ifname = NeighConf.ifname(body, at + NeighConf.IFNAME_OFFSET);
        long mac = 0;
        for (int i = 0; i < 6; i++)
        {
            mac = (mac << 8) | (body.get(at + NeighConf.MAC_OFFSET + i) & 0xff);
        }
        return apply(NeighConf.SOCKOPT_SET_NEIGH_ADD == req.id(), ip, mac, ifname, rep::message);
    }

    /**
     * Adds or deletes a static entry everywhere, on the master lcore: the workers first (synchronously), then the
     * master's list.
     *
     * @return the code for the client; {@code why} got the reason of a failure.
     */
    int apply(final boolean add, final int ip, final long mac, final String ifname, final Consumer<String> why)
    {
        if (0 == ip)
        {
            return refuse(why, Edpvs.INVAL, "address 0.0.0.0");
        }
        final int port = core.netif.portId(ifname);
        if (port < 0)
        {
            return refuse(why, Edpvs.INVAL, "no such device: \"" + ifname + "\"");
        }
        final long key = NeighTable.key(ip, port);
        if (add)
        {
            if (0 == mac)
            {
                return refuse(why, Edpvs.INVAL, "MAC 00:00:00:00:00:00");
            }
            final StaticEntry present;
            synchronized (statics)
            {
                present = statics.get(key);
            }
            if (null != present)
            {
                return refuse(why, Edpvs.EXIST, "neighbour exists: " + present);
            }
            final StaticEntry e = new StaticEntry(ip, port, mac, ifname);
            final int rc = core.msg.multicastSync(NeighCore.MSG_NEIGH_ADD, e, core.settings.timeoutUs(), result);
            if (Edpvs.OK != rc)
            {
                failed("add", e.toString(), rc, why);
                core.msg.multicastAsync(NeighCore.MSG_NEIGH_DEL, key, core.settings.timeoutUs(), (c, r) -> { });
                return rc;
            }
            synchronized (statics)
            {
                statics.put(key, e);
            }
            pending.remove(key);
            added.incrementAndGet();
            if (core.events.active())
            {
                publish("ADD " + e + " static");
            }
            return Edpvs.OK;
        }
        final int rc = core.msg.multicastSync(NeighCore.MSG_NEIGH_DEL, key, core.settings.timeoutUs(), result);
        if (Edpvs.OK != rc)
        {
            failed("del", Arp.ip(ip) + " dev " + ifname, rc, why);
            return rc;
        }
        boolean found = false;
        for (int i = 0; i < result.count(); i++)
        {
            found |= Boolean.TRUE.equals(result.reply(i));
        }
        final StaticEntry was;
        synchronized (statics)
        {
            was = statics.remove(key);
        }
        if (!found && null == was)
        {
            return refuse(why, Edpvs.NOTEXIST, "no neighbour " + Arp.ip(ip) + " dev " + ifname);
        }
        deleted.incrementAndGet();
        if (core.events.active())
        {
            publish("DEL " + Arp.ip(ip) + " dev " + ifname);
        }
        return Edpvs.OK;
    }

    /**
     * Queues a {@value NeighCore#EVENT} event: never blocks this lcore. Callers format the text only when
     * {@code core.events.active()}, i.e. a subscriber channel is bound.
     */
    private void publish(final String text)
    {
        core.events.offer(NeighCore.EVENT, text);
    }

    private void failed(final String what, final String entry, final int rc, final Consumer<String> why)
    {
        why.accept(String.format(Locale.ROOT, "neigh %s not applied: %s; no answer from lcores %s", what,
            Edpvs.strerror(rc), lcoreList(result.missingMask())));
        LOG.warn("neigh {} {} failed: {} (missing 0x{})", what, entry, Edpvs.strerror(rc),
            Long.toHexString(result.missingMask()));
    }

    private static String lcoreList(final long mask)
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

    private int refuse(final Consumer<String> why, final int code, final String text)
    {
        refused.incrementAndGet();
        why.accept(text);
        LOG.debug("neigh SET refused: {} ({})", text, Edpvs.strerror(code));
        return code;
    }

    /** GET 72: every worker's rows (DPVS's {@code neigh_sockopt_get}), filtered by the request's device and af. */
    private int onGet(final SockoptRequest req, final SockoptReply rep)
    {
        final ByteBuffer body = req.body();
        int port = -1;
        int af = NeighConf.AF_UNSPEC;
        if (body.remaining() >= NeighConf.SIZE)
        {
            final String ifname = NeighConf.ifname(body, body.position() + NeighConf.IFNAME_OFFSET);
            af = body.getInt(body.position() + NeighConf.AF_OFFSET);
            if (!ifname.isEmpty())
            {
                port = core.netif.portId(ifname);
                if (port < 0)
                {
                    rep.message("no such device: \"" + ifname + "\"");
                    return Edpvs.NOTEXIST;
                }
            }
        }
        final int rc = core.msg.multicastSync(MsgIds.NEIGH_GET, new int[] {port, af}, core.settings.timeoutUs(),
            result);
        if (Edpvs.OK != rc)
        {
            rep.message("neigh show: " + Edpvs.strerror(rc) + "; no answer from lcores "
                + lcoreList(result.missingMask()));
            return rc;
        }
        final byte[] rows = rows(result);
        final ByteBuffer out = rep.body(NeighConf.ARRAY_HEADER + rows.length);
        out.putInt(rows.length / NeighConf.SIZE);
        out.put(rows);
        return Edpvs.OK;
    }

    /** @return the workers' rows, by lcore id. */
    private static byte[] rows(final MulticastResult r)
    {
        final Integer[] order = new Integer[r.count()];
        int len = 0;
        for (int i = 0; i < order.length; i++)
        {
            order[i] = i;
            len += ((byte[])r.reply(i)).length;
        }
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(r.lcore(a), r.lcore(b)));
        final ByteBuffer all = ByteBuffer.allocate(len);
        for (final Integer i : order)
        {
            all.put((byte[])r.reply(i));
        }
        return all.array();
    }

    /**
     * GET 72's reply body gathered from any thread (Gogo's {@code neigh:show}).
     *
     * @param port a port id or -1.
     * @return the body (count, then the rows), little-endian; null when a worker did not answer.
     */
    ByteBuffer gather(final int port)
    {
        final MulticastResult r = new MulticastResult();
        if (Edpvs.OK != core.msg.multicastSync(MsgIds.NEIGH_GET, new int[] {port, 0}, core.settings.timeoutUs(), r))
        {
            return null;
        }
        final byte[] rows = rows(r);
        final ByteBuffer out = ByteBuffer.allocate(NeighConf.ARRAY_HEADER + rows.length)
            .order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(rows.length / NeighConf.SIZE).put(rows);
        return out;
    }

    /**
     * An add or delete from any thread (Gogo): run on the master lcore, where the sockopts run.
     *
     * @return "OK" or the error and its reason.
     */
    String call(final boolean add, final int ip, final long mac, final String ifname)
    {
        final Object[] req = {add, ip, mac, ifname};
        final Object[] res;
        if (core.lcores.currentLcoreId() == core.masterId)
        {
            res = run(req);
        }
        else
        {
            final MsgReply out = new MsgReply();
            final int rc = core.msg.sendSync(NeighCore.MSG_NEIGH_API, core.masterId, req,
                2 * core.settings.timeoutUs(), out);
            if (Edpvs.OK != rc)
            {
                return Edpvs.name(rc) + ": the master lcore did not answer";
            }
            res = (Object[])out.reply();
        }
        final int code = (Integer)res[0];
        return Edpvs.OK == code ? "OK" : Edpvs.name(code) + " (" + code + "): " + res[1];
    }

    /** MSG_NEIGH_API on the master. */
    int onApi(final Msg m)
    {
        m.reply(run((Object[])m.payload()));
        return Edpvs.OK;
    }

    private Object[] run(final Object[] req)
    {
        final String[] why = {""};
        final int code = apply((Boolean)req[0], (Integer)req[1], (Long)req[2], (String)req[3], s -> why[0] = s);
        return new Object[] {code, why[0]};
    }

    /** @return resolutions in progress (master lcore's view; for display). */
    int pendingCount()
    {
        return pending.size();
    }
}
