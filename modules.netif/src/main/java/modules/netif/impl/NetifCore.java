package modules.netif.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.common.Registrations;

import modules.netif.api.HookHandle;
import modules.netif.api.HookPoint;
import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;
import modules.netif.api.NeighOutput;
import modules.netif.api.Netif;
import modules.netif.api.PacketReceiver;
import modules.netif.api.PortInfo;
import modules.netif.api.ReceiverHandle;
import modules.netif.api.RouteLookup;
import modules.stats.api.LcoreStats;
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
import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptRegistry;

/**
 * DPVS's netif: opens the ports, gives each forwarding lcore its queues, and runs the packet path on them.
 * <p>
 * Per forwarding lcore, the {@code recv_fwd} LOOP job polls the lcore's receive queues in bursts of up to 32 and
 * takes each IPv4 packet through the hook points, the route lookup and the neighbour output into the lcore's
 * transmit bursts, which it sends at the end of its call; the {@code xmit} LOOP job sends what arrived between
 * calls (MASTER_XMIT messages). All per-lcore state ({@link LcoreNetif}) is touched by its lcore only; another
 * thread's packet reaches a port as a MASTER_XMIT message to the lcore owning one of its transmit queues.
 * <p>
 * What the data plane does not handle (not IPv4, or addressed to us) goes to the kernel through the port's KNI
 * tap when one is configured: the workers hand it over on a lock-free ring to the {@code kni} job (on the
 * KNI_WORKER lcore, else the master), which also sends what the kernel writes back out of the port.
 * <p>
 * Roles: this class owns the ports, the registrations, the KNI job and the {@link Netif} service;
 * {@link QueueAssignment} checks and applies the queue configuration once at construction; {@link PacketPath} is
 * everything that runs per packet on the forwarding lcores.
 */
final class NetifCore implements Netif
{
    static final String JOB_RECV_FWD = "recv_fwd";
    static final String JOB_XMIT = "xmit";
    static final String JOB_KNI = "kni";
    static final int BURST = PortDevice.MAX_BURST;
    /** Packets waiting for the KNI job per port; beyond, they are dropped and counted. */
    static final int KNI_RING = 1024;
    /** The port of a MASTER_XMIT packet that is to be routed rather than sent on a given port. */
    static final int LOCAL_OUT = -2;

    private static final Logger LOG = LoggerFactory.getLogger(NetifCore.class);

    /** One open port. */
    static final class Port
    {
        final PortConf conf;
        final PortDevice dev;
        final PortStats stats;
        /** For each transmit queue, the lcore that owns it, or -1. */
        final int[] txOwner;
        /** The KNI tap's port id, or -1. */
        int kniTap = -1;
        /** For a KNI tap: the port it serves, else -1. */
        int kniOf = -1;
        /** For a port with a KNI tap: what the workers hand to the kernel. */
        MpscArrayQueue<Mbuf> kniRing;

        Port(final PortConf conf, final PortDevice dev)
        {
            this.conf = conf;
            this.dev = dev;
            this.stats = new PortStats(dev.rxQueues(), dev.txQueues());
            this.txOwner = new int[dev.txQueues()];
            Arrays.fill(txOwner, -1);
        }
    }

    private final LcoreScheduler lcores;
    private final MsgManager msg;
    private final LcoreStats lcoreStats;
    private final NetifConfig config;
    private final MbufPool pool;
    private final HookChain hooks;
    private final Receivers receivers;
    private final Port[] ports;
    private final Map<String, Integer> portIds = new HashMap<>();
    /** Indexed by lcore id; built before the jobs start, then each touched by its own lcore only. */
    private final LcoreNetif[] perLcore = new LcoreNetif[LcoreScheduler.MAX_LCORES];
    private final List<String> refused = new ArrayList<>();
    private final Registrations handles = new Registrations(LOG, "netif");
    private final AtomicLong masterXmitFailures = new AtomicLong();
    /** The forwarding lcores' side: built once the ports and queues are set. */
    private final PacketPath path;
    private int kniLcore = -1;
    private final NetifSockopts sockopts = new NetifSockopts(this);

