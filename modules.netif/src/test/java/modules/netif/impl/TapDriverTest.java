package modules.netif.impl;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;

/**
 * The tap driver against the real kernel: the interface appears with the configured MAC and MTU and goes away on
 * close; what the kernel sends out of it (a UDP datagram to a static neighbour) comes in through rxBurst; what
 * txBurst writes (an ICMP echo request to the interface's address) is taken by the kernel, which answers back
 * through rxBurst; bursts allocate nothing. Needs root and {@code ip} (iproute2), as CI has.
 */
public class TapDriverTest
{
    private static final int PORT_ID = 3;
    private static final byte[] TAP_MAC = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    /** The kernel's neighbour on the tap: the data plane, as seen from the kernel. */
    private static final byte[] PEER_MAC = {0x02, (byte)0xaa, (byte)0xbb, (byte)0xcc, (byte)0xdd, 0x01};
    private static int seq;

    private final String ifname = "ntt" + ProcessHandle.current().pid() % 100_000 + "x" + seq++;
    /** 198.18.0.0/15 is for benchmarking (RFC 2544): no real network uses it. */
    private final int net = (int)(ProcessHandle.current().pid() % 200) + 20;
    private final String tapAddr = "198.18." + net + ".1";
    private final String peerAddr = "198.18." + net + ".2";
    private final int tapIp = ip(tapAddr);
    private final int peerIp = ip(peerAddr);
    private final MbufPool pool = new MbufPool("tap-test", 512, 2048);
    private final Mbuf[] burst = new Mbuf[PortDevice.MAX_BURST];
    private final List<Mbuf> held = new ArrayList<>();
    private PortDevice dev;

    @Before
    public void check()
    {
        assertTrue("/dev/net/tun is missing", Files.exists(Paths.get("/dev/net/tun")));
    }

    @After
    public void cleanUp() throws Exception
    {
        for (final Mbuf m : held)
        {
            pool.free(-1, m);
        }
        if (null != dev)
        {
            dev.close();
        }
        if (Files.exists(sys()))
        {
            run("ip", "link", "del", ifname);
        }
    }

    private Path sys()
    {
        return Paths.get("/sys/class/net", ifname);
    }

    private String sys(final String file) throws IOException
    {
        return Files.readString(sys().resolve(file), StandardCharsets.US_ASCII).trim();
    }

