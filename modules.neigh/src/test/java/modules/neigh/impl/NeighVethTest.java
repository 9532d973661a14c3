package modules.neigh.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.netif.api.Mbuf;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import modules.netif.impl.TestNetif;
import platform.lcore.api.Edpvs;

/**
 * Against a real Linux neighbour: the platform's af_packet port on the near end of a veth pair, a namespace's kernel
 * at 10.77.0.2 on the far end, the platform playing 10.77.0.1. A datagram the platform sends to 10.77.0.2 makes it
 * ARP; Linux answers, the entry is learned on every worker and the held datagram arrives in the namespace. Linux's
 * own ARP for 10.77.0.1 is answered by the platform. Needs root and {@code ip}, as CI has; the namespace is removed
 * also when the test fails.
 */
public class NeighVethTest extends NeighFixture
{
    private static final int HOST = ip(TestNetif.Veth.HOST_IP);
    private static final int PEER = ip(TestNetif.Veth.PEER_IP);
    private TestNetif.Veth veth;

    @Override
    String netifConf()
    {
        return "port dpdk0 driver af_packet iface " + veth.host + " rxq 2 txq 2\n"
            + "queue 1 dpdk0 rx 0 tx 0\nqueue 2 dpdk0 rx 1 tx 1\n";
    }

    @Override
    RouteLookup routes()
    {
        return (lcoreId, daddr, out) ->
        {
            if (HOST == daddr)
            {
                out.set(0, daddr, Route4.LOCAL);
                return true;
            }
            if ((PEER & 0xffffff00) == (daddr & 0xffffff00))
            {
                out.set(0, daddr, Route4.CONNECTED);
                out.src = HOST;
                return true;
            }
            return false;
        };
    }

    @Override
    @Before
    public void setUp() throws Exception
    {
        veth = TestNetif.veth();
        try
        {
            veth.forgetHost();
            super.setUp();
        }
        catch (final Exception | Error ex)
        {
            veth.close();
            throw ex;
        }
    }

    @Override
    @After
    public void tearDown()
    {
        try
        {
            super.tearDown();
        }
        finally
        {
            veth.close();
        }
    }

    private long nsUdp(final String field) throws Exception
    {
        final String[] lines = veth.inNs("cat", "/proc/net/snmp").split("\n");
        for (int i = 0; i + 1 < lines.length; i++)
        {
            if (lines[i].startsWith("Udp:") && lines[i + 1].startsWith("Udp:"))
            {
                final String[] names = lines[i].trim().split("\\s+");
                final String[] values = lines[i + 1].trim().split("\\s+");
                for (int j = 0; j < names.length; j++)
                {
                    if (field.equals(names[j]))
                    {
                        return Long.parseLong(values[j]);
                    }
                }
            }
        }
        throw new AssertionError("no Udp " + field + " in the namespace's /proc/net/snmp");
    }

    /** A UDP datagram the data plane builds, with room for the Ethernet header, sent through netif.output4. */
    private int sendDatagram(final int dport)
    {
        final Mbuf m = net.netif().pool().alloc(-1);
        final int len = 20 + 8 + 12;
        m.length(14 + len);
        final ByteBuffer b = ByteBuffer.wrap(m.array(), m.offset() + 14, len);
        b.put((byte)0x45).put((byte)0).putShort((short)len).putShort((short)1).putShort((short)0x4000)
            .put((byte)64).put((byte)17).putShort((short)0).putInt(HOST).putInt(PEER);
        b.putShort((short)4321).putShort((short)dport).putShort((short)(len - 20)).putShort((short)0);
        b.put("neigh-test!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        int sum = 0;
        for (int i = 0; i < 20; i += 2)
        {
            sum += ((m.array()[m.offset() + 14 + i] & 0xff) << 8) | (m.array()[m.offset() + 15 + i] & 0xff);
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        m.put16(14 + 10, ~sum & 0xffff);
        return net.netif().output4(-1, m);
    }

    @Test(timeout = 60_000)
    public void shouldArpForALinuxNeighbourLearnItOnEveryWorkerAndDeliverTheHeldDatagram() throws Exception
    {
        start(settings(60_000, 300, 5, 8), "");
        final long noPorts = nsUdp("NoPorts");
        assertEquals(Edpvs.OK, sendDatagram(9));
        await("learned on both workers", () -> rows(TestNetif.Veth.PEER_IP) == 2);
        final String peerMac = veth.peerMac();
        for (final String l : showLines())
        {
            assertTrue(l, l.contains("mac: " + peerMac + "   state: REACHABLE"));
        }
        await("the held datagram arrived in the namespace (to a closed port)", () -> nsUdpQuietly() > noPorts);
        assertTrue(core.master.arpSent.get() >= 1);
        assertEquals(1, core.total(NeighTable.SENT_HELD));
        // Linux learned the platform's MAC from its request
        assertTrue(veth.inNs("ip", "neigh", "show", TestNetif.Veth.HOST_IP).contains(veth.hostMac()));
        // resolved: the next datagrams go straight out
        assertEquals(Edpvs.OK, sendDatagram(9));
        assertEquals(Edpvs.OK, sendDatagram(9));
        await("two more arrived", () -> nsUdpQuietly() >= noPorts + 3);
        assertEquals(1, core.total(NeighTable.HELD));
    }

    @Test(timeout = 60_000)
    public void shouldAnswerLinuxsArpForOurAddress() throws Exception
    {
        start(settings(60_000, 300, 5, 8), "");
        // Linux ARPs for 10.77.0.1 before its ping; the echo itself is not answered (no ICMP here)
        veth.inNs("sh", "-c", "ping -c 1 -W 1 " + TestNetif.Veth.HOST_IP + " >/dev/null 2>&1; true");
        final String n = veth.inNs("ip", "neigh", "show", TestNetif.Veth.HOST_IP);
        assertTrue(n, n.contains("lladdr " + veth.hostMac()));
        assertTrue(core.total(NeighTable.ARP_ANSWERED) >= 1);
        await("the requester learned on both workers", () -> rows(TestNetif.Veth.PEER_IP) == 2);
    }

    private long nsUdpQuietly()
    {
        try
        {
            return nsUdp("NoPorts");
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    private int rows(final String ip)
    {
        try
        {
            return (int)showLines().stream().filter(l -> l.startsWith(String.format("ip: %-48s", ip))).count();
        }
        catch (final java.io.IOException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
