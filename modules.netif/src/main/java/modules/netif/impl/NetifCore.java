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

import modules.netif.api.HookHandle;
import modules.netif.api.HookPoint;
import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;
import modules.netif.api.NeighOutput;
import modules.netif.api.Netif;
import modules.netif.api.PortInfo;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import modules.stats.api.LcoreStats;
import platform.common.LogLimiter;
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
 */
final class NetifCore implements Netif
{
    static final String JOB_RECV_FWD = "recv_fwd";
    static final String JOB_XMIT = "xmit";
    static final String JOB_KNI = "kni";
    static final int BURST = PortDevice.MAX_BURST;
    /** Packets waiting for the KNI job per port; beyond, they are dropped and counted. */
    static final int KNI_RING = 1024;

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
    private final Port[] ports;
    private final Map<String, Integer> portIds = new HashMap<>();
    /** Indexed by lcore id; built before the jobs start, then each touched by its own lcore only. */
    private final LcoreNetif[] perLcore = new LcoreNetif[LcoreScheduler.MAX_LCORES];
    private final List<String> refused = new ArrayList<>();
    private final List<AutoCloseable> handles = new ArrayList<>();
    private final LogLimiter hookFailureLog = new LogLimiter(1_000_000_000L);
    private final AtomicLong hookFailures = new AtomicLong();
    private final AtomicLong masterXmitFailures = new AtomicLong();
    private volatile RouteLookup routeLookup;
    private volatile NeighOutput neighOutput;
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
        this.ports = new Port[config.ports.size()];
        try
        {
            openPorts(drivers);
            assignQueues();
        }
        catch (final NetifConfig.ConfigException | RuntimeException ex)
        {
            closePorts();
            throw ex;
        }
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