    private static PortConf conf(final String... kv)
    {
        final Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2)
        {
            options.put(kv[i], kv[i + 1]);
        }
        return new PortConf(PORT_ID, "kni0", "tap", options, "netif.conf:7");
    }

    private void open(final String... kv) throws PortException
    {
        dev = new TapDriver().open(conf(kv), pool);
    }

    private static String run(final String... cmd) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(String.join(" ", cmd) + " timed out", p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(String.join(" ", cmd) + ": " + out, 0, p.exitValue());
        return out;
    }

    /** Gives the tap an address and the kernel a permanent neighbour behind it, so it sends IPv4 without ARP. */
    private void addressAndNeighbour() throws Exception
    {
        run("ip", "addr", "add", tapAddr + "/24", "dev", ifname);
        run("ip", "neigh", "replace", peerAddr, "lladdr", DriverMac.format(PEER_MAC), "dev", ifname, "nud",
            "permanent");
    }

    @Test(timeout = 20_000)
    public void shouldCreateTheInterfaceAsConfiguredAndRemoveItOnClose() throws Exception
    {
        open("name", ifname, "mac", "02:11:22:33:44:55", "mtu", "1400");
        assertTrue(Files.isDirectory(sys()));
        assertEquals("02:11:22:33:44:55", sys("address"));
        assertArrayEquals(TAP_MAC, dev.mac());
        assertEquals("1400", sys("mtu"));
        assertEquals(1400, dev.mtu());
        assertEquals(1, Integer.parseInt(sys("flags").substring(2), 16) & 1);
        assertTrue(dev.up());
        assertTrue(dev.linkUp());
        // a tap with its descriptor open and up: the kernel says "unknown" (no carrier detection) or "up"
        final String oper = sys("operstate");
        assertTrue(oper, "unknown".equals(oper) || "up".equals(oper));
        assertEquals("tap", dev.driver());
        assertEquals(ifname, dev.device());
        assertEquals(1, dev.rxQueues());
        assertEquals(1, dev.txQueues());

        assertEquals(0, dev.promisc(true));
        assertTrue(dev.promisc());
        assertEquals(0, dev.up(false));
        assertFalse(dev.up());
        assertEquals(0, dev.up(true));

        dev.close();
        assertFalse("closing removes the interface", Files.exists(sys()));
        dev.close();
        assertFalse(dev.up());
    }

    @Test(timeout = 20_000)
    public void shouldStayDownWhenAskedAndPickARandomLocalMac() throws Exception
    {
        open("name", ifname, "up", "off");
        assertEquals(0, Integer.parseInt(sys("flags").substring(2), 16) & 1);
        final byte[] mac = dev.mac();
        assertEquals("locally administered unicast", 0x02, mac[0] & 0x03);
        assertEquals(DriverMac.format(mac), sys("address"));
    }

    @Test(timeout = 20_000)
    public void shouldReceiveWhatTheKernelSends() throws Exception
    {
        open("name", ifname, "mac", "02:11:22:33:44:55");
        addressAndNeighbour();
        final byte[] payload = "hello from the kernel".getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket s = new DatagramSocket())
        {
            s.send(new DatagramPacket(payload, payload.length, InetAddress.getByName(peerAddr), 9999));
        }
        final Mbuf m = receive(f -> 0x0800 == f.u16(12) && 17 == f.u8(23) && f.u32(30) == ip(peerAddr));
        assertEquals(PORT_ID, m.port());
        assertEquals(0, m.queue());
        assertArrayEquals(PEER_MAC, bytes(m, 0, 6));
        assertArrayEquals(TAP_MAC, bytes(m, 6, 6));
        assertEquals(ip(tapAddr), m.u32(26));
        assertEquals(9999, m.u16(36));
        assertEquals(14 + 20 + 8 + payload.length, m.length());
        assertArrayEquals(payload, bytes(m, 42, payload.length));
    }

    @Test(timeout = 20_000)
    public void shouldHandTransmittedFramesToTheKernel() throws Exception
    {
        open("name", ifname, "mac", "02:11:22:33:44:55");
        addressAndNeighbour();
        final long rxBefore = Long.parseLong(sys("statistics/rx_packets"));
        final int before = pool.available();
        final Mbuf m = pool.alloc(-1);
        echoRequest(m, TAP_MAC, 0x1234, 7);
        burst[0] = m;
        assertEquals(1, dev.txBurst(-1, 0, burst, 1));
        assertEquals("the device freed the buffer", before, pool.available());
        assertEquals(rxBefore + 1, Long.parseLong(sys("statistics/rx_packets")));
        // the kernel answers to the neighbour, out through the tap
        final Mbuf reply = receive(f -> 0x0800 == f.u16(12) && 1 == f.u8(23) && 0 == f.u8(34));
        assertEquals(ip(tapAddr), reply.u32(26));
        assertEquals(ip(peerAddr), reply.u32(30));
        assertEquals(0x1234, reply.u16(38));
        assertEquals(7, reply.u16(40));
        assertArrayEquals(PEER_MAC, bytes(reply, 0, 6));
        assertEquals(0, dev.rxErrors());
    }

    @Test(timeout = 30_000)
    public void shouldSpreadOverQueuesOfAMultiQueueTap() throws Exception
    {
        open("name", ifname, "rxq", "2", "txq", "2");
        assertEquals(2, dev.rxQueues());
        assertEquals(2, dev.txQueues());
        addressAndNeighbour();
        final int flows = 16;
        final byte[] payload = new byte[8];
        for (int i = 0; i < flows; i++)
        {
            try (DatagramSocket s = new DatagramSocket())
            {
                s.send(new DatagramPacket(payload, payload.length, InetAddress.getByName(peerAddr), 10000 + i));
            }
        }
        boolean[] seen = new boolean[flows];
        int got = 0;
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (got < flows && System.nanoTime() < end)
        {
            for (int q = 0; q < 2; q++)
            {
                final int n = dev.rxBurst(-1, q, burst, burst.length);
                for (int i = 0; i < n; i++)
                {
                    final Mbuf f = burst[i];
                    assertEquals(q, f.queue());
                    if (0x0800 == f.u16(12) && 17 == f.u8(23))
                    {
                        final int flow = f.u16(36) - 10000;
                        if (flow >= 0 && flow < flows && !seen[flow])
                        {
                            seen[flow] = true;
                            got++;
                        }
                    }
                    pool.free(-1, f);
                }
            }
        }
        assertEquals("datagrams received over both queues", flows, got);
        // and both queues transmit
        for (int q = 0; q < 2; q++)
        {
            final Mbuf m = pool.alloc(-1);
            echoRequest(m, TAP_MAC, 0x99, q);
            burst[0] = m;
            assertEquals(1, dev.txBurst(-1, q, burst, 1));
        }
    }

    @Test(timeout = 10_000)
    public void shouldRefuseAWrongConfiguration()
    {
        refused("name too long", "1 to 15 characters", "name", "abcdefghijklmnop");
        refused("bad name", "no '/'", "name", "a/b");
        refused("no name", "needs name");
        refused("bad MAC", "mac 02:11:22:33:44: want six hex bytes", "name", ifname, "mac", "02:11:22:33:44");
        refused("bad MAC", "want six hex bytes", "name", ifname, "mac", "02:11:22:33:44:zz");
        refused("multicast MAC", "multicast", "name", ifname, "mac", "01:00:5e:00:00:01");
        refused("more txq than rxq", "txq 2 > rxq 1", "name", ifname, "txq", "2");
        refused("unknown option", "unknown option colour", "name", ifname, "colour", "blue");
        refused("tiny MTU", "mtu 10", "name", ifname, "mtu", "10");
        refused("not a tap", "not a tap", "name", "lo");
        assertFalse(Files.exists(sys()));
    }

    @Test(timeout = 10_000)
    public void shouldRefuseANameInUse() throws Exception
    {
        open("name", ifname);
        final PortDevice first = dev;
        refused("name in use", "tap " + ifname + ": TUNSETIFF: Device or resource busy (errno 16) (the interface is"
            + " in use", "name", ifname);
        dev = first;
        assertTrue("the first one is untouched", first.up());
    }

    private void refused(final String what, final String text, final String... kv)
    {
        try
        {
            open(kv);
            fail(what + " was accepted");
        }
        catch (final PortException ex)
        {
            final String msg = ex.getMessage();
            assertTrue(what + ": " + msg, msg.startsWith("netif.conf:7: port kni0: "));
            assertTrue(what + ": " + msg, msg.contains(text));
        }
    }

    /**
     * Zero allocation in steady state: the bytes this thread allocates while 10k frames go out through txBurst,
     * 10k empty polls run and 10k datagrams the kernel sends (from another thread) come in through rxBurst.
     */
    @Test(timeout = 60_000)
    public void shouldAllocateNothingInBursts() throws Exception
    {
        open("name", ifname, "mac", "02:11:22:33:44:55");
        addressAndNeighbour();
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long self = Thread.currentThread().getId();
        // warm up, then measure
        txFrames(10_000);
        emptyPolls(10_000);
        final long a0 = threads.getThreadAllocatedBytes(self);
        txFrames(10_000);
        emptyPolls(10_000);
        final long txBytes = threads.getThreadAllocatedBytes(self) - a0;
        assertTrue("tx and empty rx allocated " + txBytes + " bytes", txBytes < 10_000);

        final AtomicBoolean sending = new AtomicBoolean(true);
        final Thread sender = new Thread(() ->
        {
            final byte[] payload = new byte[64];
            try (DatagramSocket s = new DatagramSocket())
            {
                final DatagramPacket p =
                    new DatagramPacket(payload, payload.length, InetAddress.getByName(peerAddr), 9);
                while (sending.get())
                {
                    s.send(p);
                }
            }
            catch (final IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        }, "tap-test-sender");
        sender.start();
        try
        {
            rxFrames(10_000);
            final long a1 = threads.getThreadAllocatedBytes(self);
            rxFrames(10_000);
            final long rxBytes = threads.getThreadAllocatedBytes(self) - a1;
            assertTrue("rx allocated " + rxBytes + " bytes", rxBytes < 10_000);
        }
        finally
        {
            sending.set(false);
            sender.join(5_000);
        }
    }

    private void txFrames(final int count)
    {
        // addressed to another host: the kernel takes and drops them
        final byte[] other = {0x02, 0, 0, 0, 0, 0x09};
        int sent = 0;
        while (sent < count)
        {
            final int n = Math.min(burst.length, count - sent);
            assertTrue(pool.allocBulk(-1, burst, n));
            for (int i = 0; i < n; i++)
            {
                echoRequest(burst[i], other, 1, i);
            }
            final int taken = dev.txBurst(-1, 0, burst, n);
            pool.free(-1, burst, taken, n);
            sent += n;
        }
    }

    private void emptyPolls(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final int n = dev.rxBurst(-1, 0, burst, burst.length);
            pool.free(-1, burst, 0, n);
        }
    }

    private void rxFrames(final int count)
    {
        int got = 0;
        while (got < count)
        {
            final int n = dev.rxBurst(-1, 0, burst, burst.length);
            got += n;
            pool.free(-1, burst, 0, n);
        }
    }

    /** A frame filter, for {@link #receive}. */
    private interface Match
    {
        boolean test(Mbuf frame);
    }

    /** Polls until a frame matches (others are freed), and keeps it for the clean-up. */
    private Mbuf receive(final Match match) throws InterruptedException
    {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end)
        {
            final int n = dev.rxBurst(-1, 0, burst, burst.length);
            Mbuf found = null;
            for (int i = 0; i < n; i++)
            {
                assertNotNull(burst[i]);
                if (null == found && burst[i].length() >= 34 && match.test(burst[i]))
                {
                    found = burst[i];
                    held.add(found);
                }
                else
                {
                    pool.free(-1, burst[i]);
                }
            }
            if (null != found)
            {
                return found;
            }
            if (0 == n)
            {
                Thread.sleep(1);
            }
        }
        fail("no matching frame came from the kernel in 10 s");
        return null;
    }

    /** Writes an ICMP echo request from the peer to the tap's address, with 16 bytes of data. */
    private void echoRequest(final Mbuf m, final byte[] dstMac, final int id, final int sequence)
    {
        m.length(14 + 20 + 8 + 16);
        final byte[] a = m.array();
        final int o = m.offset();
        System.arraycopy(dstMac, 0, a, o, 6);
        System.arraycopy(PEER_MAC, 0, a, o + 6, 6);
        m.put16(12, 0x0800);
        m.put8(14, 0x45);
        m.put8(15, 0);
        m.put16(16, 20 + 8 + 16);
        m.put16(18, sequence);
        m.put16(20, 0x4000);
        m.put8(22, 64);
        m.put8(23, 1);
        m.put16(24, 0);
        m.put32(26, peerIp);
        m.put32(30, tapIp);
        m.put16(24, checksum(a, o + 14, 20));
        m.put8(34, 8);
        m.put8(35, 0);
        m.put16(36, 0);
        m.put16(38, id);
        m.put16(40, sequence);
        for (int i = 0; i < 16; i++)
        {
            m.put8(42 + i, i);
        }
        m.put16(36, checksum(a, o + 34, 8 + 16));
    }

    private static int checksum(final byte[] a, final int off, final int len)
    {
        int sum = 0;
        for (int i = 0; i < len; i += 2)
        {
            sum += (a[off + i] & 0xff) << 8 | (i + 1 < len ? a[off + i + 1] & 0xff : 0);
        }
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return ~sum & 0xffff;
    }

    private static int ip(final String dotted)
    {
        final String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8
            | Integer.parseInt(p[3]);
    }

    private static byte[] bytes(final Mbuf m, final int off, final int len)
    {
        final byte[] b = new byte[len];
        System.arraycopy(m.array(), m.offset() + off, b, 0, len);
        return b;
    }
}
