package modules.netif.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.StringReader;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.netif.api.HookPoint;
import modules.netif.api.InetHook;
import modules.netif.api.Route4;
import modules.stats.api.LcoreCounters;
import modules.stats.api.LcoreStats;
import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.impl.TestMsgManagers;

/**
 * Real packets through the platform: two veth pairs, each with its far end in a network namespace; the platform
 * opens the two near ends with af_packet on two workers. Datagrams the kernel of namespace A sends come in on
 * dpdk0, are routed out of dpdk1 with the TTL decremented and the MACs rewritten, and arrive in namespace B; every
 * step is counted. Needs root and {@code ip}, as CI has; the namespaces are removed also when the test fails.
 */
public class NetifForwardTest
{
    private VethPair a;
    private VethPair b;
    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private NetifCore core;
    private final Map<Integer, LcoreCounters> counters = new ConcurrentHashMap<>();
    private final LcoreStats stats = id -> counters.computeIfAbsent(id, LcoreCounters::new);

    @Before
    public void setUp() throws Exception
    {
        a = new VethPair();
        b = new VethPair();
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
    }

    @After
    public void tearDown()
    {
        try
        {
            if (null != core)
            {
                core.stop();
            }
            msg.close();
            TestLcores.stop(lcores);
        }
        finally
        {
            a.close();
            b.close();
        }
    }

    @Test(timeout = 60_000)
    public void shouldForwardTheKernelsDatagramsBetweenTwoVethPairsAndCountThem() throws Exception
    {
        core = new NetifCore(lcores, msg.manager(), stats, NetifConfig.parse("veth.conf", new StringReader(
            "port dpdk0 driver af_packet iface " + a.host + "\nport dpdk1 driver af_packet iface " + b.host + "\n"
                + "queue 1 dpdk0 rx 0 tx 0\nqueue 2 dpdk1 rx 0 tx 0\n")), Drivers.all());
        core.start();
        assertEquals(core.refusedPorts().toString(), 2, core.ports().size());
        final byte[] peerB = Macs.parse(b.peerMac());
        final byte[] srcB = core.ports().get(1).mac();
        // everything out of dpdk1, to namespace B's end
        core.routeLookup((lcoreId, daddr, out) ->
        {
            out.set(1, daddr, Route4.CONNECTED);
            return true;
        });
        core.neighOutput((lcoreId, m, port, nextHop) ->
        {
            System.arraycopy(peerB, 0, m.array(), m.offset(), 6);
            System.arraycopy(srcB, 0, m.array(), m.offset() + 6, 6);
            return Edpvs.OK == core.xmit(lcoreId, m, port) ? InetHook.ACCEPT : InetHook.DROP;
        });
        final AtomicLong wrong = new AtomicLong();
        final AtomicLong seen = new AtomicLong();
        core.registerHook(HookPoint.POST_ROUTING, 0, "check", (lcoreId, point, m) ->
        {
            // after the forward step: TTL 64 - 1 and a header checksum that still verifies
            final int l3 = m.l3Offset();
            seen.incrementAndGet();
            if (63 != m.u8(l3 + 8) || 0 != Ipv4.checksum(m.array(), m.offset() + l3, 20))
            {
                wrong.incrementAndGet();
            }
            return InetHook.ACCEPT;
        });
        final long before = b.peerRxPackets();
        final int n = 200;
        a.sendUdpFromPeer(n, 7000);
        final long deadline = System.currentTimeMillis() + 20_000;
        while (b.peerRxPackets() - before < n && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(10);
        }
        assertEquals("arrived in namespace B", n, b.peerRxPackets() - before);
        assertEquals(n, seen.get());
        assertEquals("TTL or checksum wrong after forwarding", 0, wrong.get());
        assertEquals(n, core.port(0).stats.rxTotal(PortStats.IPACKETS));
        assertEquals(n, core.port(1).stats.txTotal(PortStats.OPACKETS));
        assertEquals(n, counters.get(1).ipackets());
        assertEquals("sent by the worker owning dpdk1's tx queue", n, counters.get(2).opackets());
        assertEquals(0, core.totals()[LcoreNetif.NO_ROUTE] + core.totals()[LcoreNetif.BAD_HEADER]);
        assertTrue(core.port(0).stats.rxTotal(PortStats.IBYTES) >= n * 42L);
    }
}
