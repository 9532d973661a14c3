package modules.netif.impl;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;
import platform.lcore.api.Edpvs;

/**
 * The af_packet driver on real interfaces: a veth pair whose peer lives in a network namespace of the test's own,
 * so frames come from and go to a real kernel. Needs root and iproute2 (CI has both).
 */
public class AfPacketDriverTest
{
    private static final int PORT_ID = 3;
    private static final int LCORE = 0;
    private static final long WAIT_MS = 10_000;

    private VethPair veth;
    private MbufPool pool;
    private AfPacketDevice dev;

    @Before
    public void setUp() throws Exception
    {
        veth = new VethPair();
        pool = new MbufPool("afp-test", 4096, 2048 + Mbuf.HEADROOM);
    }

    @After
    public void tearDown()
    {
        try
        {
            if (null != dev)
            {
                dev.close();
            }
        }
        finally
        {
            if (null != veth)
            {
                veth.close();
            }
        }
    }

    private static PortConf conf(final String... kv)
    {
        final Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2)
        {
            o.put(kv[i], kv[i + 1]);
        }
        return new PortConf(PORT_ID, "dpdk" + PORT_ID, AfPacketDriver.NAME, o, "netif.conf:7");
    }

    private AfPacketDevice open(final String... kv) throws PortException
    {
        dev = (AfPacketDevice)new AfPacketDriver().open(conf(kv), pool);
        return dev;
    }

    @Test(timeout = 60_000)
    public void shouldReceiveFramesTheKernelSendsFromTheNamespace() throws Exception
    {
        open("iface", veth.host);
        final int n = 20;
        veth.sendUdpFromPeer(n, 7000);

        final BitSet ports = new BitSet();
        final Mbuf[] pkts = new Mbuf[PortDevice.MAX_BURST];
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        int got = 0;
        while (got < n && System.currentTimeMillis() < deadline)
        {
            final int k = dev.rxBurst(LCORE, 0, pkts, PortDevice.MAX_BURST);
            for (int i = 0; i < k; i++)
            {
                final Mbuf m = pkts[i];
                assertEquals(PORT_ID, m.port());
                assertEquals(0, m.queue());
                assertArrayEquals("dst MAC", dev.mac(), bytes(m, 0, 6));
                assertEquals("ethertype IPv4", 0x0800, m.u16(12));
                assertEquals("IPv4 dst", ipv4(VethPair.HOST_IP), m.u32(14 + 16));
                assertEquals("UDP", 17, m.u8(14 + 9));
                final int dport = m.u16(14 + 20 + 2);
                assertTrue("dst port " + dport, dport >= 7000 && dport < 7000 + n);
                assertEquals("frame length = IPv4 total length + 14", m.u16(14 + 2) + 14, m.length());
                ports.set(dport - 7000);
                got++;
                pool.free(LCORE, m);
            }
            if (0 == k)
            {
                Thread.sleep(1);
            }
        }
        assertEquals("datagrams received", n, got);
        assertEquals("each datagram once", n, ports.cardinality());
        assertEquals(0, pool.inUse());
        assertEquals(0, dev.rxErrors());
    }

    @Test(timeout = 60_000)
    public void shouldPutBackTheVlanTagTheKernelTookOff() throws Exception
    {
        // a second veth pair, both ends here: tagged frames sent on one end arrive on the other, where the
        // kernel moves the tag into the skb's metadata (skb_vlan_untag) before packet sockets see the frame
        final String a = "afva" + veth.host.substring(3);
        final String b = "afvb" + veth.host.substring(3);
        AfPacketDevice out = null;
        try
        {
            VethPair.ip("link", "add", a, "type", "veth", "peer", "name", b);
            VethPair.run(false, "sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/" + a + "/disable_ipv6; echo 1 > "
                + "/proc/sys/net/ipv6/conf/" + b + "/disable_ipv6");
            VethPair.ip("link", "set", a, "up");
            VethPair.ip("link", "set", b, "up");
            out = (AfPacketDevice)new AfPacketDriver().open(conf("iface", a), pool);
            open("iface", b);
            final int n = 5;
            final Mbuf[] pkts = new Mbuf[PortDevice.MAX_BURST];
            for (int i = 0; i < n; i++)
            {
                final Mbuf m = frame(dev.mac(), out.mac(), 0x8100, 64);
                m.put16(14, 0x2000 | 5 + i); // priority 1, VLAN 5 + i
                m.put16(16, 0x88b5);
                pkts[i] = m;
            }
            assertEquals(n, out.txBurst(LCORE, 0, pkts, n));

            final long deadline = System.currentTimeMillis() + WAIT_MS;
            final BitSet vlans = new BitSet();
            while (vlans.cardinality() < n && System.currentTimeMillis() < deadline)
            {
                final int k = dev.rxBurst(LCORE, 0, pkts, PortDevice.MAX_BURST);
                for (int i = 0; i < k; i++)
                {
                    final Mbuf m = pkts[i];
                    assertArrayEquals("dst MAC", dev.mac(), bytes(m, 0, 6));
                    assertEquals("TPID", 0x8100, m.u16(12));
                    assertEquals("priority", 1, m.u16(14) >>> 13);
                    assertEquals("ethertype inside the tag", 0x88b5, m.u16(16));
                    assertEquals("length as sent", 64, m.length());
                    for (int j = 18; j < 64; j++)
                    {
                        assertEquals("payload byte " + j, j & 0xff, m.u8(j));
                    }
                    vlans.set((m.u16(14) & 0xfff) - 5);
                }
                pool.free(LCORE, pkts, 0, k);
                if (0 == k)
                {
                    Thread.sleep(1);
                }
            }
            assertEquals("VLANs 5.." + (5 + n - 1), n, vlans.cardinality());
        }
        finally
        {
            if (null != out)
            {
                out.close();
            }
            VethPair.run(false, "ip", "link", "del", a);
        }
    }

    @Test(timeout = 60_000)
    public void shouldTransmitFramesThatArriveInTheNamespace() throws Exception
    {
        open("iface", veth.host);
        final byte[] dst = mac(veth.peerMac());
        final long before = veth.peerRxPackets();
        final int n = 100;
        final Mbuf[] pkts = new Mbuf[PortDevice.MAX_BURST];
        int sent = 0;
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        while (sent < n && System.currentTimeMillis() < deadline)
        {
            final int burst = Math.min(PortDevice.MAX_BURST, n - sent);
            for (int i = 0; i < burst; i++)
            {
                pkts[i] = frame(dst, dev.mac(), 0x88b5, 60 + i);
            }
            final int taken = dev.txBurst(LCORE, 0, pkts, burst);
            pool.free(LCORE, pkts, taken, burst);
            sent += taken;
        }
        assertEquals(n, sent);
        assertEquals("transmit freed what it took", 0, pool.inUse());
        long now = veth.peerRxPackets();
        while (now - before < n && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(10);
            now = veth.peerRxPackets();
        }
        assertEquals("frames the namespace end received", n, now - before);
    }

    @Test(timeout = 60_000)
    public void shouldTakeNoMoreThanTheTransmitRingHoldsAndSendItOnceTheInterfaceIsUp() throws Exception
    {
        // one page of two 2048-byte slots; while the interface is down the kernel refuses the kick (ENETDOWN)
        open("iface", veth.host, "blocks", "1", "block_size", "4096", "frame_size", "2048");
        final byte[] dst = mac(veth.peerMac());
        final long before = veth.peerRxPackets();
        assertEquals(Edpvs.OK, dev.up(false));
        final Mbuf[] pkts = new Mbuf[5];
        for (int i = 0; i < pkts.length; i++)
        {
            pkts[i] = frame(dst, dev.mac(), 0x88b5, 100);
        }
        assertEquals("taken: the ring's two slots", 2, dev.txBurst(LCORE, 0, pkts, pkts.length));
        assertEquals("the rest stays the caller's", 3, pool.inUse());
        assertEquals("a full ring takes nothing", 0, dev.txBurst(LCORE, 0, pkts, pkts.length));
        pool.free(LCORE, pkts, 0, pkts.length);

        assertEquals(Edpvs.OK, dev.up(true));
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        int sent = 0;
        final Mbuf[] one = new Mbuf[1];
        while (sent < 1 && System.currentTimeMillis() < deadline)
        {
            one[0] = frame(dst, dev.mac(), 0x88b5, 100);
            final int taken = dev.txBurst(LCORE, 0, one, 1);
            pool.free(LCORE, one, taken, 1);
            sent += taken;
            Thread.sleep(1);
        }
        assertEquals(1, sent);
        long now = veth.peerRxPackets();
        while (now - before < 3 && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(10);
            now = veth.peerRxPackets();
        }
        assertEquals("the two that waited in the ring and the new one", 3, now - before);
        assertEquals(0, pool.inUse());
    }

    @Test(timeout = 60_000)
    public void shouldGetTheNamespaceKernelsEchoRepliesToTransmittedEchoRequests() throws Exception
    {
        open("iface", veth.host);
        final byte[] dst = mac(veth.peerMac());
        final int n = 10;
        final int id = 0x4afb;
        final Mbuf[] pkts = new Mbuf[n];
        for (int i = 0; i < n; i++)
        {
            pkts[i] = echoRequest(dst, dev.mac(), id, i);
        }
        assertEquals(n, dev.txBurst(LCORE, 0, pkts, n));

        final BitSet seqs = new BitSet();
        final Mbuf[] rx = new Mbuf[PortDevice.MAX_BURST];
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        while (seqs.cardinality() < n && System.currentTimeMillis() < deadline)
        {
            final int k = dev.rxBurst(LCORE, 0, rx, PortDevice.MAX_BURST);
            for (int i = 0; i < k; i++)
            {
                final Mbuf m = rx[i];
                if (0x0800 == m.u16(12) && 1 == m.u8(14 + 9) && 0 == m.u8(34) && id == m.u16(34 + 4))
                {
                    assertArrayEquals(dev.mac(), bytes(m, 0, 6));
                    assertEquals(ipv4(VethPair.PEER_IP), m.u32(14 + 12));
                    assertEquals(ipv4(VethPair.HOST_IP), m.u32(14 + 16));
                    seqs.set(m.u16(34 + 6));
                }
                pool.free(LCORE, m);
            }
            if (0 == k)
            {
                Thread.sleep(1);
            }
        }
        assertEquals("echo replies", n, seqs.cardinality());
    }

    @Test(timeout = 60_000)
    public void shouldSpreadFlowsOverTwoFanoutQueuesAndLoseNone() throws Exception
    {
        open("iface", veth.host, "rxq", "2", "txq", "2");
        assertEquals(2, dev.rxQueues());
        assertEquals(2, dev.txQueues());
        final int n = 64;
        veth.sendUdpFromPeer(n, 9000);

        final int[] perQueue = new int[2];
        final BitSet ports = new BitSet();
        final Mbuf[] pkts = new Mbuf[PortDevice.MAX_BURST];
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        while (perQueue[0] + perQueue[1] < n && System.currentTimeMillis() < deadline)
        {
            int any = 0;
            for (int q = 0; q < 2; q++)
            {
                final int k = dev.rxBurst(LCORE, q, pkts, PortDevice.MAX_BURST);
                for (int i = 0; i < k; i++)
                {
                    assertEquals(q, pkts[i].queue());
                    assertEquals(0x0800, pkts[i].u16(12));
                    ports.set(pkts[i].u16(14 + 20 + 2) - 9000);
                    pool.free(LCORE, pkts[i]);
                }
                perQueue[q] += k;
                any += k;
            }
            if (0 == any)
            {
                Thread.sleep(1);
            }
        }
        assertEquals("received over both queues", n, perQueue[0] + perQueue[1]);
        assertEquals("each flow once", n, ports.cardinality());
        assertTrue("queue 0 got flows: " + perQueue[0], perQueue[0] > 0);
        assertTrue("queue 1 got flows: " + perQueue[1], perQueue[1] > 0);
    }

    @Test(timeout = 60_000)
    public void shouldCountFramesTheFullRingDroppedAsMissed() throws Exception
    {
        // two one-page blocks: a few dozen frames fit, the rest is dropped by the kernel while nobody reads
        open("iface", veth.host, "blocks", "2", "block_size", "4096", "frame_size", "2048");
        final int n = 400;
        veth.sendUdpFromPeer(n, 10000);
        Thread.sleep(50);
        int got = 0;
        final Mbuf[] pkts = new Mbuf[PortDevice.MAX_BURST];
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        long missed = dev.rxMissed();
        while (got + missed < n && System.currentTimeMillis() < deadline)
        {
            final int k = dev.rxBurst(LCORE, 0, pkts, PortDevice.MAX_BURST);
            pool.free(LCORE, pkts, 0, k);
            got += k;
            missed = dev.rxMissed();
            if (0 == k)
            {
                Thread.sleep(1);
            }
        }
        assertTrue("missed " + missed, missed > 0);
        assertTrue("received " + got, got > 0);
        assertEquals("received + missed", n, got + missed);
        assertEquals("the count accumulates over reads", missed, dev.rxMissed());
    }

    @Test(timeout = 60_000)
    public void shouldHandBlocksBackSoTheRingCarriesMoreThanItsSize() throws Exception
    {
        // 64 one-page blocks take under 2000 small frames: 4000 pass only if read blocks go back to the kernel
        open("iface", veth.host, "blocks", "64", "block_size", "4096");
        final int n = 4000;
        final Process sender = veth.startUdpFromPeer(n, 20000);
        int got = 0;
        long missed = 0;
        final Mbuf[] pkts = new Mbuf[PortDevice.MAX_BURST];
        final long deadline = System.currentTimeMillis() + 4 * WAIT_MS;
        try
        {
            while (got + missed < n && System.currentTimeMillis() < deadline)
            {
                final int k = dev.rxBurst(LCORE, 0, pkts, PortDevice.MAX_BURST);
                for (int i = 0; i < k; i++)
                {
                    assertEquals(0x0800, pkts[i].u16(12));
                }
                pool.free(LCORE, pkts, 0, k);
                got += k;
                if (0 == k)
                {
                    missed = dev.rxMissed();
                }
            }
            assertTrue(sender.waitFor(WAIT_MS, TimeUnit.MILLISECONDS));
        }
        finally
        {
            sender.destroyForcibly();
        }
        // under 1800 such frames fit the ring at once; a reader that falls far behind on a loaded machine may
        // see some dropped, but never a frame twice (a block read again) nor one unaccounted for
        missed = dev.rxMissed();
        assertEquals("received + missed", n, got + missed);
        assertTrue("received " + got + ", more than the ring holds", got > 1800);
        assertEquals(0, pool.inUse());
    }

    @Test(timeout = 60_000)
    public void shouldStopABurstOnAnEmptyPoolAndKeepTheFrames() throws Exception
    {
        pool = new MbufPool("afp-small", 5, 2048 + Mbuf.HEADROOM);
        open("iface", veth.host);
        final int n = 12;
        veth.sendUdpFromPeer(n, 11000);
        final BitSet ports = new BitSet();
        final Mbuf[] pkts = new Mbuf[PortDevice.MAX_BURST];
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        boolean sawFull = false;
        while (ports.cardinality() < n && System.currentTimeMillis() < deadline)
        {
            final int k = dev.rxBurst(-1, 0, pkts, PortDevice.MAX_BURST);
            sawFull |= 5 == k;
            for (int i = 0; i < k; i++)
            {
                ports.set(pkts[i].u16(14 + 20 + 2) - 11000);
            }
            pool.free(-1, pkts, 0, k);
            if (0 == k)
            {
                Thread.sleep(1);
            }
        }
        assertTrue("a burst stopped at the pool's 5 buffers", sawFull);
        assertTrue(dev.rxNoMbuf() > 0);
        assertEquals("every frame, in later bursts", n, ports.cardinality());
    }

    @Test(timeout = 60_000)
    public void shouldReportMacMtuLinkAndSetPromiscAndUp() throws Exception
    {
        open("iface", veth.host, "promisc", "on", "mtu", "1400");
        assertArrayEquals(mac(veth.hostMac()), dev.mac());
        assertEquals(1400, dev.mtu());
        assertEquals("af_packet", dev.driver());
        assertEquals(veth.host, dev.device());
        assertTrue(dev.promisc());
        assertTrue(VethPair.ip("-d", "link", "show", veth.host).contains("promiscuity 1"));
        assertEquals(Edpvs.OK, dev.promisc(false));
        assertFalse(dev.promisc());
        assertTrue(VethPair.ip("-d", "link", "show", veth.host).contains("promiscuity 0"));
        assertEquals(Edpvs.OK, dev.promisc(true));
        assertTrue(VethPair.ip("-d", "link", "show", veth.host).contains("promiscuity 1"));

        assertTrue(dev.up());
        assertTrue(dev.linkUp());
        assertEquals(Edpvs.OK, dev.up(false));
        assertFalse(dev.up());
        assertFalse(dev.linkUp());
        assertTrue(VethPair.ip("link", "show", veth.host).contains("state DOWN"));
        assertEquals(Edpvs.OK, dev.up(true));
        assertTrue(dev.up());
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!dev.linkUp() && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(10);
        }
        assertTrue(dev.linkUp());

        dev.close();
        assertTrue("the membership ends with the sockets",
            VethPair.ip("-d", "link", "show", veth.host).contains("promiscuity 0"));
    }

    @Test(timeout = 60_000)
    public void shouldCloseIdempotentlyAndReleaseEverything() throws Exception
    {
        for (int round = 0; round < 3; round++)
        {
            open("iface", veth.host, "rxq", "2", "txq", "3");
            final List<String> sockets = new ArrayList<>();
            for (final int fd : dev.fds())
            {
                sockets.add(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString());
            }
            assertEquals(5, sockets.size());
            for (final String s : sockets)
            {
                assertTrue(s, s.startsWith("socket:["));
                assertEquals("rings of " + s + " mapped", 1, mappings(s));
                assertTrue(s + " is a packet socket", packetSocketInodes().contains(inode(s)));
            }
            dev.close();
            dev.close();
            for (final String s : sockets)
            {
                assertEquals("rings of " + s + " unmapped, round " + round, 0, mappings(s));
                assertFalse(s + " closed, round " + round, packetSocketInodes().contains(inode(s)));
            }
            assertEquals(Edpvs.NOTEXIST, dev.up(true));
            assertFalse(dev.linkUp());
        }
    }

    private static long mappings(final String socket) throws IOException
    {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith(" " + socket)).count();
    }

    private static String inode(final String socket)
    {
        return socket.substring("socket:[".length(), socket.length() - 1);
    }

    /** @return the inodes of this network namespace's packet sockets (the last column of /proc/net/packet). */
    private static Set<String> packetSocketInodes() throws IOException
    {
        final Set<String> inodes = new HashSet<>();
        for (final String line : Files.readAllLines(Path.of("/proc/net/packet")))
        {
            final String[] f = line.trim().split("\\s+");
            inodes.add(f[f.length - 1]);
        }
        return inodes;
    }

    @Test(timeout = 30_000)
    public void shouldRefuseAMissingInterfaceNamingPortAndInterface()
    {
        final String missing = "nosuch" + veth.host.substring(3);
        try
        {
            open("iface", missing);
            fail("opened " + missing);
        }
        catch (final PortException ex)
        {
            assertTrue(ex.getMessage(), ex.getMessage().contains("port dpdk3"));
            assertTrue(ex.getMessage(), ex.getMessage().contains("netif.conf:7"));
            assertTrue(ex.getMessage(), ex.getMessage().contains("iface " + missing + ": no such interface"));
        }
        refused("driver af_packet needs iface");
        refused("iface afh0123456789abcdef: not an interface name", "iface", "afh0123456789abcdef");
    }

    @Test(timeout = 30_000)
    public void shouldRefuseBadRingGeometryAndUnknownOptions()
    {
        final String h = veth.host;
        refused("block_size 5000: not a multiple of the page size", "iface", h, "block_size", "5000");
        refused("frame_size 2056: not a multiple of 16", "iface", h, "frame_size", "2056");
        refused("frame_size 8192: larger than block_size 4096", "iface", h, "block_size", "4096", "frame_size",
            "8192");
        refused("frame_size 64: want 128..", "iface", h, "frame_size", "64");
        refused("blocks 0: want 1..", "iface", h, "blocks", "0");
        refused("blocks 1024 x block_size 4194304: a ring of more than 1 GiB", "iface", h, "blocks", "1024",
            "block_size", "4194304");
        refused("rxq 0: want 1..", "iface", h, "rxq", "0");
        refused("promisc maybe: want on or off", "iface", h, "promisc", "maybe");
        refused("unknown option ring_size for driver af_packet", "iface", h, "ring_size", "4096");
        assertEquals(0, pool.inUse());
    }

    private void refused(final String why, final String... kv)
    {
        try
        {
            open(kv);
            fail("opened with " + String.join(" ", kv));
        }
        catch (final PortException ex)
        {
            assertTrue(ex.getMessage(), ex.getMessage().contains("port dpdk3"));
            assertTrue(ex.getMessage(), ex.getMessage().contains(why));
        }
    }

    private Mbuf frame(final byte[] dst, final byte[] src, final int ethertype, final int len)
    {
        final Mbuf m = pool.alloc(LCORE);
        m.length(len);
        System.arraycopy(dst, 0, m.array(), m.offset(), 6);
        System.arraycopy(src, 0, m.array(), m.offset() + 6, 6);
        m.put16(12, ethertype);
        for (int i = 14; i < len; i++)
        {
            m.put8(i, i);
        }
        return m;
    }

    private Mbuf echoRequest(final byte[] dst, final byte[] src, final int id, final int seq)
    {
        final int payload = 32;
        final Mbuf m = frame(dst, src, 0x0800, 14 + 20 + 8 + payload);
        final int ip = 14;
        m.put8(ip, 0x45);
        m.put8(ip + 1, 0);
        m.put16(ip + 2, 20 + 8 + payload);
        m.put16(ip + 4, seq);
        m.put16(ip + 6, 0x4000);
        m.put8(ip + 8, 64);
        m.put8(ip + 9, 1);
        m.put16(ip + 10, 0);
        m.put32(ip + 12, ipv4(VethPair.HOST_IP));
        m.put32(ip + 16, ipv4(VethPair.PEER_IP));
        m.put16(ip + 10, checksum(m, ip, 20));
        final int icmp = ip + 20;
        m.put8(icmp, 8);
        m.put8(icmp + 1, 0);
        m.put16(icmp + 2, 0);
        m.put16(icmp + 4, id);
        m.put16(icmp + 6, seq);
        m.put16(icmp + 2, checksum(m, icmp, 8 + payload));
        return m;
    }

    private static int checksum(final Mbuf m, final int from, final int len)
    {
        long sum = 0;
        for (int i = 0; i < len; i += 2)
        {
            sum += m.u16(from + i);
        }
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int)~sum & 0xffff;
    }

    private static byte[] bytes(final Mbuf m, final int from, final int len)
    {
        final byte[] b = new byte[len];
        System.arraycopy(m.array(), m.offset() + from, b, 0, len);
        return b;
    }

    private static byte[] mac(final String s)
    {
        final String[] p = s.split(":");
        final byte[] b = new byte[6];
        for (int i = 0; i < 6; i++)
        {
            b[i] = (byte)Integer.parseInt(p[i], 16);
        }
        return b;
    }

    private static int ipv4(final String s)
    {
        final String[] p = s.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8
            | Integer.parseInt(p[3]);
    }
}
