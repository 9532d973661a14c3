package modules.stats.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.stats.api.LcoreCounters;
import modules.stats.api.NetifLcoreConf;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.lcore.api.Edpvs;
import platform.sockopt.cli.DplaneCtl;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;
import platform.sockopt.impl.TestSockoptServers;

/**
 * DPVS's netif lcore sockopts over a real control socket, on real lcores of every role: the bytes dpip reads, the
 * counters a data-path job updates on its own lcore, and {@code dplanectl link show cpu -s} printing them as dpip
 * does.
 */
public class StatsCoreTest
{
    private LcoreScheduler lcores;
    private TestSockoptServers.Running sockopt;
    private StatsCore core;
    private SockoptClient client;
    private Path socket;

    @Before
    public void setUp() throws IOException
    {
        lcores = TestLcores.start("lcore 0 role MASTER cpu none\nlcore 1 role FWD_WORKER cpu none\n"
            + "lcore 2 role FWD_WORKER cpu none\nlcore 3 role ISOLRX_WORKER cpu none\n"
            + "lcore 4 role KNI_WORKER cpu none\n");
        socket = Files.createTempDirectory("stats").resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        client = SockoptClient.of(socket, Duration.ofSeconds(5));
        core = new StatsCore(lcores);
        core.start(sockopt.registry());
    }

    @After
    public void tearDown()
    {
        core.stop();
        sockopt.close();
        TestLcores.stop(lcores);
    }

    @Test
    public void shouldServeTheLcoreMasksAndBasicsAsDpipReadsThem() throws Exception
    {
        final SockoptResponse mask = client.get(NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_MASK, new byte[0]);
        assertEquals(Edpvs.OK, mask.errcode());
        // master 0, kni 4, 2 slaves, 1 isol-rx, padding, slave mask 0b110, isol-rx mask 0b1000
        assertEquals("00040201" + "00000000" + "0600000000000000" + "0800000000000000",
            HexFormat.of().formatHex(mask.body()));

        final SockoptResponse basic = client.get(NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_BASIC, new byte[] {2});
        assertEquals(Edpvs.OK, basic.errcode());
        // lcore 2, socket 0 (unpinned), no queues
        assertEquals("02000000" + "00000000", HexFormat.of().formatHex(basic.body()));

        // a packet I/O bundle sets the queue list: sent with its NUL, counted in queue_data_len, as DPVS does
        core.counters(1).queues("dpdk0:rx0       dpdk0:tx0       ");
        final SockoptResponse withQueues = client.get(NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_BASIC, new byte[] {1});
        assertEquals(8 + 33, withQueues.body().length);
        assertEquals("01000000" + "21000000" + HexFormat.of().formatHex(
            "dpdk0:rx0       dpdk0:tx0       ".getBytes(StandardCharsets.US_ASCII)) + "00",
            HexFormat.of().formatHex(withQueues.body()));
        core.counters(1).queues("");
        assertEquals(8, client.get(NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_BASIC, new byte[] {1}).body().length);

        SockoptResponse bad = client.get(NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_BASIC, new byte[0]);
        assertEquals(Edpvs.INVAL, bad.errcode());
        assertEquals("want the lcore id, 1 byte", bad.errstr());
        bad = client.get(NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_STATS, new byte[] {9});
        assertEquals(Edpvs.INVAL, bad.errcode());
        assertEquals("no lcore 9", bad.errstr());
        assertEquals(2, core.refused.get());
        try
        {
            core.counters(9);
            fail("counters of a missing lcore");
        }
        catch (final IllegalArgumentException expected)
        {
            assertEquals("no lcore 9", expected.getMessage());
        }
    }

