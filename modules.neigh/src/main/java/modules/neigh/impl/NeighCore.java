package modules.neigh.impl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.common.EventPublisher;
import platform.common.Registrations;

import modules.neigh.api.NeighConf;
import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.NeighOutput;
import modules.netif.api.Netif;
import modules.netif.api.PortInfo;
import modules.netif.api.ReceiverHandle;
import modules.netif.api.RouteLookup;
import platform.lcore.api.Edpvs;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.LcoreTimers;
import platform.lcore.api.TimerHandle;
import platform.msgmgr.api.Msg;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgTypeHandle;
import platform.msgmgr.api.MsgTypeSpec;
import platform.sockopt.api.SockoptRegistry;

/**
 * The neighbour subsystem (DPVS's {@code src/neigh.c}), the forwarding lcores' side: each worker owns a
 * {@link NeighTable} that only it touches. {@link #output} (netif's {@link NeighOutput}) sends a packet to a
 * REACHABLE neighbour or holds it while the neighbour is resolved; resolution is the master's job
 * ({@link NeighMaster}): a worker asks it once per neighbour (NEIGH_RESOLVE), the master sends the ARP requests,
 * and a reply seen by any worker's ARP receiver is reported to the master (NEIGH_REPORT), which multicasts the
 * learned entry to every worker (NEIGH_LEARN); each worker then sends what it held. Each worker ages its entries on
 * its own timer. See the README for the flow drawn.
 */
final class NeighCore implements NeighOutput
{
    /** Static add, multicast (DPVS has no message for it: its ring; a free DPVS id, 31..39 being unused). */
    static final int MSG_NEIGH_ADD = 31;
    /** Delete, multicast; each worker answers whether it had the entry. */
    static final int MSG_NEIGH_DEL = 32;
    /** A learned entry, multicast from the master. */
    static final int MSG_NEIGH_LEARN = 33;
    /** A worker asks the master to resolve a neighbour (unicast to the master). */
    static final int MSG_NEIGH_RESOLVE = 34;
    /** A worker reports an ARP frame's sender to the master (unicast to the master). */
    static final int MSG_NEIGH_REPORT = 35;
    /** Another thread's add or delete, run on the master (Gogo). */
    static final int MSG_NEIGH_API = 36;
    static final String JOB_INIT = "neigh_init";
    static final String JOB_SYNC = "neigh_sync";
    /** DPVS's {@code NEIGH_PROCESS_MAC_RING_INTERVAL}. */
    static final int SYNC_SKIP_LOOPS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(NeighCore.class);

    final LcoreScheduler lcores;
    final MsgManager msg;
    final Netif netif;
    final LcoreTimers timers;
    final NeighSettings settings;
    final String owner;
    final int masterId;
    /** Each port's MAC (low 48 bits) and name, by port id; netif's ports are fixed while it runs. */
    final long[] portMacs;
    final String[] portNames;
    /** Per port: the last of our addresses an ARP request asked for, the ARP source when no route gives one. */
    final AtomicIntegerArray lastLocal;
    volatile RouteLookup routeLookup;
    final NeighMaster master;

    /** Each slot is created, read and changed by its own lcore only. */
    private final NeighTable[] tables = new NeighTable[LcoreScheduler.MAX_LCORES];
    private final Mbuf[][] scratch = new Mbuf[LcoreScheduler.MAX_LCORES][];
    private final AtomicReferenceArray<TimerHandle> aging = new AtomicReferenceArray<>(LcoreScheduler.MAX_LCORES);
    private final Registrations handles = new Registrations(LOG, "neigh");
    /** The event an applied change is published as (platform.mp's subscribers; see the README's table). */
    static final String EVENT = "neigh.change";
    /** Where applied changes go as {@value #EVENT} events (no sink: nothing is formatted or queued). */
    volatile EventPublisher events = new EventPublisher("neigh-events", 1, LOG);
    /** Held packets freed when the bundle stopped. */
    final AtomicLong freedAtStop = new AtomicLong();

