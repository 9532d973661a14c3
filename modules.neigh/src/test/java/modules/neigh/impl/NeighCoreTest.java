package modules.neigh.impl;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.Test;

import modules.neigh.api.NeighConf;
import modules.neigh.cli.NeighCtl;
import modules.netif.impl.TestNetif;
import platform.lcore.api.Edpvs;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.sockopt.client.CtlCommand;
import platform.sockopt.client.SockoptResponse;

/**
 * The neighbour table's control side on real lcores, message manager, control socket and netif: dpip's bytes in,
 * DPVS's bytes out, every error code, static entries on every worker's data path, the configuration's entries,
 * dplanectl and Gogo.
 */
public class NeighCoreTest extends NeighFixture
{
    /** What dpip sends for {@code neigh add 10.0.0.9 lladdr 00:11:22:33:44:55 dev dpdk0} (the reference's bytes). */
    static final String DPIP_ADD = "02000000" + "00000000" + "0a000009" + "000000000000000000000000"
        + "001122334455" + "00000000" + "6470646b3000000000000000" + "00000000" + "00" + "00";

    private static final String LINE_9 = String.format("ip: %-48s mac: 00:11:22:33:44:55   state: %-12s  dev: dpdk0  "
        + "core: %%d  static", "10.0.0.9", "REACHABLE");

    @Test(timeout = 60_000)
    public void shouldAddAsDpipSendsItOnEveryWorkerAndShowEveryRowByteForByte() throws Exception
    {
        start(NeighSettings.defaults(), "");
        assertEquals("the reference's body is 52 bytes", NeighConf.SIZE, HexFormat.of().parseHex(DPIP_ADD).length);
        assertArrayEquals("dplanectl sends dpip's bytes", HexFormat.of().parseHex(DPIP_ADD),
            NeighCtl.conf("add", List.of("10.0.0.9", "lladdr", "00:11:22:33:44:55", "dev", "dpdk0")));
        final SockoptResponse r = client.set(NeighConf.SOCKOPT_SET_NEIGH_ADD, HexFormat.of().parseHex(DPIP_ADD));
        assertEquals(r.errstr(), 0, r.errcode());
        assertEquals(0, r.body().length);

        final ByteBuffer b = show();
        assertEquals("one row per worker", 2, b.getInt(0));
        final byte[] body = b.array();
        assertEquals("lcore 1's row: REACHABLE, HASHED|STATIC, cid 1",
            HexFormat.of().formatHex(row("10.0.0.9", "00:11:22:33:44:55", 2, 0, 3, 1)),
            HexFormat.of().formatHex(Arrays.copyOfRange(body, 4, 56)));
        assertEquals("lcore 2's row", HexFormat.of().formatHex(row("10.0.0.9", "00:11:22:33:44:55", 2, 0, 3, 2)),
            HexFormat.of().formatHex(Arrays.copyOfRange(body, 56, 108)));
        assertEquals(List.of(String.format(LINE_9, 1), String.format(LINE_9, 2)), showLines());

        // every worker's data path sends to the static MAC (the feed port's two rx queues: both workers)
        for (int i = 0; i < 40; i++)
        {
            net.feed(TestNetif.udp(portMac, ip("192.0.2.1") + i, ip("10.0.0.9"), 64, 60));
        }
        final List<byte[]> out = awaitSent(0x0800, 40, null);
        for (final byte[] f : out)
        {
            assertArrayEquals(mac("00:11:22:33:44:55"), Arrays.copyOfRange(f, 0, 6));
            assertArrayEquals(portMac, Arrays.copyOfRange(f, 6, 12));
            assertEquals(63, f[14 + 8] & 0xff);
        }
        assertEquals("no ARP for a static neighbour", 0, core.master.arpSent.get());
        assertTrue("both workers forwarded", core.total(NeighTable.OUTPUT) == 40);
        awaitPoolFull();
    }