    /** A data-path job counts bursts on lcore 1, in DPVS's buckets; GET 59 serves them with the loop count. */
    @Test
    public void shouldServeTheCountersADataPathJobKeepsOnItsOwnLcore() throws Exception
    {
        final AtomicBoolean done = new AtomicBoolean();
        final JobHandle rx = lcores.register(JobSpec.loop("fake_rx", LcoreRole.FWD_WORKER, lcoreId ->
        {
            if (1 != lcoreId || done.get())
            {
                return 0;
            }
            final LcoreCounters c = core.counters(lcoreId);
            c.rxBurst(0, 32, 0);
            for (int i = 0; i < 2; i++)
            {
                c.rxBurst(32, 32, 3200); // full
            }
            for (int i = 0; i < 3; i++)
            {
                c.rxBurst(16, 32, 1600); // up to half
            }
            for (int i = 0; i < 4; i++)
            {
                c.rxBurst(20, 32, 2000); // over half
            }
            c.tx(5, 500);
            c.drop(7);
            done.set(true);
            return 1;
        }));
        try
        {
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (!done.get())
            {
                assertTrue("the job ran", System.nanoTime() < deadline);
                Thread.sleep(1);
            }
        }
        finally
        {
            rx.close();
        }
        final ByteBuffer s1 = stats(1);
        assertEquals(NetifLcoreConf.STATS_SIZE, s1.capacity());
        assertEquals(1, s1.get(NetifLcoreConf.STATS_LCORE_OFFSET));
        assertEquals(10, s1.getLong(NetifLcoreConf.STATS_PKTBURST_OFFSET));
        assertEquals(1, s1.getLong(NetifLcoreConf.STATS_ZPKTBURST_OFFSET));
        assertEquals(2, s1.getLong(NetifLcoreConf.STATS_FPKTBURST_OFFSET));
        assertEquals(1 + 3, s1.getLong(NetifLcoreConf.STATS_Z2HPKTBURST_OFFSET));
        assertEquals(2 + 4, s1.getLong(NetifLcoreConf.STATS_H2FPKTBURST_OFFSET));
        assertEquals(2 * 32 + 3 * 16 + 4 * 20, s1.getLong(NetifLcoreConf.STATS_IPACKETS_OFFSET));
        assertEquals(2 * 3200 + 3 * 1600 + 4 * 2000, s1.getLong(NetifLcoreConf.STATS_IBYTES_OFFSET));
        assertEquals(5, s1.getLong(NetifLcoreConf.STATS_OPACKETS_OFFSET));
        assertEquals(500, s1.getLong(NetifLcoreConf.STATS_OBYTES_OFFSET));
        assertEquals(7, s1.getLong(NetifLcoreConf.STATS_DROPPED_OFFSET));
        // lcore 2 ran the same job without counting
        final ByteBuffer s2 = stats(2);
        for (int at = NetifLcoreConf.STATS_PKTBURST_OFFSET; at < NetifLcoreConf.STATS_SIZE; at += 8)
        {
            assertEquals(0, s2.getLong(at));
        }
        // the loop count is the scheduler's, and it moves
        final long loops = stats(1).getLong(NetifLcoreConf.STATS_LCORE_LOOP_OFFSET);
        assertTrue(loops > 0);
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (stats(1).getLong(NetifLcoreConf.STATS_LCORE_LOOP_OFFSET) <= loops)
        {
            assertTrue("the loop count does not move", System.nanoTime() < deadline);
            Thread.sleep(1);
        }
        assertTrue(core.table(), core.table().matches("(?s).*\\n1\\s+FWD_WORKER\\s+0\\s+\\d+\\s+10\\s+192\\s+19200"
            + "\\s+5\\s+500\\s+7\\n.*"));
    }

    private ByteBuffer stats(final int lcore) throws IOException
    {
        final SockoptResponse r = client.get(NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_STATS, new byte[] {(byte)lcore});
        assertEquals(r.errstr(), Edpvs.OK, r.errcode());
        return ByteBuffer.wrap(r.body()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** dpip's output for {@code link show cpu -s}, from dplanectl over the same sockopts. */
    @Test
    public void dplanectlShouldPrintTheLcoresAsDpipDoes() throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        final PrintStream e = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(0, DplaneCtl.run(new String[] {"-s", socket.toString(), "link", "show", "cpu"}, o, e));
        assertEquals(String.join("\n", "<< Controll Plane >>", "1: cpu0: socket 0", "    queues none",
            "5: cpu4: socket 0", "    queues none", "<< Data Plane >>", "2: cpu1: socket 0", "    queues none",
            "3: cpu2: socket 0", "    queues none", "<< Isolate RX Lcores >>", "4: cpu3: socket 0",
            "    queues none", ""), out.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));

        out.reset();
        assertEquals(0, DplaneCtl.run(new String[] {"-s", socket.toString(), "link", "show", "cpu2", "--stats"}, o, e));
        final String text = out.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
        final String f = "%-20s";
        final String expected = "3: cpu2: socket 0\n    queues none\n"
            + "    " + String.format(f + f + f + f, "lcore_loop", "pktburst", "zpktburst", "fpktburst") + "\n"
            + "    \\d+ +" + String.format(f + f + f, "0", "0", "0") + "\n"
            + "    " + String.format(f + f + f, "z2hpktburst", "h2fpktburst", "dropped") + "\n"
            + "    " + String.format(f + f + f, "0", "0", "0") + "\n"
            + "    " + String.format(f + f + f + f, "ipackets", "ibytes", "opackets", "obytes") + "\n"
            + "    " + String.format(f + f + f + f, "0", "0", "0", "0") + "\n";
        assertTrue(text, text.matches(expected));

        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, DplaneCtl.run(new String[] {"-s", socket.toString(), "link", "show", "cpu9"}, o,
            new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).contains(
            "Fail to get information for cpu9: no lcore 9 (-1)"));
        assertEquals(2, DplaneCtl.run(new String[] {"-s", socket.toString(), "link", "show"}, o, e));
    }

    @Test
    public void shouldLeaveNothingRegisteredAtStop() throws Exception
    {
        core.stop();
        assertEquals(Edpvs.NOTSUPP, client.get(NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_MASK, null).errcode());
        core = new StatsCore(lcores);
        core.start(sockopt.registry());
        assertEquals(Edpvs.OK, client.get(NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_MASK, null).errcode());
    }
}