    private void assignQueues() throws NetifConfig.ConfigException
    {
        final int[] workers = lcores.lcoreIds(LcoreRole.FWD_WORKER);
        for (final NetifConfig.KniConf k : config.knis)
        {
            final Integer p = portIds.get(k.port());
            final Integer t = portIds.get(k.tap());
            if (null == p || null == t)
            {
                if (!isRefused(k.port()) && !isRefused(k.tap()))
                {
                    throw new NetifConfig.ConfigException(k.where(), "no port " + (null == p ? k.port() : k.tap()));
                }
                LOG.warn("{}: kni {} {} left out: a port of it was refused", k.where(), k.port(), k.tap());
                continue;
            }
            if (p.equals(t) || ports[p].kniTap >= 0 || ports[t].kniOf >= 0 || ports[p].kniOf >= 0
                || ports[t].kniTap >= 0)
            {
                throw new NetifConfig.ConfigException(k.where(), "kni " + k.port() + " " + k.tap()
                    + ": each port has at most one KNI tap, and a tap serves one port");
            }
            ports[p].kniTap = t;
            ports[t].kniOf = p;
            ports[p].kniRing = new MpscArrayQueue<>(KNI_RING);
        }
        final Map<String, String> rxTaken = new HashMap<>();
        for (final NetifConfig.QueueConf q : config.queues)
        {
            final Integer pid = portIds.get(q.port());
            if (null == pid)
            {
                if (isRefused(q.port()))
                {
                    LOG.warn("{}: queue line for port {} left out: the port was refused", q.where(), q.port());
                    continue;
                }
                throw new NetifConfig.ConfigException(q.where(), "no port " + q.port());
            }
            if (Arrays.stream(workers).noneMatch(w -> w == q.lcoreId()))
            {
                throw new NetifConfig.ConfigException(q.where(), "lcore " + q.lcoreId()
                    + " is not a FWD_WORKER (the workers are " + Arrays.toString(workers) + ")");
            }
            final Port port = ports[pid];
            if (port.kniOf >= 0)
            {
                throw new NetifConfig.ConfigException(q.where(), "port " + q.port()
                    + " is a KNI tap: the kni job serves it, no worker polls it");
            }
            final LcoreNetif l = lcore(q.lcoreId());
            if (l.txQueue[pid] >= 0)
            {
                throw new NetifConfig.ConfigException(q.where(), "lcore " + q.lcoreId() + " already has port "
                    + q.port() + " (one queue line per lcore and port)");
            }
            for (final int rxq : q.rxQueues())
            {
                if (rxq >= port.dev.rxQueues())
                {
                    throw new NetifConfig.ConfigException(q.where(), "port " + q.port() + " has "
                        + port.dev.rxQueues() + " rx queues, no rx queue " + rxq);
                }
                final String prev = rxTaken.put(pid + "/" + rxq, q.where());
                if (null != prev)
                {
                    throw new NetifConfig.ConfigException(q.where(), "rx queue " + rxq + " of port " + q.port()
                        + " is already polled (" + prev + ")");
                }
                l.addRx(pid, rxq);
            }
            if (q.txQueue() >= port.dev.txQueues())
            {
                throw new NetifConfig.ConfigException(q.where(), "port " + q.port() + " has " + port.dev.txQueues()
                    + " tx queues, no tx queue " + q.txQueue());
            }
            if (port.txOwner[q.txQueue()] >= 0)
            {
                throw new NetifConfig.ConfigException(q.where(), "tx queue " + q.txQueue() + " of port " + q.port()
                    + " already belongs to lcore " + port.txOwner[q.txQueue()]);
            }
            port.txOwner[q.txQueue()] = q.lcoreId();
            l.txQueue[pid] = q.txQueue();
        }
        for (final Port p : ports)
        {
            if (null == p || p.kniOf >= 0)
            {
                continue;
            }
            for (int rxq = 0; rxq < p.dev.rxQueues(); rxq++)
            {
                if (!rxTaken.containsKey(p.conf.id + "/" + rxq))
                {
                    throw new NetifConfig.ConfigException(config.source, "rx queue " + rxq + " of port "
                        + p.conf.name + " is polled by no lcore: add a queue line");
                }
            }
            if (Arrays.stream(p.txOwner).allMatch(o -> o < 0))
            {
                throw new NetifConfig.ConfigException(config.source, "port " + p.conf.name
                    + " has no tx queue on any lcore: add a queue line");
            }
        }
    }

    private boolean isRefused(final String port)
    {
        for (final PortConf pc : config.ports)
        {
            if (pc.name.equals(port))
            {
                return null == ports[pc.id];
            }
        }
        return false;
    }

    private LcoreNetif lcore(final int lcoreId)
    {
        if (null == perLcore[lcoreId])
        {
            perLcore[lcoreId] = new LcoreNetif(lcoreId, ports.length, lcoreStats.counters(lcoreId));
        }
        return perLcore[lcoreId];
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
            final JobHandle rf = lcores.register(JobSpec.loop(JOB_RECV_FWD, LcoreRole.FWD_WORKER, this::recvFwd));
            handles.add(rf::close);
            final JobHandle xm = lcores.register(JobSpec.loop(JOB_XMIT, LcoreRole.FWD_WORKER, this::xmitJob));
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
                    l.counters.queues(dpvsQueueText(l.lcoreId));
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
        for (int i = handles.size() - 1; i >= 0; i--)
        {
            try
            {
                handles.get(i).close();
            }
            catch (final Exception ex)
            {
                LOG.warn("closing a netif registration failed", ex);
            }
        }
        handles.clear();
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
        routeLookup = r;
        if (null == r)
        {
            // once this returns, no lcore is still inside the old service's lookup
            lcores.synchronize(LcoreRole.FWD_WORKER);
        }
    }

    void neighOutput(final NeighOutput n)
    {
        neighOutput = n;
        if (null == n)
        {
            lcores.synchronize(LcoreRole.FWD_WORKER);
        }
    }

    // ------------------------------------------------------------------ on the forwarding lcores