    @Test(timeout = 60_000)
    public void shouldRefuseAsDpvsDoes() throws Exception
    {
        start(NeighSettings.defaults(), "");
        expect(Edpvs.INVAL, NeighConf.SOCKOPT_SET_NEIGH_ADD, new byte[51], "dp_vs_neigh_conf is 52 bytes, got 51");
        expect(Edpvs.INVAL, NeighConf.SOCKOPT_SET_NEIGH_ADD, new byte[53], "dp_vs_neigh_conf is 52 bytes, got 53");
        expect(Edpvs.INVAL, NeighConf.SOCKOPT_SET_NEIGH_ADD, conf(2, "10.0.0.9", "00:11:22:33:44:55", "dpdk9"),
            "no such device: \"dpdk9\"");
        expect(Edpvs.INVAL, NeighConf.SOCKOPT_SET_NEIGH_ADD, conf(2, "10.0.0.9", "00:00:00:00:00:00", "dpdk0"),
            "MAC 00:00:00:00:00:00");
        expect(Edpvs.INVAL, NeighConf.SOCKOPT_SET_NEIGH_ADD, conf(2, "0.0.0.0", "00:11:22:33:44:55", "dpdk0"),
            "address 0.0.0.0");
        expect(Edpvs.NOTSUPP, NeighConf.SOCKOPT_SET_NEIGH_ADD, conf(10, "10.0.0.9", "00:11:22:33:44:55", "dpdk0"),
            "af 10: only inet (2) neighbours here");
        expect(Edpvs.NOTEXIST, NeighConf.SOCKOPT_SET_NEIGH_DEL, conf(2, "10.0.0.9", null, "dpdk0"),
            "no neighbour 10.0.0.9 dev dpdk0");
        expect(Edpvs.OK, NeighConf.SOCKOPT_SET_NEIGH_ADD, conf(2, "10.0.0.9", "00:11:22:33:44:55", "dpdk0"), "OK");
        expect(Edpvs.EXIST, NeighConf.SOCKOPT_SET_NEIGH_ADD, conf(2, "10.0.0.9", "00:11:22:33:44:66", "dpdk0"),
            "neighbour exists: 10.0.0.9 lladdr 00:11:22:33:44:55 dev dpdk0");
        final SockoptResponse unknown = client.get(NeighConf.SOCKOPT_GET_NEIGH_SHOW, conf(0, null, null, "dpdk9"));
        assertEquals(Edpvs.NOTEXIST, unknown.errcode());
        assertEquals("no such device: \"dpdk9\"", unknown.errstr());
        assertEquals("-6 (IPv6) has no rows", "00000000", HexFormat.of().formatHex(
            client.get(NeighConf.SOCKOPT_GET_NEIGH_SHOW, conf(10, null, null, "")).body()));
        assertEquals("-4 and dev dpdk0 have it", 2, ByteBuffer.wrap(client.get(NeighConf.SOCKOPT_GET_NEIGH_SHOW,
            conf(2, null, null, "dpdk0")).body()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0));
        assertEquals("5 INVAL, NOTSUPP, NOTEXIST, EXIST", 8, core.master.refused.get());
        // the refused ones reached no worker: only 10.0.0.9, with its first MAC
        assertEquals(List.of(String.format(LINE_9, 1), String.format(LINE_9, 2)), showLines());
    }

    private void expect(final int code, final int id, final byte[] body, final String text) throws Exception
    {
        final SockoptResponse r = client.set(id, body);
        assertEquals(text, code, r.errcode());
        if (Edpvs.OK != code)
        {
            assertEquals(text, r.errstr());
        }
    }

    @Test(timeout = 60_000)
    public void shouldDeleteFromEveryWorkerAndAnswerTheCountEvenForNone() throws Exception
    {
        start(NeighSettings.defaults(), "");
        assertEquals("dpip needs the 4-byte count even for none", "00000000",
            HexFormat.of().formatHex(client.get(NeighConf.SOCKOPT_GET_NEIGH_SHOW, new byte[NeighConf.SIZE]).body()));
        assertEquals("an empty request too", "00000000",
            HexFormat.of().formatHex(client.get(NeighConf.SOCKOPT_GET_NEIGH_SHOW, null).body()));
        assertTrue(client.set(NeighConf.SOCKOPT_SET_NEIGH_ADD, HexFormat.of().parseHex(DPIP_ADD)).ok());
        assertTrue(client.set(NeighConf.SOCKOPT_SET_NEIGH_DEL, conf(2, "10.0.0.9", null, "dpdk0")).ok());
        assertEquals(0, show().getInt(0));
        assertEquals(Edpvs.NOTEXIST, client.set(NeighConf.SOCKOPT_SET_NEIGH_DEL, conf(2, "10.0.0.9", null, "dpdk0"))
            .errcode());
        assertEquals(0, core.master.staticCount());
        // a learned entry is deleted too (dpip neigh del works on any entry, as in DPVS)
        net.feed(arp(2, portMac, mac("02:00:00:00:00:07"), ip("10.0.0.7"), portMac, LOCAL));
        await("10.0.0.7 learned on both workers", () -> rows() == 2);
        assertTrue(client.set(NeighConf.SOCKOPT_SET_NEIGH_DEL, conf(2, "10.0.0.7", null, "dpdk0")).ok());
        assertEquals(0, show().getInt(0));
    }

