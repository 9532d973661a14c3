package modules.netif.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.stats.api.LcoreCounters;
import modules.stats.api.LcoreStats;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.impl.TestMsgManagers;

/**
 * DPVS's KNI with a real TAP device: what a worker does not handle (here an ARP frame) reaches the kernel through
 * the tap, served by the kni job on the master lcore; what the kernel sends out of the tap (a UDP datagram to a
 * static neighbour) leaves by the port, through MASTER_XMIT to the worker that owns its transmit queue. Needs root
 * and {@code ip}, as CI has.
 */
public class KniTest
{
    private static int seq;

    private final String tap = "nkt" + ProcessHandle.current().pid() % 100_000 + "x" + seq++;
    private final int net = (int)(ProcessHandle.current().pid() % 200) + 20;
    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private NetifCore core;
    private final FeedDriver feed = new FeedDriver();
    private final Map<Integer, LcoreCounters> counters = new ConcurrentHashMap<>();
    private final LcoreStats stats = id -> counters.computeIfAbsent(id, LcoreCounters::new);

    @Before
    public void setUp() throws Exception
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        final Map<String, PortDriver> drivers = Drivers.all();
        drivers.put("feed", feed);
        core = new NetifCore(lcores, msg.manager(), stats, NetifConfig.parse("kni.conf", new StringReader(
            "port dpdk0 driver feed\nport kni0 driver tap name " + tap + " mac 02:00:00:00:99:01\n"
                + "queue 1 dpdk0 rx 0 tx 0\nkni dpdk0 kni0\n")), drivers);
        core.start();
    }

    @After
    public void tearDown() throws Exception
    {
        if (null != core)
        {
            core.stop();
        }
        msg.close();
        TestLcores.stop(lcores);
        if (Files.exists(Paths.get("/sys/class/net", tap)))
        {
            run("ip", "link", "del", tap);
        }
    }

    private static String run(final String... cmd) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(String.join(" ", cmd) + " timed out", p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(String.join(" ", cmd) + ": " + out, 0, p.exitValue());
        return out;
    }

    private long sys(final String counter) throws IOException
    {
        final Path p = Paths.get("/sys/class/net", tap, "statistics", counter);
        return Long.parseLong(Files.readString(p, StandardCharsets.US_ASCII).trim());
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(1);
        }
    }

    @Test(timeout = 30_000)
    public void shouldHandWhatTheDataPlaneDoesNotHandleToTheKernelAndSendWhatTheKernelSends() throws Exception
    {
        assertEquals(lcores.masterLcoreId(), core.kniLcore());
        final long before = sys("rx_packets");
        // an ARP request for an address on the tap's subnet: not IPv4, so the worker hands it to the kernel
        final byte[] arp = new byte[60];
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(arp);
        b.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(new byte[] {2, 0, 0, 0, 0x55, 1}).putShort((short)0x0806);
        b.putShort((short)1).putShort((short)0x0800).put((byte)6).put((byte)4).putShort((short)1);
        b.put(new byte[] {2, 0, 0, 0, 0x55, 1}).putInt(0xc6120000 | net << 8 | 2).put(new byte[6])
            .putInt(0xc6120000 | net << 8 | 1);
        feed.in.add(arp);
        await("the kernel got the ARP frame", () ->
        {
            try
            {
                return sys("rx_packets") > before;
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        assertEquals(1, core.totals()[LcoreNetif.TO_KNI]);

        // the kernel's datagram to a static neighbour leaves by dpdk0
        final String tapAddr = "198.18." + net + ".1";
        final String peer = "198.18." + net + ".2";
        run("ip", "addr", "add", tapAddr + "/24", "dev", tap);
        run("ip", "neigh", "replace", peer, "lladdr", "02:00:00:00:55:01", "dev", tap, "nud", "permanent");
        final byte[] payload = "to the wire".getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket s = new DatagramSocket())
        {
            s.send(new DatagramPacket(payload, payload.length, InetAddress.getByName(peer), 7777));
        }
        await("the datagram out of dpdk0", () -> feed.out.stream().anyMatch(f -> f.length >= 42
            && 0x08 == f[12] && 0 == f[13] && 17 == f[23] && (((f[36] & 0xff) << 8) | (f[37] & 0xff)) == 7777));
        assertTrue(core.port(0).stats.txTotal(PortStats.OPACKETS) >= 1);
        assertTrue(core.port(1).stats.rxTotal(PortStats.IPACKETS) >= 1);
    }
}