    /** The {@code recv_fwd} job: a burst from each of the lcore's receive queues, through the packet path. */
    int recvFwd(final int lcoreId)
    {
        final LcoreNetif l = perLcore[lcoreId];
        if (null == l)
        {
            return 0;
        }
        int work = 0;
        final Mbuf[] burst = l.burst;
        for (int i = 0; i < l.rxCount; i++)
        {
            final Port port = ports[l.rxPort[i]];
            final int q = l.rxQueue[i];
            final int n = port.dev.rxBurst(lcoreId, q, burst, BURST);
            long bytes = 0;
            for (int j = 0; j < n; j++)
            {
                bytes += burst[j].length();
            }
            l.counters.rxBurst(n, BURST, bytes);
            if (0 == n)
            {
                continue;
            }
            port.stats.rx(q, n, bytes);
            for (int j = 0; j < n; j++)
            {
                final Mbuf m = burst[j];
                burst[j] = null;
                receive(l, port, q, m);
            }
            work += n;
        }
        flushAll(l);
        return work;
    }

    /** The {@code xmit} job: sends what MASTER_XMIT messages queued since the last burst. */
    int xmitJob(final int lcoreId)
    {
        final LcoreNetif l = perLcore[lcoreId];
        return null == l ? 0 : flushAll(l);
    }

    private void receive(final LcoreNetif l, final Port port, final int q, final Mbuf m)
    {
        final int len = m.length();
        if (len < Ipv4.ETH_HLEN)
        {
            drop(l, m, LcoreNetif.BAD_HEADER, port, q);
            return;
        }
        if (Ipv4.ETHERTYPE_IPV4 != m.u16(Ipv4.ETH_TYPE))
        {
            toKernel(l, port, m);
            return;
        }
        final int l3 = Ipv4.ETH_HLEN;
        m.l3Offset(l3);
        if (len < l3 + Ipv4.MIN_HLEN)
        {
            drop(l, m, LcoreNetif.BAD_HEADER, port, q);
            return;
        }
        final int verIhl = m.u8(l3 + Ipv4.VER_IHL);
        final int hlen = (verIhl & 0xf) << 2;
        final int totLen = m.u16(l3 + Ipv4.TOT_LEN);
        if (0x40 != (verIhl & 0xf0) || hlen < Ipv4.MIN_HLEN || totLen < hlen || l3 + totLen > len
            || 0 != Ipv4.checksum(m.array(), m.offset() + l3, hlen))
        {
            drop(l, m, LcoreNetif.BAD_HEADER, port, q);
            return;
        }
        if (l3 + totLen < len)
        {
            // Ethernet padding of a short frame is not part of the datagram
            m.length(l3 + totLen);
        }
        if (InetHook.ACCEPT != runHooks(l, HookPoint.PRE_ROUTING, m))
        {
            return;
        }
        final RouteLookup rl = routeLookup;
        final Route4 rt = l.route;
        if (null == rl || !rl.lookup4(l.lcoreId, m.u32(l3 + Ipv4.DADDR), rt))
        {
            drop(l, m, LcoreNetif.NO_ROUTE, null, 0);
            return;
        }
        if (Route4.LOCAL == rt.kind)
        {
            if (InetHook.ACCEPT != runHooks(l, HookPoint.LOCAL_IN, m))
            {
                return;
            }
            toKernel(l, port, m);
            return;
        }
        if (m.u8(l3 + Ipv4.TTL) <= 1)
        {
            drop(l, m, LcoreNetif.TTL_EXCEEDED, null, 0);
            return;
        }
        if (InetHook.ACCEPT != runHooks(l, HookPoint.FORWARD, m))
        {
            return;
        }
        Ipv4.decTtl(m, l3);
        output(l, m, rt.port, rt.nextHop);
    }