    private int rows()
    {
        try
        {
            return show().getInt(0);
        }
        catch (final java.io.IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    @Test(timeout = 60_000)
    public void shouldStartWithTheConfiguredStaticEntriesAllOrNothing() throws Exception
    {
        // a bad entry: the whole list refused, the neighbour runs without it
        start(NeighSettings.defaults(), "10.0.0.9 00:11:22:33:44:55 dpdk0, 10.0.0.10 00:00:00:00:00:01 nodev");
        assertEquals(0, core.master.staticCount());
        stopNeigh();
        start(NeighSettings.defaults(), "10.0.0.9 00:11:22:33:44:55 dpdk0");
        assertEquals(1, core.master.staticCount());
        assertEquals(List.of(String.format(LINE_9, 1), String.format(LINE_9, 2)), showLines());
        // each reason, named with its source and position; the file's good lines taken back
        final java.nio.file.Path file = java.nio.file.Files.createTempFile("neigh", ".conf");
        for (final String[] bad : new String[][] {{"10.0.0.10 00:00:00:00:00:01 nodev", "no such device nodev"},
            {"1.2.3 00:11:22:33:44:55 dpdk0", "bad address 1.2.3"}, {"x y", "want IP MAC DEV"},
            {"10.0.0.11 zz:11:22:33:44:55 dpdk0", "bad MAC zz:11:22:33:44:55"},
            {"10.0.0.12 00:11:22:33:44:55 dpdk0", "duplicate entry"}})
        {
            java.nio.file.Files.writeString(file, "# statics\n10.0.0.12 00:11:22:33:44:55 dpdk0\n" + bad[0] + "\n");
            final NeighCore other = new NeighCore(lcores, msg.manager(), net.netif(), timers,
                NeighSettings.defaults(), "", file, "x");
            final List<platform.common.StaticConfig.Result> r = other.master.loadStatics("", file);
            assertEquals(bad[0], file + ":3", r.get(0).bad().where());
            assertEquals(bad[0], bad[1], r.get(0).why());
            assertEquals(bad[0], 0, other.master.staticCount());
        }
    }

    @Test(timeout = 60_000)
    public void shouldDriveTheTableFromDplanectlAndGogo() throws Exception
    {
        start(NeighSettings.defaults(), "");
        final CtlCommand ctl = java.util.ServiceLoader.load(CtlCommand.class).stream().map(p -> p.get())
            .filter(c -> "neigh".equals(c.name())).findFirst().orElseThrow();
        assertEquals(CtlCommand.EXIT_OK, run(ctl, "add", "10.0.0.9", "lladdr", "00:11:22:33:44:55", "dev", "dpdk0")
            [0].length());
        final String[] shown = run(ctl, "show");
        assertEquals(String.format(LINE_9, 1) + "\n" + String.format(LINE_9, 2) + "\n", shown[0]);
        assertEquals("dplanectl: neigh: neighbour exists: 10.0.0.9 lladdr 00:11:22:33:44:55 dev dpdk0 (-3)\n",
            run(ctl, "add", "10.0.0.9", "lladdr", "00:11:22:33:44:55", "dev", "dpdk0")[1]);
        assertEquals("invalid MAC address\n", run(ctl, "add", "10.0.0.8", "dev", "dpdk0")[1]);
        assertEquals("missing ip address\n", run(ctl, "del", "dev", "dpdk0")[1]);
        assertEquals("", run(ctl, "show", "dev", "dpdk0", "-4")[1]);

        final NeighCommands gogo = new NeighCommands(core);
        assertEquals("OK", gogo.add("10.0.0.8", "lladdr", "02:00:00:00:00:08", "dev", "dpdk0"));
        assertEquals("EXIST (-3): neighbour exists: 10.0.0.8 lladdr 02:00:00:00:00:08 dev dpdk0",
            gogo.add("10.0.0.8", "lladdr", "02:00:00:00:00:08", "dev", "dpdk0"));
        assertEquals(4, gogo.show().split("\n").length);
        assertTrue(gogo.show("dev", "dpdk0").contains("ip: 10.0.0.8 "));
        assertEquals("OK", gogo.del("10.0.0.8", "dev", "dpdk0"));
        assertEquals("OK", gogo.del("10.0.0.9", "dev", "dpdk0"));
        assertEquals("", gogo.show());
        assertTrue(gogo.stats(), gogo.stats().contains("added 2, deleted 2, refused 2"));
        assertEquals("", run(ctl, "show")[0]);
    }

    /** @return {stdout, stderr}; stdout is "" and the exit code is checked by the caller through stderr. */
    private String[] run(final CtlCommand ctl, final String... args) throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int rc = ctl.run(List.of(args), client, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        final String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(e, e.isEmpty(), CtlCommand.EXIT_OK == rc);
        return new String[] {out.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"),
            e.replace(System.lineSeparator(), "\n")};
    }

    @Test(timeout = 60_000)
    public void shouldUndoAnAddAWorkerDidNotAnswerInTime() throws Exception
    {
        start(new NeighSettings(64, 4, 8, 60_000 * MS, 60_000 * MS, 60_000 * MS, 1_000 * MS, 3, 100_000), "");
        final AtomicInteger stalls = new AtomicInteger();
        final JobHandle stall = lcores.register(JobSpec.loop("stall", LcoreRole.FWD_WORKER, lcoreId ->
        {
            if (2 == lcoreId)
            {
                stalls.incrementAndGet();
                LockSupport.parkNanos(300 * MS);
            }
            return 0;
        }));
        try
        {
            await("lcore 2 stalling", () -> stalls.get() > 0);
            final SockoptResponse r = client.set(NeighConf.SOCKOPT_SET_NEIGH_ADD, HexFormat.of().parseHex(DPIP_ADD));
            assertEquals(Edpvs.MSG_DROP, r.errcode());
            assertEquals("neigh add not applied: msg dropped; no answer from lcores 2", r.errstr());
        }
        finally
        {
            stall.close();
        }
        assertEquals(0, core.master.staticCount());
        await("undone on every worker", () -> 0 == rows());
        Thread.sleep(200);
        assertEquals("and stays undone", 0, rows());
        assertTrue("an add now goes through", client.set(NeighConf.SOCKOPT_SET_NEIGH_ADD,
            HexFormat.of().parseHex(DPIP_ADD)).ok());
        assertEquals(2, rows());
    }

    @Test(timeout = 60_000)
    public void shouldRemoveEverythingItRegisteredAtStop() throws Exception
    {
        start(NeighSettings.defaults(), "10.0.0.9 00:11:22:33:44:55 dpdk0");
        assertTrue(lcores.jobs(1).stream().anyMatch(j -> NeighCore.JOB_SYNC.equals(j.name())));
        assertTrue(msg.manager().types().stream().anyMatch(t -> NeighCore.MSG_NEIGH_LEARN == t.id()));
        stopNeigh();
        core = null;
        assertEquals(Edpvs.NOTSUPP, client.get(NeighConf.SOCKOPT_GET_NEIGH_SHOW, null).errcode());
        assertEquals(Edpvs.NOTSUPP, client.set(NeighConf.SOCKOPT_SET_NEIGH_ADD, HexFormat.of().parseHex(DPIP_ADD))
            .errcode());
        assertFalse(lcores.jobs(-1).stream().anyMatch(j -> j.name().startsWith("neigh_")));
        assertFalse(msg.manager().types().stream().anyMatch(t -> t.name().startsWith("neigh_")));
        await("no timer of the bundle left", () -> timers.timerStats().stream().allMatch(t -> 0 == t.pending()));
        // the ARP receiver is gone: ARP goes to netif's not-handled count (no KNI here)
        final long before = net.total("not_handled");
        net.feed(arp(1, BROADCAST, mac("02:00:00:00:00:07"), ip("10.0.0.7"), ZERO_MAC, LOCAL));
        await("ARP not handled", () -> net.total("not_handled") == before + 1);
        // registrable again
        start(NeighSettings.defaults(), "");
        assertTrue(client.set(NeighConf.SOCKOPT_SET_NEIGH_ADD, HexFormat.of().parseHex(DPIP_ADD)).ok());
        assertEquals(2, show().getInt(0));
    }
}