    /**
     * Opens the ports and checks the queue assignment; nothing runs yet.
     *
     * @param lcores     the scheduler.
     * @param msg        the message manager.
     * @param lcoreStats the per-lcore counters.
     * @param config     the configuration.
     * @param drivers    the drivers by name.
     * @throws NetifConfig.ConfigException when the queue assignment is wrong, naming the line.
     */
    NetifCore(final LcoreScheduler lcores, final MsgManager msg, final LcoreStats lcoreStats,
        final NetifConfig config, final Map<String, PortDriver> drivers) throws NetifConfig.ConfigException
    {
        this.lcores = lcores;
        this.msg = msg;
        this.lcoreStats = lcoreStats;
        this.config = config;
        this.pool = new MbufPool("netif", config.mbufs, config.mbufSize);
        this.hooks = new HookChain(lcores);
        this.receivers = new Receivers(lcores);
        this.ports = new Port[config.ports.size()];
        try
        {
            openPorts(drivers);
            new QueueAssignment(config, ports, portIds, perLcore, lcores, lcoreStats).assign();
        }
        catch (final NetifConfig.ConfigException | RuntimeException ex)
        {
            closePorts();
            throw ex;
        }
        this.path = new PacketPath(ports, perLcore, pool, hooks, receivers);
    }

    private void openPorts(final Map<String, PortDriver> drivers)
    {
        for (final PortConf pc : config.ports)
        {
            final PortDriver d = drivers.get(pc.driver);
            try
            {
                if (null == d)
                {
                    throw new PortException(pc, "no driver " + pc.driver + " (have " + String.join(", ",
                        new java.util.TreeSet<>(drivers.keySet())) + ")");
                }
                ports[pc.id] = new Port(pc, d.open(pc, pool));
                portIds.put(pc.name, pc.id);
                LOG.info("port {} open: {} {} {} rxq {} txq {} mtu {}", pc.name, pc.driver, ports[pc.id].dev.device(),
                    info(ports[pc.id]).macText(), ports[pc.id].dev.rxQueues(), ports[pc.id].dev.txQueues(),
                    ports[pc.id].dev.mtu());
            }
            catch (final PortException | RuntimeException ex)
            {
                // a port that cannot be opened is left out; the others and the rest of the platform run
                refused.add(ex.getMessage());
                LOG.error("port {} refused: {}", pc.name, ex.getMessage(), ex instanceof PortException ? null : ex);
            }
        }
    }

    /**
     * Registers the jobs and message types without the sockopts (unit tests of the packet path).
     */
    void start()
    {
        start(null);
    }

    /**
     * Registers the jobs and message types, then DPVS's NIC sockopts; the packet path runs from the workers' next
     * iteration. On failure, what was registered is closed again.
     *
     * @param registry the control socket's registry, or null for no sockopts.
     */
    void start(final SockoptRegistry registry)
    {
        try
        {
            for (final LcoreNetif l : perLcore)
            {
                if (null != l)
                {
                    final MsgTypeHandle x = msg.register(MsgTypeSpec.unicast(MsgIds.MASTER_XMIT, "master_xmit",
                        MsgPriority.NORM, this::onMasterXmit), l.lcoreId);
                    handles.add(x::close);
                    final MsgTypeHandle s = msg.register(MsgTypeSpec.unicast(MsgIds.NETIF_LCORE_STATS,
                        "netif_lcore_stats", MsgPriority.LOW, this::onLcoreStats), l.lcoreId);
                    handles.add(s::close);
                }
            }
            final JobHandle rf = lcores.register(JobSpec.loop(JOB_RECV_FWD, LcoreRole.FWD_WORKER, path::recvFwd));
            handles.add(rf::close);
            final JobHandle xm = lcores.register(JobSpec.loop(JOB_XMIT, LcoreRole.FWD_WORKER, path::xmitJob));
            handles.add(xm::close);
            if (Arrays.stream(ports).anyMatch(p -> null != p && p.kniTap >= 0))
            {
                final int[] kni = lcores.lcoreIds(LcoreRole.KNI_WORKER);
                final LcoreRole role = kni.length > 0 ? LcoreRole.KNI_WORKER : LcoreRole.MASTER;
                kniLcore = kni.length > 0 ? kni[0] : lcores.masterLcoreId();
                final JobHandle k = lcores.register(JobSpec.loop(JOB_KNI, role, this::kniJob));
                handles.add(k::close);
            }
            for (final LcoreNetif l : perLcore)
            {
                if (null != l)
                {
                    l.counters.queues(QueueAssignment.dpvsQueueText(l, ports));
                }
            }
            if (null != registry)
            {
                final SockoptHandle so = sockopts.register(registry);
                handles.add(so::close);
            }
            LOG.info("netif started from {}: {} ports ({} refused), {} mbufs of {} bytes, workers {}", config.source,
                ports().size(), refused.size(), pool.capacity(), config.mbufSize, workerIds());
        }
        catch (final RuntimeException ex)
        {
            stop();
            throw ex;
        }
    }