    /**
     * @param lcores   the lcores.
     * @param msg      the message manager.
     * @param netif    the ports and the packet pool.
     * @param timers   the per-lcore timers.
     * @param settings the settings.
     * @param statics  the configuration's static entries ("IP MAC DEV, ..."), or "" (all or nothing).
     * @param file     a file of static entries, one per line, or null (all or nothing).
     * @param owner    for logs.
     */
    NeighCore(final LcoreScheduler lcores, final MsgManager msg, final Netif netif, final LcoreTimers timers,
        final NeighSettings settings, final String statics, final java.nio.file.Path file, final String owner)
    {
        this.lcores = lcores;
        this.msg = msg;
        this.netif = netif;
        this.timers = timers;
        this.settings = settings;
        this.owner = owner;
        this.masterId = msg.masterLcoreId();
        final List<PortInfo> ports = netif.ports();
        int n = 0;
        for (final PortInfo p : ports)
        {
            n = Math.max(n, p.id() + 1);
        }
        this.portMacs = new long[n];
        this.portNames = new String[n];
        for (final PortInfo p : ports)
        {
            portMacs[p.id()] = Arp.mac(p.mac());
            portNames[p.id()] = p.name();
        }
        this.lastLocal = new AtomicIntegerArray(n);
        for (int i = 0; i < scratch.length; i++)
        {
            scratch[i] = new Mbuf[settings.unresQlen()];
        }
        this.master = new NeighMaster(this);
        master.loadStatics(statics, file);
    }

