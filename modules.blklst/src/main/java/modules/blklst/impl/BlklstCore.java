package modules.blklst.impl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.common.EventPublisher;
import platform.common.Registrations;
import platform.common.StaticConfig;

import modules.blklst.api.Blacklist;
import modules.blklst.api.BlklstConf;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.Edpvs;
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
 * The blacklist (DPVS's {@code ip_vs_blklst.c}). The master lcore holds the authoritative list, in insertion
 * order, which GET 76 returns; every forwarding lcore holds its own {@link BlklstTable}, which only it touches.
 * A SET runs on the master lcore: it validates the request, multicasts the change to every worker and waits for
 * all of them ({@code multicastSync}), and only then changes its own list and replies, so an OK means every
 * worker applied it. A failed or timed-out multicast is answered with its code and undone on the workers that
 * applied it (DPVS sends SETs asynchronously and reports OK whatever the workers did).
 * <p>
 * Workers apply changes idempotently (adding a present entry or removing an absent one succeeds), so an undo or
 * a table built from {@link #snapshot} can overlap a change in flight without harm.
 */
final class BlklstCore implements Blacklist
{
    /** Flush the table (DPVS has no message for it: dpvs-agent's flush deletes entry by entry). */
    static final int MSG_BLKLST_FLUSH = 256;
    /** Every worker replies with its table's size (for {@code blklst:lcores} and the tests). */
    static final int MSG_BLKLST_COUNT = 257;
    /** Every worker replies with the packets its packet hook dropped per entry (for {@code blklst:list}). */
    static final int MSG_BLKLST_HITS = 258;
    static final String JOB_NAME = "blklst_init";
    /** The event an applied change is published as (platform.mp's subscribers; see the README's table). */
    static final String EVENT = "blklst.change";
    private static final Logger LOG = LoggerFactory.getLogger(BlklstCore.class);

    private final LcoreScheduler lcores;
    private final MsgManager msg;
    private final int maxEntries;
    private final long timeoutUs;
    private final String owner;

    /** Each slot is created, read and changed by its own lcore only. */
    private final BlklstTable[] tables = new BlklstTable[LcoreScheduler.MAX_LCORES];
    /** The master lcore's list: written on the master lcore only; GET 76 reads it there. */
    private final LinkedHashSet<BlklstEntry> master = new LinkedHashSet<>();
    /** What a late-starting lcore fills its table from; republished by the master lcore after every change. */
    private volatile BlklstEntry[] snapshot = new BlklstEntry[0];
    /** Reused on the master lcore for every multicast. */
    private final MulticastResult result = new MulticastResult();

    final AtomicLong added = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    final AtomicLong flushed = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong multicastFailures = new AtomicLong();

    private final Registrations handles = new Registrations(LOG, "blacklist");
    /** Where applied changes go as {@value #EVENT} events (no sink: nothing is formatted or queued). */
    private volatile EventPublisher events = new EventPublisher("blklst-events", 1, LOG);

    /**
     * @param lcores     the lcores.
     * @param msg        the message manager.
     * @param maxEntries the most entries the list may hold; an ADD beyond it gets EDPVS_NOMEM.
     * @param timeoutUs  how long a SET waits for every worker.
     * @param owner      for logs.
     */
    BlklstCore(final LcoreScheduler lcores, final MsgManager msg, final int maxEntries, final long timeoutUs,
        final String owner)
    {
        this.lcores = lcores;
        this.msg = msg;
        this.maxEntries = maxEntries;
        this.timeoutUs = timeoutUs;
        this.owner = owner;
    }

    /**
     * Registers the workers' INIT job, the message types, then the sockopts (clients can reach the blacklist only
     * once every worker can take its messages). On failure, what was registered is closed again.
     *
     * @param sockopts the control socket's registry.
     */
    void start(final SockoptRegistry sockopts)
    {
        start(sockopts, "", null);
    }

    /**
     * As {@link #start(SockoptRegistry)}, with static entries: each source all or nothing ({@link StaticConfig}).
     *
     * @param inline the configuration's entries, separated by commas, or "".
     * @param file   a file of entries, one per line, or null.
     */
    void start(final SockoptRegistry sockopts, final String inline, final java.nio.file.Path file)
    {
        // before any lcore builds its table from the master's list, and before any client can reach the list
        StaticConfig.apply(BlklstComponent.PID, inline, file, statics(), LOG, "blacklist entries");
        try
        {
            final JobHandle init = lcores.register(JobSpec.init(JOB_NAME, LcoreRole.FWD_WORKER, this::initLcore));
            handles.add(init::close);
            register(MsgTypeSpec.multicast(MsgIds.BLKLST_ADD, "blklst_add", MsgPriority.NORM, this::onAdd, null));
            register(MsgTypeSpec.multicast(MsgIds.BLKLST_DEL, "blklst_del", MsgPriority.NORM, this::onDel, null));
            register(MsgTypeSpec.multicast(MSG_BLKLST_FLUSH, "blklst_flush", MsgPriority.NORM, this::onFlush, null));
            register(MsgTypeSpec.multicast(MSG_BLKLST_COUNT, "blklst_count", MsgPriority.LOW, this::onCount, null));
            register(MsgTypeSpec.multicast(MSG_BLKLST_HITS, "blklst_hits", MsgPriority.LOW, this::onHits, null));
            final SockoptHandle so = sockopts.register(SockoptSpec.builder("blklst")
                .set(BlklstConf.SOCKOPT_SET_BLKLST_ADD, BlklstConf.SOCKOPT_SET_BLKLST_FLUSH, this::onSet)
                .get(BlklstConf.SOCKOPT_GET_BLKLST_GETALL, BlklstConf.SOCKOPT_GET_BLKLST_GETALL, this::onGet)
                .build());
            handles.add(so::close);
            LOG.info("blacklist started for {} (at most {} entries, SET timeout {} us)", owner, maxEntries,
                timeoutUs);
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

    /** Closes the sockopts, the message types and the job, newest first: none of this bundle's code runs after. */
    void stop()
    {
        handles.closeAll();
    }

    /** @param p where applied changes are published as {@value #EVENT}; set before {@link #start}. */
    void events(final EventPublisher p)
    {
        this.events = p;
    }

    // ------------------------------------------------------------------ on every forwarding lcore

    private int initLcore(final int lcoreId)
    {
        table(lcoreId);
        return 0;
    }

    /** The calling lcore's table, built from the snapshot the first time (a worker that starts late). */
    private BlklstTable table(final int lcoreId)
    {
        BlklstTable t = tables[lcoreId];
        if (null == t)
        {
            final BlklstEntry[] s = snapshot;
            t = new BlklstTable(Math.max(64, s.length * 2));
            for (final BlklstEntry e : s)
            {
                t.add(e);
            }
            tables[lcoreId] = t;
        }
        return t;
    }

    private int onAdd(final Msg m)
    {
        table(lcores.currentLcoreId()).add((BlklstEntry)m.payload());
        return Edpvs.OK;
    }

    private int onDel(final Msg m)
    {
        table(lcores.currentLcoreId()).remove((BlklstEntry)m.payload());
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

    private int onHits(final Msg m)
    {
        final BlklstEntry[] entries = (BlklstEntry[])m.payload();
        final BlklstTable t = table(lcores.currentLcoreId());
        final long[] hits = new long[entries.length];
        for (int i = 0; i < entries.length; i++)
        {
            hits[i] = t.hits(entries[i]);
        }
        m.reply(hits);
        return Edpvs.OK;
    }

    /**
     * The packet hook's lookup on a forwarding lcore: is the IPv4 packet's source blacklisted for its service?
     * Counts a hit on the entry when it is.
     *
     * @param lcoreId the calling lcore.
     * @param proto   the protocol.
     * @param vaddr   the destination address.
     * @param vport   the destination port, 0 when the protocol has none.
     * @param saddr   the source address.
     * @return true when the packet is to be dropped.
     */
    boolean dropV4(final int lcoreId, final int proto, final int vaddr, final int vport, final int saddr)
    {
        final BlklstTable t = tables[lcoreId];
        return null != t && t.hitV4(BlklstTable.meta(BlklstConf.AF_INET, proto, vport), vaddr & 0xffffffffL,
            saddr & 0xffffffffL);
    }

    /**
     * Asks every worker for the packets its hook dropped per entry; may be called on any thread.
     *
     * @param entries the entries, in the order wanted.
     * @return the sums over the workers, in that order; entries a worker did not answer for count 0 there.
     */
    long[] hits(final List<BlklstEntry> entries)
    {
        final BlklstEntry[] arr = entries.toArray(new BlklstEntry[0]);
        final MulticastResult r = new MulticastResult();
        msg.multicastSync(MSG_BLKLST_HITS, arr, timeoutUs, r);
        final long[] sum = new long[arr.length];
        for (int i = 0; i < r.count(); i++)
        {
            if (r.reply(i) instanceof long[])
            {
                final long[] h = (long[])r.reply(i);
                for (int j = 0; j < sum.length && j < h.length; j++)
                {
                    sum[j] += h[j];
                }
            }
        }
        return sum;
    }

    @Override
    public boolean containsV4(final int proto, final int vaddr, final int vport, final int saddr)
    {
        final int id = lcores.currentLcoreId();
        final BlklstTable t = id >= 0 ? tables[id] : null;
        return null != t && t.contains(BlklstTable.meta(BlklstConf.AF_INET, proto, vport), vaddr & 0xffffffffL, 0,
            saddr & 0xffffffffL, 0);
    }

    @Override
    public boolean containsV6(final int proto, final long vaddrHi, final long vaddrLo, final int vport,
        final long saddrHi, final long saddrLo)
    {
        final int id = lcores.currentLcoreId();
        final BlklstTable t = id >= 0 ? tables[id] : null;
        return null != t && t.contains(BlklstTable.meta(BlklstConf.AF_INET6, proto, vport), vaddrHi, vaddrLo,
            saddrHi, saddrLo);
    }

    @Override
    public int size()
    {
        return snapshot.length;
    }

    // ------------------------------------------------------------------ on the master lcore (sockopt handlers)

    private int onSet(final SockoptRequest req, final SockoptReply rep)
    {
        final ByteBuffer body = req.body();
        if (BlklstConf.SOCKOPT_SET_BLKLST_FLUSH == req.id())
        {
            // dpvs-agent sends the flush with a conf body; the body is not needed either way
            return change(MSG_BLKLST_FLUSH, null, rep);
        }
        final String why = check(req.id(), body);
        if (null != why)
        {
            return refuse(rep, checkCode, why);
        }
        final BlklstEntry e = BlklstEntry.decode(body);
        return change(BlklstConf.SOCKOPT_SET_BLKLST_ADD == req.id() ? MsgIds.BLKLST_ADD : MsgIds.BLKLST_DEL, e, rep);
    }

    /** The code of the last {@link #check} that failed (its caller's thread only: the master lcore or start). */
    private int checkCode;

    /**
     * SET 73's and 74's checks, as DPVS makes them.
     *
     * @return null when the request is good, else why not ({@link #checkCode} has the code).
     */
    private String check(final int id, final ByteBuffer body)
    {
        if (body.remaining() != BlklstConf.SIZE)
        {
            checkCode = Edpvs.INVAL;
            return "dp_vs_blklst_conf is " + BlklstConf.SIZE + " bytes, got " + body.remaining();
        }
        final int af = body.get(body.position() + BlklstConf.AF_OFFSET) & 0xff;
        if (BlklstConf.AF_INET != af && BlklstConf.AF_INET6 != af)
        {
            checkCode = Edpvs.INVAL;
            return "af " + af + ": want 2 (inet) or 10 (inet6)";
        }
        if (0 != body.get(body.position() + BlklstConf.IPSET_OFFSET))
        {
            checkCode = Edpvs.NOTSUPP;
            return "ipset subjects need an ipset module";
        }
        final BlklstEntry e = BlklstEntry.decode(body.duplicate());
        if (!BlklstEntry.knownProto(e.proto()))
        {
            checkCode = Edpvs.INVAL;
            return "proto " + e.proto() + ": want tcp, udp, sctp, icmp or icmpv6";
        }
        if (BlklstConf.SOCKOPT_SET_BLKLST_ADD == id)
        {
            if (master.contains(e))
            {
                checkCode = Edpvs.EXIST;
                return "already blacklisted: " + e;
            }
            if (master.size() >= maxEntries)
            {
                checkCode = Edpvs.NOMEM;
                return "blacklist full: " + maxEntries + " entries";
            }
            return null;
        }
        if (!master.contains(e))
        {
            checkCode = Edpvs.NOTEXIST;
            return "not blacklisted: " + e;
        }
        return null;
    }

    /**
     * The configuration's static entries, each as dplanectl's {@code blklst add} words ({@code tcp 10.0.0.1:80
     * 1.2.3.4}), with SET 73's checks; applied by {@link #start} before the workers build their tables from the
     * master's list, so they need no message.
     */
    private StaticConfig.Applier statics()
    {
        return new StaticConfig.Applier()
        {
            @Override
            public String apply(final String text)
            {
                final ByteBuffer body = conf(text);
                final String why = check(BlklstConf.SOCKOPT_SET_BLKLST_ADD, body);
                if (null == why)
                {
                    master.add(BlklstEntry.decode(body));
                    snapshot = master.toArray(new BlklstEntry[0]);
                }
                return null == why ? null : why + " (" + Edpvs.strerror(checkCode) + ")";
            }

            @Override
            public void undo(final String text)
            {
                master.remove(BlklstEntry.decode(conf(text)));
                snapshot = master.toArray(new BlklstEntry[0]);
            }

            private ByteBuffer conf(final String text)
            {
                final String[] w = text.trim().split("\\s+");
                if (3 != w.length)
                {
                    throw new IllegalArgumentException("want PROTO VIP:PORT ADDRESS");
                }
                return ByteBuffer.wrap(modules.blklst.cli.BlklstCtl.conf(w[0], w[1], w[2]));
            }
        };
    }

    private int refuse(final SockoptReply rep, final int code, final String why)
    {
        refused.incrementAndGet();
        rep.message(why);
        LOG.debug("blacklist SET refused: {} ({})", why, Edpvs.strerror(code));
        return code;
    }

    /**
     * Multicasts a change and applies it to the master's list once every worker did.
     *
     * @param type BLKLST_ADD, BLKLST_DEL or the flush.
     * @param e    the entry, null for the flush.
     * @param rep  for the error text.
     * @return the code for the client.
     */
    private int change(final int type, final BlklstEntry e, final SockoptReply rep)
    {
        final int rc = msg.multicastSync(type, e, timeoutUs, result);
        if (Edpvs.OK != rc)
        {
            multicastFailures.incrementAndGet();
            final String what = MsgIds.BLKLST_ADD == type ? "add" : MsgIds.BLKLST_DEL == type ? "del" : "flush";
            final String why = String.format(Locale.ROOT, "%s not applied: %s on lcores missing 0x%x",
                what, Edpvs.strerror(rc), result.missingMask());
            LOG.warn("blacklist {} {} failed: {} (asked 0x{}, missing 0x{}); undoing it on the workers", what,
                null == e ? "" : e, Edpvs.strerror(rc), Long.toHexString(result.askedMask()),
                Long.toHexString(result.missingMask()));
            undo(type, e);
            rep.message(why);
            return rc;
        }
        if (MsgIds.BLKLST_ADD == type)
        {
            master.add(e);
            table(lcores.currentLcoreId()).add(e);
            added.incrementAndGet();
        }
        else if (MsgIds.BLKLST_DEL == type)
        {
            master.remove(e);
            table(lcores.currentLcoreId()).remove(e);
            deleted.incrementAndGet();
        }
        else
        {
            master.clear();
            table(lcores.currentLcoreId()).clear();
            flushed.incrementAndGet();
        }
        snapshot = master.toArray(new BlklstEntry[0]);
        // every lcore has it: tell the subscribers, through the publisher's queue (never blocks this lcore)
        final EventPublisher ev = events;
        if (ev.active())
        {
            ev.offer(EVENT, MsgIds.BLKLST_ADD == type ? "ADD " + e : MsgIds.BLKLST_DEL == type ? "DEL " + e
                : "FLUSH");
        }
        return Edpvs.OK;
    }

    /** Brings the workers back to the master's list after a change failed on some of them. */
    private void undo(final int type, final BlklstEntry e)
    {
        final int rc;
        if (MsgIds.BLKLST_ADD == type)
        {
            rc = msg.multicastAsync(MsgIds.BLKLST_DEL, e, timeoutUs, (code, replies) -> { });
        }
        else if (MsgIds.BLKLST_DEL == type)
        {
            rc = msg.multicastAsync(MsgIds.BLKLST_ADD, e, timeoutUs, (code, replies) -> { });
        }
        else
        {
            // a failed flush leaves some workers empty: put the master's entries back on all of them
            int sent = Edpvs.OK;
            for (final BlklstEntry each : master)
            {
                final int one = msg.multicastAsync(MsgIds.BLKLST_ADD, each, timeoutUs, (code, replies) -> { });
                sent = Edpvs.OK == sent ? one : sent;
            }
            rc = sent;
        }
        if (Edpvs.OK != rc)
        {
            LOG.error("blacklist undo could not be sent ({}): workers may differ from the master's list until "
                + "the next flush", Edpvs.strerror(rc));
        }
    }

    private int onGet(final SockoptRequest req, final SockoptReply rep)
    {
        final ByteBuffer out = rep.body(BlklstConf.ARRAY_HEADER + master.size() * BlklstConf.SIZE);
        out.putInt(master.size());
        for (final BlklstEntry e : master)
        {
            e.encode(out);
        }
        return Edpvs.OK;
    }

    /** @return the master's list, in insertion order (a copy, safe on any thread once published). */
    List<BlklstEntry> entries()
    {
        return List.of(snapshot);
    }

    /**
     * Asks every worker for its table's size (for {@code blklst:lcores}); may be called on any thread.
     *
     * @return "lcore N: M entries" lines, or the failure.
     */
    String lcoreCounts()
    {
        final MulticastResult r = new MulticastResult();
        final int rc = msg.multicastSync(MSG_BLKLST_COUNT, null, timeoutUs, r);
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "master lcore %d: %d entries%n", msg.masterLcoreId(), size()));
        for (int i = 0; i < r.count(); i++)
        {
            sb.append(String.format(Locale.ROOT, "lcore %d: %s entries%n", r.lcore(i), r.reply(i)));
        }
        if (Edpvs.OK != rc)
        {
            sb.append("incomplete: ").append(Edpvs.strerror(rc)).append(String.format(Locale.ROOT,
                ", no answer from lcores 0x%x%n", r.missingMask()));
        }
        return sb.toString();
    }
}