    /** Removes the hooks, the jobs and message types (newest first), then closes the ports. */
    void stop()
    {
        for (final LcoreNetif l : perLcore)
        {
            if (null != l)
            {
                l.counters.queues("");
            }
        }
        hooks.closeAll(null);
        receivers.closeAll(null);
        handles.closeAll();
        closePorts();
    }

    private void closePorts()
    {
        for (final Port p : ports)
        {
            if (null != p)
            {
                try
                {
                    p.dev.close();
                }
                catch (final RuntimeException ex)
                {
                    LOG.warn("closing port {} failed", p.conf.name, ex);
                }
            }
        }
    }

    // ------------------------------------------------------------------ services picked up dynamically

    void routeLookup(final RouteLookup r)
    {
        path.routeLookup(r);
        if (null == r)
        {
            // once this returns, no lcore is still inside the old service's lookup
            lcores.synchronize(LcoreRole.FWD_WORKER);
        }
    }

    void neighOutput(final NeighOutput n)
    {
        path.neighOutput(n);
        if (null == n)
        {
            lcores.synchronize(LcoreRole.FWD_WORKER);
        }
    }

    // ------------------------------------------------------------------ on the forwarding lcores

    /** The {@code recv_fwd} job (delegates to the packet path; the benchmarks call it on their own thread). */
    int recvFwd(final int lcoreId)
    {
        return path.recvFwd(lcoreId);
    }

    /**
     * MASTER_XMIT on a forwarding lcore: the payload is an mbuf whose {@link Mbuf#port()} is the port to send on,
     * or {@link #LOCAL_OUT} for an IPv4 packet to route ({@code output4} from another thread).
     */
    private int onMasterXmit(final Msg msgIn)
    {
        final Mbuf m = (Mbuf)msgIn.payload();
        final int lcoreId = lcores.currentLcoreId();
        final LcoreNetif l = perLcore[lcoreId];
        if (null != l && LOCAL_OUT == m.port())
        {
            return path.localOut(l, m);
        }
        if (null == l || m.port() < 0 || m.port() >= l.txQueue.length || l.txQueue[m.port()] < 0)
        {
            pool.free(lcoreId, m);
            masterXmitFailures.incrementAndGet();
            return Edpvs.NOTSUPP;
        }
        return path.enqueueTx(l, m, m.port());
    }

    /** NETIF_LCORE_STATS: the lcore's own counters, read on the lcore so they are consistent with each other. */
    private int onLcoreStats(final Msg msgIn)
    {
        final LcoreNetif l = perLcore[lcores.currentLcoreId()];
        msgIn.reply(null == l ? new long[0] : l.snapshot());
        return Edpvs.OK;
    }

    // ------------------------------------------------------------------ KNI

    /** The {@code kni} job: worker packets to the taps, and what the kernel sent out of the ports. */
    private int kniJob(final int lcoreId)
    {
        int work = 0;
        final Mbuf[] burst = kniBurst;
        for (final Port p : ports)
        {
            if (null == p || p.kniTap < 0)
            {
                continue;
            }
            final Port tap = ports[p.kniTap];
            int n = 0;
            Mbuf m;
            while (n < BURST && null != (m = p.kniRing.relaxedPoll()))
            {
                burst[n++] = m;
            }
            if (n > 0)
            {
                long bytes = 0;
                for (int i = 0; i < n; i++)
                {
                    bytes += burst[i].length();
                }
                final int sent = tap.dev.txBurst(lcoreId, 0, burst, n);
                long unsent = 0;
                for (int i = sent; i < n; i++)
                {
                    unsent += burst[i].length();
                    pool.free(lcoreId, burst[i]);
                }
                Arrays.fill(burst, 0, n, null);
                tap.stats.tx(0, sent, bytes - unsent, n - sent);
                work += n;
            }
            final int r = tap.dev.rxBurst(lcoreId, 0, burst, BURST);
            if (r > 0)
            {
                long bytes = 0;
                for (int i = 0; i < r; i++)
                {
                    bytes += burst[i].length();
                }
                tap.stats.rx(0, r, bytes);
                for (int i = 0; i < r; i++)
                {
                    final Mbuf out = burst[i];
                    burst[i] = null;
                    xmit(lcoreId, out, p.conf.id);
                }
                work += r;
            }
        }
        return work;
    }