    /**
     * Registers the message types, the jobs, the master's retransmission timer, the ARP receiver, then the
     * sockopts. On failure, what was registered is closed again.
     *
     * @param sockopts the control socket's registry, or null for none.
     */
    void start(final SockoptRegistry sockopts)
    {
        try
        {
            register(MsgTypeSpec.multicast(MsgIds.NEIGH_GET, "neigh_get", MsgPriority.LOW, this::onGet, null));
            register(MsgTypeSpec.multicast(MSG_NEIGH_ADD, "neigh_add", MsgPriority.NORM, this::onAdd, null));
            register(MsgTypeSpec.multicast(MSG_NEIGH_DEL, "neigh_del", MsgPriority.NORM, this::onDel, null));
            register(MsgTypeSpec.multicast(MSG_NEIGH_LEARN, "neigh_learn", MsgPriority.NORM, this::onLearn, null));
            onMaster(MsgTypeSpec.unicast(MSG_NEIGH_RESOLVE, "neigh_resolve", MsgPriority.NORM, master::onResolve));
            onMaster(MsgTypeSpec.unicast(MSG_NEIGH_REPORT, "neigh_report", MsgPriority.NORM, master::onReport));
            onMaster(MsgTypeSpec.unicast(MSG_NEIGH_API, "neigh_api", MsgPriority.NORM, master::onApi));
            job(JobSpec.init(JOB_INIT, LcoreRole.FWD_WORKER, this::initLcore));
            job(JobSpec.slow(JOB_SYNC, LcoreRole.FWD_WORKER, SYNC_SKIP_LOOPS, this::workerSync));
            job(JobSpec.loop(JOB_SYNC, LcoreRole.MASTER, master::masterSync));
            final TimerHandle retry = timers.schedulePeriodic(masterId, settings.retryScanNs(),
                settings.retryScanNs(), master::retry);
            handles.add(retry::close);
            final ReceiverHandle arp = netif.registerPacketType(Arp.ETHERTYPE_ARP, "arp", new ArpReceiver(this));
            handles.add(arp::close);
            if (null != sockopts)
            {
                handles.add(master.registerSockopts(sockopts)::close);
            }
            LOG.info("neighbour table started for {}: {} static entries, reachable {} ms, {} packets held per "
                + "neighbour", owner, master.staticCount(), TimeUnit.NANOSECONDS.toMillis(settings.reachableNs()),
                settings.unresQlen());
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

    private void onMaster(final MsgTypeSpec spec)
    {
        final MsgTypeHandle h = msg.register(spec, masterId);
        handles.add(h::close);
    }

    private void job(final JobSpec spec)
    {
        final JobHandle h = lcores.register(spec);
        handles.add(h::close);
    }

    /**
     * Closes the sockopts, the receiver, the timers, the jobs and the message types (newest first), then frees the
     * packets the tables still hold: no lcore touches them any more. The NeighOutput service must be gone before
     * (DS unregisters it first; netif waits for a grace period on its unbind).
     */
    void stop()
    {
        handles.closeAll();
        for (int i = 0; i < aging.length(); i++)
        {
            final TimerHandle t = aging.getAndSet(i, null);
            if (null != t)
            {
                t.cancel();
            }
        }
        final Mbuf[] out = new Mbuf[settings.unresQlen()];
        long freed = 0;
        for (int i = 0; i < tables.length; i++)
        {
            final NeighTable t = tables[i];
            if (null == t)
            {
                continue;
            }
            for (int s = 0; s < t.capacity(); s++)
            {
                if (t.used(s))
                {
                    final int n = t.takeHeld(s, out);
                    for (int j = 0; j < n; j++)
                    {
                        netif.pool().free(-1, out[j]);
                        out[j] = null;
                    }
                    freed += n;
                }
            }
            tables[i] = null;
        }
        freedAtStop.addAndGet(freed);
        if (freed > 0)
        {
            LOG.info("neighbour table stopped: {} held packets freed", freed);
        }
    }

    /**
     * @param r the route lookup service, or null; the caller waits for a grace period on the lcores when it goes.
     */
    void routeLookup(final RouteLookup r)
    {
        routeLookup = r;
        if (null == r)
        {
            lcores.synchronize(LcoreRole.FWD_WORKER);
            lcores.synchronize(LcoreRole.MASTER);
        }
    }

    // ------------------------------------------------------------------ on every worker

    private int initLcore(final int lcoreId)
    {
        table(lcoreId);
        final long period = settings.scanNs();
        aging.set(lcoreId, timers.schedulePeriodic(lcoreId, period, period, this::age));
        return 0;
    }

    /** The calling lcore's table, with the master's static entries the first time (a worker that starts late). */
    NeighTable table(final int lcoreId)
    {
        NeighTable t = tables[lcoreId];
        if (null == t)
        {
            t = new NeighTable(lcoreId, settings.maxEntries(), settings.unresQlen(), settings.maxUnresolved());
            for (final StaticEntry s : master.staticSnapshot())
            {
                apply(t, s.ip(), s.port(), s.mac(), true, false, 0);
            }
            tables[lcoreId] = t;
        }
        return t;
    }

    /**
     * netif's neighbour output on a forwarding lcore (DPVS's {@code neigh_output}): a REACHABLE (or PROBE, DELAY)
     * neighbour gets the packet with its Ethernet header written; otherwise the packet is held and, once per
     * neighbour, the master is asked to resolve it. Allocates nothing but the request message's key, once per
     * resolution.
     */
    @Override
    public int output(final int lcoreId, final Mbuf m, final int port, final int nextHop)
    {
        final NeighTable t = table(lcoreId);
        t.count(NeighTable.OUTPUT);
        final long[] macs = portMacs;
        if (port < 0 || port >= macs.length || 0 == nextHop)
        {
            t.count(NeighTable.BAD_NEXTHOP);
            netif.pool().free(lcoreId, m);
            return InetHook.DROP;
        }
        int slot = t.find(nextHop, port);
        if (slot >= 0)
        {
            final int state = t.state(slot);
            if (state >= NeighConf.NUD_REACHABLE)
            {
                Arp.fillEthernet(m, t.mac(slot), macs[port]);
                if (NeighConf.NUD_PROBE == state)
                {
                    // used after its reachable time: have it confirmed (DPVS's PROBE -> DELAY)
                    t.state(slot, NeighConf.NUD_DELAY);
                    t.deadline(slot, System.nanoTime() + settings.delayNs());
                    request(t, slot);
                }
                return send(t, m, port);
            }
        }
        else
        {
            slot = t.insert(nextHop, port);
            if (slot < 0)
            {
                t.count(NeighTable.TABLE_FULL);
                netif.pool().free(lcoreId, m);
                return InetHook.DROP;
            }
            t.deadline(slot, System.nanoTime() + settings.resolveNs());
        }
        final boolean held = t.hold(slot, m);
        if (NeighConf.NUD_NONE == t.state(slot))
        {
            request(t, slot);
        }
        if (!held)
        {
            t.count(NeighTable.HOLD_OVERFLOW);
            netif.pool().free(lcoreId, m);
            return InetHook.DROP;
        }
        t.count(NeighTable.HELD);
        return InetHook.ACCEPT;
    }

    private int send(final NeighTable t, final Mbuf m, final int port)
    {
        if (Edpvs.OK != netif.xmit(t.lcoreId, m, port))
        {
            // xmit freed it
            t.count(NeighTable.XMIT_FAILURES);
            return InetHook.DROP;
        }
        return InetHook.ACCEPT;
    }

    /** Asks the master to resolve an entry; NONE becomes SEND once the request is on its way. */
    private void request(final NeighTable t, final int slot)
    {
        if (Edpvs.OK == msg.sendAsync(MSG_NEIGH_RESOLVE, masterId, NeighTable.key(t.ip(slot), t.port(slot))))
        {
            t.count(NeighTable.REQUESTS);
            if (NeighConf.NUD_NONE == t.state(slot))
            {
                t.state(slot, NeighConf.NUD_SEND);
            }
        }
        else
        {
            // left in NONE: the worker's neigh_sync job asks again
            t.count(NeighTable.REQUEST_FAILURES);
        }
    }

    /** The worker's SLOW {@code neigh_sync} job: asks again for the entries whose request could not be sent. */
    private int workerSync(final int lcoreId)
    {
        final NeighTable t = tables[lcoreId];
        if (null == t || 0 == t.unrequested())
        {
            return 0;
        }
        int work = 0;
        for (int s = 0; s < t.capacity() && t.unrequested() > 0; s++)
        {
            if (t.used(s) && NeighConf.NUD_NONE == t.state(s))
            {
                request(t, s);
                work++;
            }
        }
        return work;
    }

    /**
     * Adds or refreshes an entry and sends what it held (DPVS's {@code neigh_add_table}/{@code neigh_edit} and
     * {@code neigh_send_mbuf_cach}). A static entry is never replaced by a learned one.
     *
     * @return false when the table is full.
     */
    private boolean apply(final NeighTable t, final int ip, final int port, final long mac, final boolean isStatic,
        final boolean updateOnly, final long nowNs)
    {
        int slot = t.find(ip, port);
        if (slot < 0)
        {
            if (updateOnly)
            {
                return true;
            }
            slot = t.insert(ip, port);
            if (slot < 0)
            {
                t.count(NeighTable.TABLE_FULL);
                return false;
            }
        }
        else if (t.isStatic(slot) && !isStatic)
        {
            return true;
        }
        t.mac(slot, mac);
        t.state(slot, NeighConf.NUD_REACHABLE);
        t.setStatic(slot, isStatic);
        t.deadline(slot, isStatic ? 0 : nowNs + settings.reachableNs());
        t.count(NeighTable.LEARNED);
        final Mbuf[] out = scratch[t.lcoreId];
        final int n = t.takeHeld(slot, out);
        for (int i = 0; i < n; i++)
        {
            final Mbuf m = out[i];
            out[i] = null;
            Arp.fillEthernet(m, mac, portMacs[port]);
            send(t, m, port);
        }
        t.count(NeighTable.SENT_HELD, n);
        return true;
    }

    int onLearn(final Msg m)
    {
        final Learn l = (Learn)m.payload();
        final NeighTable t = table(lcores.currentLcoreId());
        return apply(t, l.ip(), l.port(), l.mac(), false, l.updateOnly(), System.nanoTime()) ? Edpvs.OK
            : Edpvs.NOMEM;
    }

    private int onAdd(final Msg m)
    {
        final StaticEntry s = (StaticEntry)m.payload();
        return apply(table(lcores.currentLcoreId()), s.ip(), s.port(), s.mac(), true, false, 0) ? Edpvs.OK
            : Edpvs.NOMEM;
    }

    private int onDel(final Msg m)
    {
        final long key = (Long)m.payload();
        final NeighTable t = table(lcores.currentLcoreId());
        final int slot = t.find((int)key, (int)(key >>> 32));
        if (slot < 0)
        {
            m.reply(Boolean.FALSE);
            return Edpvs.OK;
        }
        final Mbuf[] out = scratch[t.lcoreId];
        final int n = t.remove(slot, out);
        free(t, out, n, NeighTable.DELETED_HELD);
        m.reply(Boolean.TRUE);
        return Edpvs.OK;
    }

    private void free(final NeighTable t, final Mbuf[] out, final int n, final int counter)
    {
        for (int i = 0; i < n; i++)
        {
            netif.pool().free(t.lcoreId, out[i]);
            out[i] = null;
        }
        t.count(counter, n);
    }

    /** NEIGH_GET (18) on a worker: its rows, as DPVS's {@code get_neigh_uc_cb}; payload {port or -1, af}. */
    private int onGet(final Msg m)
    {
        final int[] filter = (int[])m.payload();
        final NeighTable t = table(lcores.currentLcoreId());
        if (NeighConf.AF_UNSPEC != filter[1] && NeighConf.AF_INET != filter[1])
        {
            m.reply(new byte[0]);
            return Edpvs.OK;
        }
        int n = 0;
        for (int s = 0; s < t.capacity(); s++)
        {
            n += t.used(s) && (filter[0] < 0 || t.port(s) == filter[0]) ? 1 : 0;
        }
        final ByteBuffer out = ByteBuffer.allocate(n * NeighConf.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < t.capacity(); s++)
        {
            if (t.used(s) && (filter[0] < 0 || t.port(s) == filter[0]))
            {
                t.encode(s, out, portNames[t.port(s)]);
            }
        }
        m.reply(out.array());
        return Edpvs.OK;
    }

    /**
     * The worker's aging timer (DPVS's per-entry {@code neighbour_timer_event}, here one scan per period):
     * REACHABLE past its time becomes PROBE; PROBE and DELAY past theirs are removed; unresolved entries past the
     * resolution time are removed and their held packets dropped. Static entries never age.
     */
    private void age(final int lcoreId, final long nowNs)
    {
        final NeighTable t = tables[lcoreId];
        if (null == t)
        {
            return;
        }
        final Mbuf[] out = scratch[lcoreId];
        int s = 0;
        while (s < t.capacity())
        {
            if (!t.used(s) || t.isStatic(s) || t.deadline(s) - nowNs > 0)
            {
                s++;
                continue;
            }
            final int state = t.state(s);
            if (NeighConf.NUD_REACHABLE == state)
            {
                t.state(s, NeighConf.NUD_PROBE);
                t.deadline(s, nowNs + settings.probeNs());
                s++;
                continue;
            }
            // removal shifts the next entry of the run into this slot: look at it again
            final int n = t.remove(s, out);
            free(t, out, n, NeighTable.UNRESOLVED_DROPS);
            t.count(NeighTable.AGED_OUT);
        }
    }

    // ------------------------------------------------------------------ for commands and tests

    /** @return per counter, the sum over the lcores' tables (read racily: for display and tests). */
    long[] totals()
    {
        final long[] sum = new long[NeighTable.COUNTER_NAMES.length];
        for (final NeighTable t : tables)
        {
            if (null != t)
            {
                for (int i = 0; i < sum.length; i++)
                {
                    sum[i] += t.counters.get(i);
                }
            }
        }
        return sum;
    }

    long total(final int counter)
    {
        return totals()[counter];
    }
}