    private void output(final LcoreNetif l, final Mbuf m, final int port, final int nextHop)
    {
        if (InetHook.ACCEPT != runHooks(l, HookPoint.POST_ROUTING, m))
        {
            return;
        }
        final NeighOutput no = neighOutput;
        if (null == no)
        {
            drop(l, m, LcoreNetif.NO_NEIGH, null, 0);
            return;
        }
        final int verdict;
        try
        {
            verdict = no.output(l.lcoreId, m, port, nextHop);
        }
        catch (final RuntimeException ex)
        {
            hookFailed(l, "neighbour output", ex);
            // ownership passed to the service: it may have freed or queued the packet, so it is not freed here
            return;
        }
        if (InetHook.ACCEPT != verdict)
        {
            l.count(LcoreNetif.NEIGH_DROP);
            l.counters.drop(1);
        }
    }

    /**
     * Runs a point's hooks in order.
     *
     * @return ACCEPT to go on; DROP (the packet was freed and counted) or STOLEN (a hook owns it) to stop.
     */
    private int runHooks(final LcoreNetif l, final HookPoint point, final Mbuf m)
    {
        final HookChain.Entry[] chain = hooks.at(point);
        for (final HookChain.Entry e : chain)
        {
            final int v;
            try
            {
                v = e.hook.hook(l.lcoreId, point, m);
            }
            catch (final RuntimeException ex)
            {
                e.failures.incrementAndGet();
                hookFailed(l, e.toString(), ex);
                drop(l, m, LcoreNetif.HOOK_DROP, null, 0);
                return InetHook.DROP;
            }
            if (InetHook.ACCEPT == v)
            {
                continue;
            }
            if (InetHook.STOLEN == v)
            {
                e.stolen.incrementAndGet();
                l.count(LcoreNetif.HOOK_STOLEN);
                return InetHook.STOLEN;
            }
            e.drops.incrementAndGet();
            drop(l, m, LcoreNetif.HOOK_DROP, null, 0);
            return InetHook.DROP;
        }
        return InetHook.ACCEPT;
    }

    private void hookFailed(final LcoreNetif l, final String what, final RuntimeException ex)
    {
        hookFailures.incrementAndGet();
        final long left = hookFailureLog.admit(System.nanoTime());
        if (left >= 0)
        {
            LOG.warn("lcore {}: {} threw; the packet is dropped{}", l.lcoreId, what,
                0 == left ? "" : " (" + left + " more failures not logged in the last second)", ex);
        }
    }

    /** Hands a packet the data plane does not handle to the port's KNI tap, or drops it. */
    private void toKernel(final LcoreNetif l, final Port port, final Mbuf m)
    {
        if (null == port.kniRing)
        {
            drop(l, m, LcoreNetif.NOT_HANDLED, null, 0);
            return;
        }
        if (!port.kniRing.offer(m))
        {
            drop(l, m, LcoreNetif.KNI_FULL, null, 0);
            return;
        }
        l.count(LcoreNetif.TO_KNI);
    }

    private void drop(final LcoreNetif l, final Mbuf m, final int reason, final Port port, final int q)
    {
        l.count(reason);
        l.counters.drop(1);
        if (null != port)
        {
            port.stats.rxError(q, 1);
        }
        pool.free(l.lcoreId, m);
    }

    /** Adds a packet to the lcore's burst for a port, sending the burst when full. */
    private int enqueueTx(final LcoreNetif l, final Mbuf m, final int port)
    {
        final Mbuf[] buf = l.tx[port];
        buf[l.txLen[port]++] = m;
        if (BURST == l.txLen[port])
        {
            flush(l, port);
        }
        return Edpvs.OK;
    }

    private int flushAll(final LcoreNetif l)
    {
        int sent = 0;
        for (int p = 0; p < l.txLen.length; p++)
        {
            if (0 != l.txLen[p])
            {
                sent += flush(l, p);
            }
        }
        return sent;
    }