    private final Mbuf[] kniBurst = new Mbuf[BURST];

    // ------------------------------------------------------------------ the service

    @Override
    public HookHandle registerHook(final HookPoint point, final int priority, final String name,
        final InetHook hook)
    {
        return registerHook(point, priority, name, hook, "netif");
    }

    HookHandle registerHook(final HookPoint point, final int priority, final String name, final InetHook hook,
        final Object owner)
    {
        final HookChain.Entry e = hooks.add(point, priority, name, hook, owner);
        LOG.info("{} registered", e);
        return e;
    }

    int closeHooksOf(final Object owner)
    {
        return hooks.closeAll(owner) + receivers.closeAll(owner);
    }

    @Override
    public ReceiverHandle registerPacketType(final int ethertype, final String name, final PacketReceiver receiver)
    {
        return registerPacketType(ethertype, name, receiver, "netif");
    }

    ReceiverHandle registerPacketType(final int ethertype, final String name, final PacketReceiver receiver,
        final Object owner)
    {
        final Receivers.Entry e = receivers.addType(ethertype, name, receiver, owner);
        LOG.info("{} registered", e);
        return e;
    }

    @Override
    public ReceiverHandle registerProtocol(final int protocol, final String name, final PacketReceiver receiver)
    {
        return registerProtocol(protocol, name, receiver, "netif");
    }

    ReceiverHandle registerProtocol(final int protocol, final String name, final PacketReceiver receiver,
        final Object owner)
    {
        final Receivers.Entry e = receivers.addProtocol(protocol, name, receiver, owner);
        LOG.info("{} registered", e);
        return e;
    }

    @Override
    public int output4(final int lcoreId, final Mbuf m)
    {
        final LcoreNetif l = lcoreId >= 0 ? perLcore[lcoreId] : null;
        if (null != l)
        {
            return path.localOut(l, m);
        }
        // another thread: the packet goes to a forwarding lcore as a MASTER_XMIT without a port
        int workers = 0;
        for (final LcoreNetif w : perLcore)
        {
            workers += null == w ? 0 : 1;
        }
        int owner = -1;
        int pick = 0 == workers ? -1 : m.index() % workers;
        for (int i = 0; i < perLcore.length && owner < 0; i++)
        {
            if (null != perLcore[i] && 0 == pick--)
            {
                owner = i;
            }
        }
        m.from(LOCAL_OUT, 0);
        final int rc = owner < 0 ? Edpvs.NOTSUPP : msg.sendAsync(MsgIds.MASTER_XMIT, owner, m);
        if (Edpvs.OK != rc)
        {
            masterXmitFailures.incrementAndGet();
            pool.free(lcoreId, m);
        }
        return rc;
    }

    @Override
    public List<PortInfo> ports()
    {
        final List<PortInfo> list = new ArrayList<>();
        for (final Port p : ports)
        {
            if (null != p)
            {
                list.add(info(p));
            }
        }
        return Collections.unmodifiableList(list);
    }

    static PortInfo info(final Port p)
    {
        return new PortInfo(p.conf.id, p.conf.name, p.dev.driver(), p.dev.device(), p.dev.mac(), p.dev.mtu(),
            p.dev.rxQueues(), p.dev.txQueues(), p.dev.up(), p.dev.linkUp(), p.dev.promisc());
    }

    @Override
    public int portId(final String name)
    {
        final Integer id = portIds.get(name);
        return null == id ? -1 : id;
    }

    @Override
    public MbufPool pool()
    {
        return pool;
    }

