package modules.netif.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;

/**
 * Forwarding between two veth pairs, the set-up of the af_packet benchmark: frames the kernel of namespace A sends
 * come in on host end A, leave by host end B and must arrive in namespace B. Once with two af_packet devices and a
 * Java loop, once with {@code bench/native/afp_fwd.c} (the C baseline on the same ring design), compiled here with
 * gcc so the baseline is known to build and to forward.
 */
public class AfPacketForwardTest
{
    private static final long WAIT_MS = 10_000;

    private VethPair a;
    private VethPair b;

    @Before
    public void setUp() throws Exception
    {
        a = new VethPair();
        b = new VethPair();
    }

    @After
    public void tearDown()
    {
        try
        {
            if (null != a)
            {
                a.close();
            }
        }
        finally
        {
            if (null != b)
            {
                b.close();
            }
        }
    }

    private static PortConf conf(final int id, final String iface)
    {
        final Map<String, String> o = new LinkedHashMap<>();
        o.put("iface", iface);
        return new PortConf(id, "dpdk" + id, AfPacketDriver.NAME, o, "test:" + id);
    }

    @Test(timeout = 60_000)
    public void shouldForwardBetweenTwoPortsInJava() throws Exception
    {
        final MbufPool pool = new MbufPool("fwd", 1024, 2048 + Mbuf.HEADROOM);
        final AfPacketDriver driver = new AfPacketDriver();
        try (PortDevice in = driver.open(conf(0, a.host), pool);
            PortDevice out = driver.open(conf(1, b.host), pool))
        {
            final long before = b.peerRxPackets();
            final int n = 50;
            a.sendUdpFromPeer(n, 5000);
            final Mbuf[] pkts = new Mbuf[PortDevice.MAX_BURST];
            int moved = 0;
            final long deadline = System.currentTimeMillis() + WAIT_MS;
            while (moved < n && System.currentTimeMillis() < deadline)
            {
                final int k = in.rxBurst(0, 0, pkts, PortDevice.MAX_BURST);
                final int taken = out.txBurst(0, 0, pkts, k);
                pool.free(0, pkts, taken, k);
                moved += taken;
                if (0 == k)
                {
                    Thread.sleep(1);
                }
            }
            assertEquals(n, moved);
            assertEquals("arrived in namespace B", n, waitForRx(b, before, n, deadline));
            assertEquals(0, pool.inUse());
        }
    }

    @Test(timeout = 120_000)
    public void shouldBuildTheCBaselineAndForwardWithIt() throws Exception
    {
        final File src = new File("../bench/native/afp_fwd.c").getCanonicalFile();
        assertTrue("missing " + src, src.isFile());
        final File bin = new File("target/afp_fwd").getAbsoluteFile();
        VethPair.run(true, "gcc", "-O2", "-Wall", "-Werror", "-o", bin.getPath(), src.getPath());

        final File log = new File("target/afp_fwd.log").getAbsoluteFile();
        final Process fwd = new ProcessBuilder(bin.getPath(), "-s", "30", "-B", b.peerMac(), a.host, b.host)
            .redirectErrorStream(true).redirectOutput(log).start();
        try
        {
            final long deadline = System.currentTimeMillis() + WAIT_MS;
            while (!Files.readString(log.toPath()).contains("afp_fwd:") && fwd.isAlive()
                && System.currentTimeMillis() < deadline)
            {
                Thread.sleep(10);
            }
            assertTrue("afp_fwd started: " + Files.readString(log.toPath()), fwd.isAlive());
            final long before = b.peerRxPackets();
            final int n = 50;
            a.sendUdpFromPeer(n, 6000);
            assertEquals("arrived in namespace B", n, waitForRx(b, before, n, deadline));
        }
        finally
        {
            fwd.destroy();
            if (!fwd.waitFor(10, TimeUnit.SECONDS))
            {
                fwd.destroyForcibly();
            }
        }
        final String out = Files.readString(log.toPath());
        assertTrue(out, out.contains(b.host + ": rx 0 tx 50 "));
        assertTrue(out, out.contains(a.host + ": rx 50 tx 0 "));
    }

    private static long waitForRx(final VethPair v, final long before, final int n, final long deadline)
        throws Exception
    {
        long now = v.peerRxPackets();
        while (now - before < n && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(10);
            now = v.peerRxPackets();
        }
        return now - before;
    }
}