    private int flush(final LcoreNetif l, final int portId)
    {
        final Mbuf[] buf = l.tx[portId];
        final int n = l.txLen[portId];
        l.txLen[portId] = 0;
        final Port port = ports[portId];
        final int q = l.txQueue[portId];
        long bytes = 0;
        for (int i = 0; i < n; i++)
        {
            bytes += buf[i].length();
        }
        final int sent = port.dev.txBurst(l.lcoreId, q, buf, n);
        long unsentBytes = 0;
        for (int i = sent; i < n; i++)
        {
            unsentBytes += buf[i].length();
            pool.free(l.lcoreId, buf[i]);
        }
        Arrays.fill(buf, 0, n, null);
        port.stats.tx(q, sent, bytes - unsentBytes, n - sent);
        l.counters.tx(sent, bytes - unsentBytes);
        if (sent < n)
        {
            l.count(LcoreNetif.TX_FULL, n - sent);
            l.counters.drop(n - sent);
        }
        return n;
    }

    /** MASTER_XMIT on a forwarding lcore: the payload is an mbuf whose {@link Mbuf#port()} is the port to send on. */
    private int onMasterXmit(final Msg msgIn)
    {
        final Mbuf m = (Mbuf)msgIn.payload();
        final int lcoreId = lcores.currentLcoreId();
        final LcoreNetif l = perLcore[lcoreId];
        if (null == l || l.txQueue[m.port()] < 0)
        {
            pool.free(lcoreId, m);
            masterXmitFailures.incrementAndGet();
            return Edpvs.NOTSUPP;
        }
        return enqueueTx(l, m, m.port());
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
        return hooks.closeAll(owner);
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
            return enqueueTx(l, m, port);
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

    long hookFailures()
    {
        return hookFailures.get();
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
        final LcoreNetif l = lcoreId >= 0 && lcoreId < perLcore.length ? perLcore[lcoreId] : null;
        if (null == l)
        {
            return "";
        }
        final StringBuilder sb = new StringBuilder();
        for (int p = 0; p < ports.length; p++)
        {
            if (l.txQueue[p] < 0 && !l.pollsPort(p))
            {
                continue;
            }
            if (sb.length() > 0)
            {
                sb.append(' ');
            }
            sb.append(ports[p].conf.name).append(':');
            for (int i = 0; i < l.rxCount; i++)
            {
                if (l.rxPort[i] == p)
                {
                    sb.append("rx").append(l.rxQueue[i]).append(' ');
                }
            }
            sb.append("tx").append(l.txQueue[p]);
        }
        return sb.toString();
    }

    /**
     * @param lcoreId a worker.
     * @return its queues as DPVS's {@code netif_print_lcore_queue_conf} writes them for GET 58: per port, per
     * queue index, "port:rxN" and "port:txN" each padded to 16 characters, "--" where there is none.
     */
    String dpvsQueueText(final int lcoreId)
    {
        final LcoreNetif l = lcoreId >= 0 && lcoreId < perLcore.length ? perLcore[lcoreId] : null;
        if (null == l)
        {
            return "";
        }
        final StringBuilder sb = new StringBuilder();
        for (int p = 0; p < ports.length; p++)
        {
            final List<Integer> rx = new ArrayList<>();
            for (int i = 0; i < l.rxCount; i++)
            {
                if (l.rxPort[i] == p)
                {
                    rx.add(l.rxQueue[i]);
                }
            }
            final int ntx = l.txQueue[p] >= 0 ? 1 : 0;
            final int max = Math.max(rx.size(), ntx);
            for (int j = 0; j < max; j++)
            {
                final String name = ports[p].conf.name;
                sb.append(String.format(Locale.ROOT, "%-16s", j < rx.size() ? name + ":rx" + rx.get(j) : "--"));
                sb.append(String.format(Locale.ROOT, "%-16s", j < ntx ? name + ":tx" + l.txQueue[p] : "--"));
            }
        }
        return sb.toString();
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