    @Override
    public int xmit(final int lcoreId, final Mbuf m, final int port)
    {
        if (port < 0 || port >= ports.length || null == ports[port])
        {
            pool.free(lcoreId, m);
            return Edpvs.NOTEXIST;
        }
        final LcoreNetif l = lcoreId >= 0 ? perLcore[lcoreId] : null;
        // the caller's word that it is that lcore, as with every lcore id the data path passes around
        if (null != l && l.txQueue[port] >= 0)
        {
            return path.enqueueTx(l, m, port);
        }
        final int owner = txOwner(ports[port], m);
        m.from(port, 0);
        final int rc = owner < 0 ? Edpvs.NOTEXIST : msg.sendAsync(MsgIds.MASTER_XMIT, owner, m);
        if (Edpvs.OK != rc)
        {
            masterXmitFailures.incrementAndGet();
            pool.free(lcoreId, m);
        }
        return rc;
    }

    /** Spreads another thread's packets over the port's transmit queues by the buffer's index. */
    private static int txOwner(final Port p, final Mbuf m)
    {
        final int[] owners = p.txOwner;
        for (int i = 0; i < owners.length; i++)
        {
            final int o = owners[(m.index() + i) % owners.length];
            if (o >= 0)
            {
                return o;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ for commands, sockopts and tests

    Port port(final int id)
    {
        return id >= 0 && id < ports.length ? ports[id] : null;
    }

    int portCount()
    {
        return ports.length;
    }

    List<String> refusedPorts()
    {
        return Collections.unmodifiableList(refused);
    }

    List<HookChain.Entry> hooks()
    {
        return hooks.all();
    }

    List<Receivers.Entry> receivers()
    {
        return receivers.all();
    }

    long hookFailures()
    {
        return path.hookFailures.get();
    }

    NetifSockopts sockopts()
    {
        return sockopts;
    }

    long masterXmitFailures()
    {
        return masterXmitFailures.get();
    }

    int kniLcore()
    {
        return kniLcore;
    }

    NetifConfig config()
    {
        return config;
    }

    /**
     * @return the ids of the lcores with queues.
     */
    List<Integer> workerIds()
    {
        final List<Integer> ids = new ArrayList<>();
        for (final LcoreNetif l : perLcore)
        {
            if (null != l)
            {
                ids.add(l.lcoreId);
            }
        }
        return ids;
    }

    /**
     * @param lcoreId a worker.
     * @return its queues as DPVS's {@code netif_lcore_basic_get} text shows them: "dpdk0:rx0 tx0 ...".
     */
    String queueText(final int lcoreId)
    {
        return QueueAssignment.queueText(lcoreId >= 0 && lcoreId < perLcore.length ? perLcore[lcoreId] : null, ports);
    }

    /**
     * Reads a worker's counters on the worker (NETIF_LCORE_STATS), so they are consistent with each other.
     *
     * @param lcoreId a worker.
     * @return {@link LcoreNetif#NAMES}-ordered counters, or null when the worker did not answer.
     */
    long[] lcoreSnapshot(final int lcoreId)
    {
        final MsgReply r = new MsgReply();
        final int rc = msg.sendSync(MsgIds.NETIF_LCORE_STATS, lcoreId, null, 200_000, r);
        return Edpvs.OK == rc && r.reply() instanceof long[] ? (long[])r.reply() : null;
    }

    /**
     * @param lcoreId a worker.
     * @return its counters as read now from another thread (each value whole, not a snapshot).
     */
    long[] lcoreCounters(final int lcoreId)
    {
        final LcoreNetif l = lcoreId >= 0 && lcoreId < perLcore.length ? perLcore[lcoreId] : null;
        return null == l ? null : l.snapshot();
    }

    String summary()
    {
        return String.format(Locale.ROOT, "%d ports, pool %d/%d in use", ports().size(), pool.inUse(),
            pool.capacity());
    }

    /** @return the counters of every worker, summed. */
    long[] totals()
    {
        final long[] sum = new long[LcoreNetif.NAMES.length + LcoreNetif.LCORE_NAMES.length];
        for (final LcoreNetif l : perLcore)
        {
            if (null != l)
            {
                final long[] s = l.snapshot();
                for (int i = 0; i < sum.length; i++)
                {
                    sum[i] += s[i];
                }
            }
        }
        return sum;
    }
}
