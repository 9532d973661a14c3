package modules.netif.impl;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import modules.netif.api.HookPoint;
import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;
import modules.netif.api.NeighOutput;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import platform.common.LogLimiter;
import platform.lcore.api.Edpvs;

/**
 * The forwarding lcores' side of netif: the {@code recv_fwd} and {@code xmit} jobs and everything a packet goes
 * through between a receive burst and a transmit burst. Every method runs on a forwarding lcore and touches only
 * that lcore's {@link LcoreNetif}; the hook chain and the two services are read with one volatile load per packet.
 * {@link NetifCore} owns the ports, the queue assignment, the registrations and the service.
 */
final class PacketPath
{
    static final int BURST = PortDevice.MAX_BURST;
    private static final Logger LOG = LoggerFactory.getLogger(PacketPath.class);

    private final NetifCore.Port[] ports;
    private final LcoreNetif[] perLcore;
    private final MbufPool pool;
    private final HookChain hooks;
    private final Receivers receivers;
    private final LogLimiter hookFailureLog = new LogLimiter(1_000_000_000L);
    final AtomicLong hookFailures = new AtomicLong();
    private volatile RouteLookup routeLookup;
    private volatile NeighOutput neighOutput;

    /**
     * @param ports    the ports by id (null for a refused one).
     * @param perLcore each forwarding lcore's state, by lcore id.
     * @param pool     the packet pool.
     * @param hooks    the hook chains.
     * @param receivers the ethertype and local protocol receivers.
     */
    PacketPath(final NetifCore.Port[] ports, final LcoreNetif[] perLcore, final MbufPool pool, final HookChain hooks,
        final Receivers receivers)
    {
        this.receivers = receivers;
        this.ports = ports;
        this.perLcore = perLcore;
        this.pool = pool;
        this.hooks = hooks;
    }

    /** @param r the route lookup service, or null; the caller waits for the grace period when it goes. */
    void routeLookup(final RouteLookup r)
    {
        routeLookup = r;
    }

    /** @param n the neighbour output service, or null; the caller waits for the grace period when it goes. */
    void neighOutput(final NeighOutput n)
    {
        neighOutput = n;
    }

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
            final NetifCore.Port port = ports[l.rxPort[i]];
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

    private void receive(final LcoreNetif l, final NetifCore.Port port, final int q, final Mbuf m)
    {
        final int len = m.length();
        if (len < Ipv4.ETH_HLEN)
        {
            drop(l, m, LcoreNetif.BAD_HEADER, port, q);
            return;
        }
        final int ethertype = m.u16(Ipv4.ETH_TYPE);
        if (Ipv4.ETHERTYPE_IPV4 != ethertype)
        {
            final Receivers.Entry r = receivers.type(ethertype);
            if (null == r || InetHook.ACCEPT == deliver(l, r, port.conf.id, m))
            {
                toKernel(l, port, m);
            }
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
            localIn(l, port, m);
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

    /** A packet for one of our addresses: the LOCAL_IN hooks, then its protocol's receiver or the kernel. */
    private void localIn(final LcoreNetif l, final NetifCore.Port port, final Mbuf m)
    {
        if (InetHook.ACCEPT != runHooks(l, HookPoint.LOCAL_IN, m))
        {
            return;
        }
        final Receivers.Entry r = receivers.protocol(m.u8(m.l3Offset() + Ipv4.PROTO));
        if (null == r || InetHook.ACCEPT == deliver(l, r, port.conf.id, m))
        {
            toKernel(l, port, m);
        }
    }

    /**
     * Hands a packet to a feature's receiver.
     *
     * @return ACCEPT when the receiver gave it back (the caller goes on with it); DROP (freed and counted) or
     * STOLEN (the receiver owns it) when done.
     */
    private int deliver(final LcoreNetif l, final Receivers.Entry r, final int port, final Mbuf m)
    {
        final int v;
        try
        {
            v = r.receiver.receive(l.lcoreId, port, m);
        }
        catch (final RuntimeException ex)
        {
            r.failures.incrementAndGet();
            hookFailed(l, r.toString(), ex);
            drop(l, m, LcoreNetif.RECEIVER_DROP, null, 0);
            return InetHook.DROP;
        }
        if (InetHook.ACCEPT == v)
        {
            return InetHook.ACCEPT;
        }
        if (InetHook.STOLEN == v)
        {
            l.count(LcoreNetif.RECEIVED);
            return InetHook.STOLEN;
        }
        drop(l, m, LcoreNetif.RECEIVER_DROP, null, 0);
        return InetHook.DROP;
    }

    /**
     * {@code Netif.output4} on a forwarding lcore: a packet a feature built, through LOCAL_OUT, the route lookup,
     * POST_ROUTING and the neighbour output. Its data starts at room for the Ethernet header.
     *
     * @return OK when handed on, NOROUTE when no route matched (freed and counted).
     */
    int localOut(final LcoreNetif l, final Mbuf m)
    {
        l.count(LcoreNetif.LOCAL_OUT);
        m.l3Offset(Ipv4.ETH_HLEN);
        if (InetHook.ACCEPT != runHooks(l, HookPoint.LOCAL_OUT, m))
        {
            return Edpvs.OK;
        }
        final RouteLookup rl = routeLookup;
        final Route4 rt = l.route;
        if (null == rl || !rl.lookup4(l.lcoreId, m.u32(Ipv4.ETH_HLEN + Ipv4.DADDR), rt))
        {
            drop(l, m, LcoreNetif.NO_ROUTE, null, 0);
            return Edpvs.NOROUTE;
        }
        if (rt.port < 0 || rt.port >= ports.length || null == ports[rt.port])
        {
            drop(l, m, LcoreNetif.NO_ROUTE, null, 0);
            return Edpvs.NOROUTE;
        }
        if (Route4.LOCAL == rt.kind)
        {
            // addressed to ourselves: delivered as if received on the route's port (Linux's loopback)
            localIn(l, ports[rt.port], m);
            return Edpvs.OK;
        }
        output(l, m, rt.port, rt.nextHop);
        return Edpvs.OK;
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
    private void toKernel(final LcoreNetif l, final NetifCore.Port port, final Mbuf m)
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

    private void drop(final LcoreNetif l, final Mbuf m, final int reason, final NetifCore.Port port, final int q)
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
    int enqueueTx(final LcoreNetif l, final Mbuf m, final int port)
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
        final NetifCore.Port port = ports[portId];
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
}
