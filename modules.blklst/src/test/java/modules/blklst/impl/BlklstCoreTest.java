package modules.blklst.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.blklst.api.BlklstConf;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.lcore.api.Edpvs;
import platform.msgmgr.impl.TestMsgManagers;
import platform.sockopt.cli.DplaneCtl;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;
import platform.sockopt.impl.TestSockoptServers;

/**
 * The blacklist on real lcores (master 0, workers 1 and 2), a real message manager and a real control socket:
 * ipvsadm's bytes in, DPVS's bytes out, and each worker's own table checked by a LOOP job on that worker, as the
 * data path would look it up.
 */
public class BlklstCoreTest
{
    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private TestSockoptServers.Running sockopt;
    private BlklstCore core;
    private SockoptClient client;
    private Path socket;
    private JobHandle probe;
    /** Per lcore: 1 when its last lookup of 10.0.0.1:80/tcp 1.2.3.4 hit, 0 when it missed, -1 before any. */
    private final AtomicIntegerArray seen = new AtomicIntegerArray(64);

    @Before
    public void setUp() throws IOException
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        socket = Files.createTempDirectory("blklst").resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        client = SockoptClient.of(socket, Duration.ofSeconds(5));
        start(65_536, 200_000);
        for (int i = 0; i < 64; i++)
        {
            seen.set(i, -1);
        }
        probe = lcores.register(JobSpec.loop("probe", LcoreRole.FWD_WORKER, lcoreId ->
        {
            seen.set(lcoreId, core.containsV4(6, 0x0a000001, 80, 0x01020304) ? 1 : 0);
            return 0;
        }));
    }

    private void start(final int maxEntries, final long timeoutUs)
    {
        core = new BlklstCore(lcores, msg.manager(), maxEntries, timeoutUs, "test");
        core.start(sockopt.registry());
    }

    @After
    public void tearDown()
    {
        if (null != probe)
        {
            probe.close();
        }
        if (null != core)
        {
            core.stop();
        }
        sockopt.close();
        msg.close();
        TestLcores.stop(lcores);
    }

    static byte[] conf(final String vaddr, final int vport, final int proto, final int af,
        final String subject)
    {
        final ByteBuffer b = ByteBuffer.allocate(BlklstConf.SIZE);
        b.put(HexFormat.of().parseHex(vaddr)).position(BlklstConf.VPORT_OFFSET);
        b.putShort((short)vport).put((byte)proto).put((byte)af).put(HexFormat.of().parseHex(subject));
        return b.array();
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

    private void awaitWorkersSee(final int hit) throws InterruptedException
    {
        await("workers 1 and 2 see " + hit, () -> seen.get(1) == hit && seen.get(2) == hit);
    }

    /**
     * Static entries from the configuration and a file, each source all or nothing, in every lcore's table from the
     * start (the workers build their tables from the master's list), listed by GET 76; a bad line refuses its file.
     */
    @Test
    public void shouldStartWithTheStaticEntriesOfTheConfigurationAndAFile() throws Exception
    {
        core.stop();
        final Path file = Files.createTempFile("blklst", ".conf");
        Files.writeString(file, "# clients kept out\ntcp 10.0.0.1:80 1.2.3.4\nudp [2001:db8::1]:53 2001:db8::66\n");
        core = new BlklstCore(lcores, msg.manager(), 65_536, 200_000, "test");
        core.start(sockopt.registry(), "tcp 10.0.0.2:443 5.6.7.8", file);
        awaitWorkersSee(1);
        assertTrue(core.lcoreCounts(), core.lcoreCounts().matches("(?s)master lcore 0: 3 entries\\s+lcore [12]: 3 "
            + "entries\\s+lcore [12]: 3 entries\\s+"));
        assertEquals(4 + 3 * 68, client.get(BlklstConf.SOCKOPT_GET_BLKLST_GETALL, new byte[0]).body().length);
        core.stop();

        // a bad third line: none of the file, the inline list still applied
        Files.writeString(file, "tcp 10.0.0.1:80 1.2.3.4\ntcp 10.0.0.1:81 1.2.3.4\ntcp 10.0.0.1:80 2001:db8::66\n");
        core = new BlklstCore(lcores, msg.manager(), 65_536, 200_000, "test");
        core.start(sockopt.registry(), "tcp 10.0.0.2:443 5.6.7.8", file);
        awaitWorkersSee(0);
        assertTrue(core.lcoreCounts(), core.lcoreCounts().matches("(?s)master lcore 0: 1 entries\\s+lcore [12]: 1 "
            + "entries\\s+lcore [12]: 1 entries\\s+"));
        core.stop();
        // a duplicate within a source, and a malformed entry: refused with the reason
        core = new BlklstCore(lcores, msg.manager(), 65_536, 200_000, "test");
        core.start(sockopt.registry(), "tcp 10.0.0.1:80 1.2.3.4, tcp 10.0.0.1:80 1.2.3.4", null);
        assertTrue(core.lcoreCounts(), core.lcoreCounts().startsWith("master lcore 0: 0 entries"));
    }

    @Test
    public void shouldApplyIpvsadmsAddOnEveryWorkerAndListItAsDpvsDoes() throws Exception
    {
        awaitWorkersSee(0);
        final SockoptResponse add = client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD,
            HexFormat.of().parseHex(BlklstEntryTest.IPVSADM_ADD));
        assertEquals(add.errstr(), Edpvs.OK, add.errcode());
        // OK means every worker applied it: their data-path lookups now hit
        awaitWorkersSee(1);
        final String counts = core.lcoreCounts();
        assertTrue(counts, counts.matches("(?s)master lcore 0: 1 entries\\s+lcore [12]: 1 entries\\s+"
            + "lcore [12]: 1 entries\\s+"));

        final SockoptResponse all = client.get(BlklstConf.SOCKOPT_GET_BLKLST_GETALL, new byte[0]);
        assertEquals(Edpvs.OK, all.errcode());
        assertEquals(4 + 68, all.body().length);
        assertEquals("01000000" + "0a000001" + "00".repeat(12) + "0050" + "06" + "02" + "01020304" + "00".repeat(12)
            + "00".repeat(32), HexFormat.of().formatHex(all.body()));

        final SockoptResponse again = client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD,
            conf("0a000001", 80, 6, 2, "01020304"));
        assertEquals(Edpvs.EXIST, again.errcode());
        assertEquals("already blacklisted: TCP 10.0.0.1:80 1.2.3.4", again.errstr());

        assertEquals(Edpvs.OK, client.set(BlklstConf.SOCKOPT_SET_BLKLST_DEL, conf("0a000001", 80, 6, 2, "01020304"))
            .errcode());
        awaitWorkersSee(0);
        final SockoptResponse gone = client.set(BlklstConf.SOCKOPT_SET_BLKLST_DEL,
            conf("0a000001", 80, 6, 2, "01020304"));
        assertEquals(Edpvs.NOTEXIST, gone.errcode());
        assertEquals("not blacklisted: TCP 10.0.0.1:80 1.2.3.4", gone.errstr());
        final SockoptResponse none = client.get(BlklstConf.SOCKOPT_GET_BLKLST_GETALL, new byte[0]);
        assertEquals("ipvsadm needs the 4-byte count even for none", "00000000",
            HexFormat.of().formatHex(none.body()));
    }

    @Test
    public void shouldRefuseBadRequestsWithClearErrorsAndKeepServing() throws Exception
    {
        SockoptResponse r = client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD, new byte[67]);
        assertEquals(Edpvs.INVAL, r.errcode());
        assertEquals("dp_vs_blklst_conf is 68 bytes, got 67", r.errstr());
        r = client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD, conf("0a000001", 80, 6, 3, "01020304"));
        assertEquals(Edpvs.INVAL, r.errcode());
        assertEquals("af 3: want 2 (inet) or 10 (inet6)", r.errstr());
        r = client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD, conf("0a000001", 80, 99, 2, "01020304"));
        assertEquals(Edpvs.INVAL, r.errcode());
        final byte[] ipset = conf("0a000001", 80, 6, 2, "00000000");
        ipset[BlklstConf.IPSET_OFFSET] = 'x';
        r = client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD, ipset);
        assertEquals(Edpvs.NOTSUPP, r.errcode());
        assertEquals("ipset subjects need an ipset module", r.errstr());
        assertEquals(4, core.refused.get());
        assertEquals(0, core.size());
        assertEquals(Edpvs.OK, client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD, conf("0a000001", 80, 6, 2, "01020304"))
            .errcode());
        awaitWorkersSee(1);
    }

    @Test
    public void shouldFlushEveryTableAndRefuseAddsBeyondTheMaximum() throws Exception
    {
        core.stop();
        start(3, 200_000);
        for (int i = 1; i <= 3; i++)
        {
            assertEquals(Edpvs.OK, client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD,
                conf("0a000001", 80, 6, 2, String.format("0102030%d", i + 3))).errcode());
        }
        awaitWorkersSee(1);
        final SockoptResponse full = client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD,
            conf("0a000001", 80, 6, 2, "01020308"));
        assertEquals(Edpvs.NOMEM, full.errcode());
        assertEquals("blacklist full: 3 entries", full.errstr());
        final ByteBuffer all = ByteBuffer.wrap(client.get(BlklstConf.SOCKOPT_GET_BLKLST_GETALL, null).body())
            .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3, all.getInt(0));
        assertEquals(4 + 3 * 68, all.capacity());
        // insertion order
        assertEquals(0x04, all.get(4 + 20 + 3));
        assertEquals(0x06, all.get(4 + 2 * 68 + 20 + 3));

        assertEquals(Edpvs.OK, client.set(BlklstConf.SOCKOPT_SET_BLKLST_FLUSH, new byte[0]).errcode());
        awaitWorkersSee(0);
        assertEquals(0, core.size());
        assertTrue(core.lcoreCounts(), core.lcoreCounts().matches("(?s)master lcore 0: 0 entries\\s+lcore \\d: 0 "
            + "entries\\s+lcore \\d: 0 entries\\s+"));
    }

    /**
     * A worker that does not answer in time (its loop is held up): the client gets the failure, the master keeps
     * nothing, and the worker that did apply the add has it undone, so no lcore keeps an entry nobody acknowledged.
     */
    @Test
    public void shouldFailAndUndoAChangeAWorkerDidNotAcknowledgeInTime() throws Exception
    {
        core.stop();
        start(100, 20_000);
        awaitWorkersSee(0);
        final java.util.concurrent.atomic.AtomicInteger stalls = new java.util.concurrent.atomic.AtomicInteger();
        final JobHandle stall = lcores.register(JobSpec.loop("stall", LcoreRole.FWD_WORKER, lcoreId ->
        {
            if (2 == lcoreId)
            {
                stalls.incrementAndGet();
                try
                {
                    Thread.sleep(300);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            return 0;
        }));
        try
        {
            // lcore 2 is inside its first 300 ms stall: nothing on it runs before the 20 ms timeout
            await("lcore 2 stalling", () -> stalls.get() > 0);
            final SockoptResponse r = client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD,
                conf("0a000001", 80, 6, 2, "01020304"));
            assertEquals(Edpvs.MSG_DROP, r.errcode());
            assertTrue(r.errstr(), r.errstr().startsWith("add not applied: "));
            assertEquals(1, core.multicastFailures.get());
        }
        finally
        {
            stall.close();
        }
        assertEquals(0, core.size());
        // lcore 1 applied it in time, then the undo took it away; lcore 2 applied it late, and the undo after
        await("both workers without the entry", () -> seen.get(1) == 0 && seen.get(2) == 0
            && core.lcoreCounts().matches("(?s).*lcore 1: 0 entries.*lcore 2: 0 entries.*|(?s).*lcore 2: 0 entries.*"
                + "lcore 1: 0 entries.*"));
        // nothing comes back: every worker runs a few more iterations, and still has no entry
        final long[] at = {lcores.lcores().get(1).loops(), lcores.lcores().get(2).loops()};
        await("two more iterations of both workers", () -> lcores.lcores().get(1).loops() >= at[0] + 2
            && lcores.lcores().get(2).loops() >= at[1] + 2);
        assertEquals(0, seen.get(1));
        assertEquals(0, seen.get(2));
        final SockoptResponse all = client.get(BlklstConf.SOCKOPT_GET_BLKLST_GETALL, null);
        assertEquals("00000000", HexFormat.of().formatHex(all.body()));
    }

    @Test
    public void shouldRemoveEverythingItRegisteredAtStop() throws Exception
    {
        assertEquals(Edpvs.OK, client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD, conf("0a000001", 80, 6, 2, "01020304"))
            .errcode());
        core.stop();
        final SockoptResponse r = client.get(BlklstConf.SOCKOPT_GET_BLKLST_GETALL, null);
        assertEquals(Edpvs.NOTSUPP, r.errcode());
        assertEquals(Edpvs.NOTSUPP, client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD,
            conf("0a000001", 80, 6, 2, "01020304")).errcode());
        assertFalse(lcores.jobs(1).stream().anyMatch(j -> BlklstCore.JOB_NAME.equals(j.name())));
        // the message types and the sockopt ranges are free again: a new instance registers the same ones
        start(65_536, 200_000);
        assertEquals(Edpvs.OK, client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD, conf("0a000001", 80, 6, 2, "01020304"))
            .errcode());
    }

    /** A layout with no forwarding lcore: a change has no worker to wait for and applies on the master. */
    @Test
    public void shouldWorkWithoutAnyForwardingLcore() throws Exception
    {
        tearDown();
        probe = null;
        lcores = TestLcores.start("lcore 0 role MASTER cpu none\n");
        msg = TestMsgManagers.start(lcores, "test");
        socket = Files.createTempDirectory("blklst").resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        client = SockoptClient.of(socket, Duration.ofSeconds(5));
        start(65_536, 200_000);
        final SockoptResponse r = client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD, conf("0a000001", 80, 6, 2, "01020304"));
        assertEquals(r.errstr(), Edpvs.OK, r.errcode());
        assertEquals(1, core.size());
        assertEquals(Edpvs.OK, client.set(BlklstConf.SOCKOPT_SET_BLKLST_FLUSH, null).errcode());
        assertEquals(0, core.size());
    }

    private String[] ctl(final String... args)
    {
        final String[] all = new String[args.length + 2];
        all[0] = "-s";
        all[1] = socket.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    /** dplanectl finds the blklst subcommand on its class path and sends what ipvsadm would. */
    @Test
    public void dplanectlShouldDriveTheBlacklistWithIpvsadmsBytes() throws Exception
    {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        final java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        final java.io.PrintStream o = new java.io.PrintStream(out, true, "UTF-8");
        final java.io.PrintStream e = new java.io.PrintStream(err, true, "UTF-8");
        assertEquals(0, DplaneCtl.run(ctl("blklst", "add", "tcp", "10.0.0.1:80", "1.2.3.4"), o, e));
        assertEquals(0, DplaneCtl.run(ctl("blklst", "add", "udp", "[2001:db8::1]:53", "2001:db8::7"), o, e));
        awaitWorkersSee(1);
        // the first record is byte for byte the one ipvsadm sends for the same entry, minus its garbage
        final byte[] all = client.get(BlklstConf.SOCKOPT_GET_BLKLST_GETALL, null).body();
        assertEquals("02000000" + "0a000001" + "00".repeat(12) + "0050" + "06" + "02" + "01020304" + "00".repeat(12)
            + "00".repeat(32), HexFormat.of().formatHex(all, 0, 4 + 68));
        assertEquals(0, DplaneCtl.run(ctl("blklst", "show"), o, e));
        assertEquals("PROTO    VIP:VPORT                      BLACKLIST\n"
            + "TCP      10.0.0.1:80                    1.2.3.4\n"
            + "UDP      [2001:db8:0:0:0:0:0:1]:53      2001:db8:0:0:0:0:0:7\n",
            out.toString("UTF-8").replace(System.lineSeparator(), "\n"));

        // the platform's refusal: exit 1 and its text
        assertEquals(1, DplaneCtl.run(ctl("blklst", "add", "tcp", "10.0.0.1:80", "1.2.3.4"), o, e));
        assertTrue(err.toString("UTF-8"), err.toString("UTF-8").contains(
            "dplanectl: blklst: already blacklisted: TCP 10.0.0.1:80 1.2.3.4 (-3)"));
        // bad arguments: exit 2, nothing sent
        final long refusedBefore = core.refused.get();
        assertEquals(2, DplaneCtl.run(ctl("blklst", "add", "icmp", "10.0.0.1:80", "1.2.3.4"), o, e));
        assertEquals(2, DplaneCtl.run(ctl("blklst", "add", "tcp", "10.0.0.1:80", "2001:db8::7"), o, e));
        assertEquals(2, DplaneCtl.run(ctl("blklst", "add", "tcp", "example.com:80", "1.2.3.4"), o, e));
        assertEquals(2, DplaneCtl.run(ctl("blklst", "add", "tcp", "10.0.0.1:99999", "1.2.3.4"), o, e));
        assertEquals(2, DplaneCtl.run(ctl("blklst"), o, e));
        assertEquals(refusedBefore, core.refused.get());

        assertEquals(0, DplaneCtl.run(ctl("blklst", "del", "tcp", "10.0.0.1:80", "1.2.3.4"), o, e));
        awaitWorkersSee(0);
        assertEquals(0, DplaneCtl.run(ctl("blklst", "flush"), o, e));
        assertEquals(0, core.size());
        final java.io.ByteArrayOutputStream help = new java.io.ByteArrayOutputStream();
        assertEquals(0, DplaneCtl.run(new String[] {"--help"}, new java.io.PrintStream(help, true, "UTF-8"), e));
        assertTrue(help.toString("UTF-8"), help.toString("UTF-8").contains("blklst add tcp|udp|sctp VIP:PORT IP"));
    }
}
