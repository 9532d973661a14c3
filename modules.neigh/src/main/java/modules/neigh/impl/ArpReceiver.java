package modules.neigh.impl;

import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.common.LogLimiter;

import modules.neigh.api.NeighConf;
import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.PacketReceiver;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;

/**
 * The ARP receiver netif calls on the forwarding lcore that received an ARP frame (DPVS's {@code arp_pkt_type}).
 * It reads and answers with the calling lcore's own state only; what it learns travels to the master as a
 * NEIGH_REPORT message.
 */
final class ArpReceiver implements PacketReceiver
{
    private static final Logger LOG = LoggerFactory.getLogger(ArpReceiver.class);

    private final NeighCore core;
    /** One per lcore, reused for every frame. */
    private final Route4[] routes = new Route4[LcoreScheduler.MAX_LCORES];
    private final LogLimiter malformedLog = new LogLimiter(TimeUnit.SECONDS.toNanos(1));

    ArpReceiver(final NeighCore core)
    {
        this.core = core;
        for (int i = 0; i < routes.length; i++)
        {
            routes[i] = new Route4();
        }
    }

    /**
     * netif's ARP receiver on a forwarding lcore (DPVS's {@code neigh_resolve_input}): a request for one of our
     * addresses on the port it came in on is answered from this lcore, and the requester learned; a reply for one
     * of ours is learned; a gratuitous or third-party frame refreshes a neighbour this lcore knows. Every frame but
     * the answered requests then goes on to the kernel (KNI), as in DPVS. Malformed frames are counted and dropped.
     */
    @Override
    public int receive(final int lcoreId, final int port, final Mbuf m)
    {
        final NeighTable t = core.table(lcoreId);
        final String bad = Arp.malformed(m);
        if (null != bad || port < 0 || port >= core.portMacs.length)
        {
            t.count(NeighTable.ARP_MALFORMED);
            final long left = malformedLog.admit(System.nanoTime());
            if (left >= 0)
            {
                LOG.warn("lcore {}: malformed ARP frame on port {} dropped: {}{}", lcoreId, port,
                    null == bad ? "unknown port" : bad, LogLimiter.suppressedNote(left));
            }
            return InetHook.DROP;
        }
        final int op = m.u16(Arp.OP);
        final int sip = m.u32(Arp.SIP);
        final int tip = m.u32(Arp.TIP);
        final long sha = Arp.mac(m, Arp.SHA);
        if (sip != tip && isLocal(lcoreId, tip, port))
        {
            // a reply ends a resolution: always told; a requester only when this lcore does not know it as is,
            // so that a flood of requests does not become a flood of multicasts
            if (0 != sip && (Arp.OP_REPLY == op || !known(t, sip, port, sha)))
            {
                report(t, sip, port, sha, false);
            }
            if (Arp.OP_REQUEST == op)
            {
                core.lastLocal.set(port, tip);
                Arp.turnIntoReply(m, core.portMacs[port]);
                t.count(NeighTable.ARP_ANSWERED);
                core.netif.xmit(lcoreId, m, port);
                return InetHook.STOLEN;
            }
        }
        else if (0 != sip)
        {
            final int slot = t.find(sip, port);
            if (slot >= 0 && !known(t, sip, port, sha))
            {
                report(t, sip, port, sha, true);
            }
        }
        t.count(NeighTable.ARP_TO_KERNEL);
        return InetHook.ACCEPT;
    }

    /** @return true when the lcore has the neighbour static, or reachable with that MAC. */
    private static boolean known(final NeighTable t, final int ip, final int port, final long mac)
    {
        final int slot = t.find(ip, port);
        return slot >= 0 && (t.isStatic(slot) || t.mac(slot) == mac && t.state(slot) >= NeighConf.NUD_REACHABLE);
    }

    private boolean isLocal(final int lcoreId, final int addr, final int port)
    {
        final RouteLookup rl = core.routeLookup;
        final Route4 r = routes[lcoreId];
        return null != rl && rl.lookup4(lcoreId, addr, r) && Route4.LOCAL == r.kind && r.port == port;
    }

    private void report(final NeighTable t, final int ip, final int port, final long mac, final boolean updateOnly)
    {
        // one small object per ARP frame learned from (not per packet forwarded)
        final Learn l = new Learn(ip, port, mac, updateOnly);
        if (Edpvs.OK == core.msg.sendAsync(NeighCore.MSG_NEIGH_REPORT, core.masterId, l))
        {
            t.count(NeighTable.ARP_REPORTED);
        }
        else
        {
            t.count(NeighTable.REQUEST_FAILURES);
        }
    }
}
