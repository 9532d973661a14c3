package modules.inetaddr.impl;

import static org.junit.Assert.assertArrayEquals;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import modules.inetaddr.api.InetAddrConf;
import modules.inetaddr.cli.AddrCtl;
import platform.lcore.api.Edpvs;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.impl.TestMsgManagers;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;
import platform.sockopt.impl.TestSockoptServers;

/**
 * The interface addresses on real lcores (master 0, workers 1 and 2), a real message manager and a real control
 * socket: dpip's bytes in, DPVS's bytes out, each worker's own table checked by a LOOP job on that worker, the
 * routes as the route bundle's service is asked for them.
 */
public class InetAddrCoreTest
{
    /** The bytes of {@code dpip addr add 10.0.1.1/24 dev dpdk0}, printed by a C program with DPVS's structs. */
    static final String DPIP_ADD = "02000000" + "00000000"
        + "02000000" + "00000000" + "00000000" + "00000000"
        + "6470646b30" + "00".repeat(11)
        + "00".repeat(16)
        + "0a000101" + "00".repeat(12)
        + "18" + "00" + "00" + "00";
    /** The bytes of {@code dpip addr show}. */
    static final String DPIP_SHOW = "01000000" + "00".repeat(72);

    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private TestSockoptServers.Running sockopt;
    private SockoptClient client;
    private Fakes.Ports ports;
    private Fakes.RecordingRoutes routes;
    private InetAddrCore core;
    private JobHandle probe;
    /** Per worker: whether its own table holds the probed address (1/0), -1 before a fresh look. */
    private final AtomicIntegerArray seen = new AtomicIntegerArray(64);
    private volatile int probeAddr = ip("10.0.1.1");
    /** Per worker: a task to run on it. */
    private final AtomicReferenceArray<CompletableFuture<Object>> tasks = new AtomicReferenceArray<>(64);
    private final AtomicReferenceArray<IntFunction<Object>> bodies = new AtomicReferenceArray<>(64);

    @Before
    public void setUp() throws IOException
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        final Path socket = Files.createTempDirectory("inetaddr").resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        client = SockoptClient.of(socket, Duration.ofSeconds(10));
        ports = new Fakes.Ports();
        routes = new Fakes.RecordingRoutes();
        start(200_000);
        core.routes.bind(routes);
        probe = lcores.register(JobSpec.loop("probe", LcoreRole.FWD_WORKER, lcoreId ->
        {
            seen.set(lcoreId, core.isLocal(lcoreId, probeAddr) ? 1 : 0);
            final CompletableFuture<Object> f = tasks.getAndSet(lcoreId, null);
            if (null != f)
            {
                try
                {
                    f.complete(bodies.get(lcoreId).apply(lcoreId));
                }
                catch (final RuntimeException ex)
                {
                    f.completeExceptionally(ex);
                }
            }
            return 0;
        }));
    }

    private void start(final long timeoutUs)
    {
        core = new InetAddrCore(lcores, msg.manager(), ports, timeoutUs, "test");
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

    static int ip(final String dotted)
    {
        int a = 0;
        for (final String b : dotted.split("\\."))
        {
            a = (a << 8) | Integer.parseInt(b);
        }
        return a;
    }

    static byte[] hex(final String h)
    {
        return HexFormat.of().parseHex(h);
    }

    /** Runs a function on a worker lcore (inside the probe job) and returns its result. */
    Object onLcore(final int lcoreId, final IntFunction<Object> body) throws Exception
    {
        final CompletableFuture<Object> f = new CompletableFuture<>();
        bodies.set(lcoreId, body);
        tasks.set(lcoreId, f);
        return f.get(20, TimeUnit.SECONDS);
    }

    static void await(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(1);
        }
    }

    /** Two fresh looks on each worker, so a value from before the change cannot pass. */
    private void awaitWorkersSee(final String addr, final boolean local) throws InterruptedException
    {
        probeAddr = ip(addr);
        seen.set(1, -1);
        seen.set(2, -1);
        final int want = local ? 1 : 0;
        await("workers 1 and 2 see " + addr + (local ? "" : " not") + " as local",
            () -> seen.get(1) == want && seen.get(2) == want);
    }

    private byte[] add(final String... words) throws IOException
    {
        return AddrCtl.parse(List.of(words)).param();
    }

    private int set(final int id, final byte[] body) throws IOException
    {
        return client.set(id, body).errcode();
    }

    private int dpip(final String... words) throws IOException
    {
        final AddrCtl.Request r = AddrCtl.parse(List.of(words));
        return client.set(r.sockopt(), r.param()).errcode();
    }

    private String show(final String... words) throws IOException
    {
        final SockoptResponse r = client.get(InetAddrConf.SOCKOPT_GET_IFADDR_SHOW,
            AddrCtl.parse(List.of(words)).param());
        assertEquals(r.errstr(), Edpvs.OK, r.errcode());
        return AddrCtl.show(r.body());
    }

    @Test
    public void shouldParseDpipsSyntaxIntoDpipsBytes()
    {
        assertEquals(DPIP_ADD, HexFormat.of().formatHex(AddrCtl.parse(List.of("add", "10.0.1.1/24", "dev",
            "dpdk0")).param()));
        assertEquals(DPIP_SHOW, HexFormat.of().formatHex(AddrCtl.parse(List.of("show")).param()));
        final AddrCtl.Request del = AddrCtl.parse(List.of("del", "10.0.1.1", "dev", "dpdk0"));
        assertEquals(InetAddrConf.SOCKOPT_SET_IFADDR_DEL, del.sockopt());
        final ByteBuffer b = ByteBuffer.wrap(del.param()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(InetAddrConf.INET_ADDR_DEL, b.getInt(0));
        assertEquals("no prefix length: dpip's /32", 32, b.get(8 + InetAddrConf.PLEN_OFFSET));
        final ByteBuffer s = ByteBuffer.wrap(AddrCtl.parse(List.of("set", "10.0.1.1/24", "dev", "dpdk0",
            "broadcast", "10.0.1.255", "scope", "link", "valid_lft", "forever", "prefered_lft", "forever")).param())
            .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(InetAddrConf.INET_ADDR_MOD, s.getInt(0));
        assertEquals(ip("10.0.1.255"), Integer.reverseBytes(s.getInt(8 + InetAddrConf.BCAST_OFFSET)));
        assertEquals(InetAddrConf.IFA_SCOPE_LINK, s.get(8 + InetAddrConf.SCOPE_OFFSET));
        final ByteBuffer f = ByteBuffer.wrap(AddrCtl.parse(List.of("flush", "dev", "dpdk1")).param())
            .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(InetAddrConf.INET_ADDR_FLUSH, f.getInt(0));
        assertEquals("flush names no address: af unspec", 0, f.getInt(8));
        for (final List<String> bad : List.of(List.of("add", "10.0.1.1/24"), List.of("add", "dev", "dpdk0"),
            List.of("add", "10.0.1.300/24", "dev", "dpdk0"), List.of("add", "10.0.1.1/x", "dev", "dpdk0"),
            List.of("add", "10.0.1.1", "dev"), List.of("add", "host.example", "dev", "dpdk0"), List.of("bogus")))
        {
            try
            {
                AddrCtl.parse(bad);
                throw new AssertionError("accepted " + bad);
            }
            catch (final IllegalArgumentException expected)
            {
                assertFalse(expected.getMessage().isEmpty());
            }
        }
    }

    @Test
    public void shouldApplyDpipsAddOnEveryWorkerWithItsRoutesAndShowItAsDpvsDoes() throws Exception
    {
        awaitWorkersSee("10.0.1.1", false);
        assertEquals(Edpvs.OK, set(InetAddrConf.SOCKOPT_SET_IFADDR_ADD, hex(DPIP_ADD)));
        // OK means every worker applied it: no waiting needed beyond one fresh look
        awaitWorkersSee("10.0.1.1", true);
        assertEquals(List.of("add 10.0.1.1/32 localin dev dpdk0", "add 10.0.1.0/24 forward src 10.0.1.1 dev dpdk0"),
            routes.calls());
        assertEquals(1, core.size());

        final SockoptResponse r = client.get(InetAddrConf.SOCKOPT_GET_IFADDR_SHOW, hex(DPIP_SHOW));
        assertEquals(Edpvs.OK, r.errcode());
        assertEquals("01000000" + "00000000" + "01000000"
            + "02000000" + "00000000" + "00000000" + "80000000"
            + "6470646b30" + "00".repeat(11) + "00".repeat(16) + "0a000101" + "00".repeat(12)
            + "18" + "00" + "00" + "00" + "00".repeat(12), HexFormat.of().formatHex(r.body()));
        assertEquals("inet 10.0.1.1/24 scope global dpdk0\n     valid_lft forever preferred_lft forever\n",
            AddrCtl.show(r.body()));
        assertEquals(List.of("inet 10.0.1.1/24 scope global dpdk0 valid_lft forever preferred_lft forever"),
            core.list());
    }

    @Test
    public void shouldAnswerEveryErrorAsDpvsDoes() throws Exception
    {
        assertEquals(Edpvs.OK, dpip("add", "10.0.1.1/24", "dev", "dpdk0"));
        assertEquals("duplicate", Edpvs.EXIST, dpip("add", "10.0.1.1/24", "dev", "dpdk0"));
        assertEquals("delete a missing one", Edpvs.NOTEXIST, dpip("del", "10.0.9.9/24", "dev", "dpdk0"));
        assertEquals("dpip's /32 does not match a /24", Edpvs.NOTEXIST, dpip("del", "10.0.1.1", "dev", "dpdk0"));
        assertEquals("set a missing one", Edpvs.NOTEXIST, dpip("set", "10.0.9.9/24", "dev", "dpdk0"));
        assertEquals("short", Edpvs.INVAL, set(InetAddrConf.SOCKOPT_SET_IFADDR_ADD, new byte[68]));
        assertEquals("unknown device", Edpvs.NOTEXIST, dpip("add", "10.0.2.1/24", "dev", "dpdk9"));
        assertEquals("flush of an unknown device", Edpvs.NOTEXIST, dpip("flush", "dev", "dpdk9"));
        final byte[] p33 = hex(DPIP_ADD);
        p33[8 + InetAddrConf.PLEN_OFFSET] = 33;
        assertEquals("prefix length 33", Edpvs.INVAL, set(InetAddrConf.SOCKOPT_SET_IFADDR_ADD, p33));
        final byte[] any = hex(DPIP_ADD);
        any[8 + InetAddrConf.ADDR_OFFSET] = 0;
        any[8 + InetAddrConf.ADDR_OFFSET + 2] = 0;
        any[8 + InetAddrConf.ADDR_OFFSET + 3] = 0;
        assertEquals("0.0.0.0", Edpvs.INVAL, set(InetAddrConf.SOCKOPT_SET_IFADDR_ADD, any));
        final byte[] unspec = hex(DPIP_ADD);
        unspec[8] = 0;
        assertEquals("af 0", Edpvs.INVAL, set(InetAddrConf.SOCKOPT_SET_IFADDR_ADD, unspec));
        assertEquals("IPv6", Edpvs.NOTSUPP, dpip("add", "2001:db8::1/64", "dev", "dpdk0"));
        assertEquals("a lifetime", Edpvs.NOTSUPP, dpip("add", "10.0.3.1/24", "dev", "dpdk0", "valid_lft", "60"));
        assertEquals("sapool", Edpvs.NOTSUPP, dpip("add", "10.0.3.1/24", "dev", "dpdk0", "sapool"));
        final SockoptResponse why = client.set(InetAddrConf.SOCKOPT_SET_IFADDR_ADD,
            add("add", "10.0.2.1/24", "dev", "dpdk9"));
        assertTrue(why.errstr(), why.errstr().contains("dpdk9"));

        final byte[] getAdd = hex(DPIP_SHOW);
        getAdd[0] = InetAddrConf.INET_ADDR_ADD;
        assertEquals("GET with ifa_ops ADD", Edpvs.INVAL,
            client.get(InetAddrConf.SOCKOPT_GET_IFADDR_SHOW, getAdd).errcode());
        assertEquals("GET short", Edpvs.INVAL, client.get(InetAddrConf.SOCKOPT_GET_IFADDR_SHOW, new byte[40])
            .errcode());
        final byte[] af7 = hex(DPIP_SHOW);
        af7[8] = 7;
        assertEquals("GET af 7", Edpvs.NOTSUPP, client.get(InetAddrConf.SOCKOPT_GET_IFADDR_SHOW, af7).errcode());
        assertEquals("GET unknown device", Edpvs.NOTEXIST, client.get(InetAddrConf.SOCKOPT_GET_IFADDR_SHOW,
            AddrCtl.parse(List.of("show", "dev", "dpdk9")).param()).errcode());
        assertEquals("GET 52 without a name", Edpvs.INVAL,
            client.get(InetAddrConf.SOCKOPT_GET_IFMADDR_SHOW, new byte[16]).errcode());
        assertEquals("GET 52 unknown", Edpvs.NOTEXIST,
            client.get(InetAddrConf.SOCKOPT_GET_IFMADDR_SHOW, "dpdk9\0".getBytes()).errcode());
        final SockoptResponse maddr = client.get(InetAddrConf.SOCKOPT_GET_IFMADDR_SHOW, "dpdk0\0".getBytes());
        assertEquals(Edpvs.OK, maddr.errcode());
        assertArrayEquals("inet_maddr_array with no entry", new byte[4], maddr.body());
        assertEquals("nothing refused reached a table", 1, core.size());
        assertEquals("every refusal counted", 20, core.refused.get());
    }

    @Test
    public void shouldDeleteSetAndFlushOnEveryWorkerWithTheRoutes() throws Exception
    {
        assertEquals(Edpvs.OK, dpip("add", "10.0.1.1/24", "dev", "dpdk0"));
        assertEquals(Edpvs.OK, dpip("add", "10.0.1.2/24", "dev", "dpdk0"));
        assertEquals(Edpvs.OK, dpip("add", "10.0.2.1/32", "dev", "dpdk1"));
        assertEquals(Edpvs.OK, dpip("add", "10.0.3.1/16", "dev", "dpdk1"));
        // the second address of a subnet shares the net route; a /32 has no net route
        assertEquals(List.of("10.0.1.1/32 localin dev dpdk0", "10.0.1.0/24 forward src 10.0.1.1 dev dpdk0",
            "10.0.1.2/32 localin dev dpdk0", "10.0.2.1/32 localin dev dpdk1", "10.0.3.1/32 localin dev dpdk1",
            "10.0.0.0/16 forward src 10.0.3.1 dev dpdk1"), routes.table());
        assertEquals(4, core.size());
        awaitWorkersSee("10.0.3.1", true);

        assertEquals(Edpvs.OK, dpip("del", "10.0.1.1/24", "dev", "dpdk0"));
        awaitWorkersSee("10.0.1.1", false);
        awaitWorkersSee("10.0.1.2", true);
        assertTrue("10.0.1.2 still needs the net route", routes.table().contains(
            "10.0.1.0/24 forward src 10.0.1.1 dev dpdk0"));
        assertFalse(routes.table().contains("10.0.1.1/32 localin dev dpdk0"));
        assertEquals(Edpvs.OK, dpip("del", "10.0.1.2/24", "dev", "dpdk0"));
        assertFalse("the last address of the subnet took it", routes.table().contains(
            "10.0.1.0/24 forward src 10.0.1.1 dev dpdk0"));

        assertEquals(Edpvs.OK, dpip("set", "10.0.3.1/16", "dev", "dpdk1", "scope", "link", "broadcast",
            "10.0.255.255"));
        assertEquals("inet 10.0.3.1/16 scope link dpdk1\n    broadcast 10.0.255.255 valid_lft forever "
            + "preferred_lft forever\n", show("show", "dev", "dpdk1").split("(?<=\n)(?=inet)")[0]);
        final String verbose = show("show", "dev", "dpdk1", "-v");
        assertEquals("master and both workers changed it: " + verbose, 3, verbose.split("scope link", -1).length
            - 1);

        assertEquals(Edpvs.OK, dpip("flush", "dev", "dpdk1"));
        awaitWorkersSee("10.0.3.1", false);
        awaitWorkersSee("10.0.2.1", false);
        assertEquals(0, core.size());
        assertEquals("every route made went with its address", List.of(), routes.table());
        assertEquals("", show("show"));
    }

    @Test
    public void shouldListEveryLcoresTableWithVerboseInDpvsOrder() throws Exception
    {
        assertEquals(Edpvs.OK, dpip("add", "10.0.1.1/24", "dev", "dpdk0"));
        assertEquals(Edpvs.OK, dpip("add", "192.168.7.9/24", "dev", "dpdk1"));
        final String v = show("show", "-v");
        final String[] lines = v.split("\n");
        assertEquals(v, 12, lines.length);
        final String[] cids = {"[00]", "[00]", "[01]", "[01]", "[02]", "[02]"};
        for (int i = 0; i < 6; i++)
        {
            assertTrue(v, lines[2 * i].startsWith(cids[i] + " inet "));
        }
        // without a device DPVS lists by hash bucket of the address; with one, newest first
        final IfAddr a = new IfAddr(ip("10.0.1.1"), 24, 0, "dpdk0", 0, 0, 0x80, 0, 0);
        final IfAddr b = new IfAddr(ip("192.168.7.9"), 24, 1, "dpdk1", 0, 0, 0x80, 0, 0);
        final String first = a.hashBucket() <= b.hashBucket() ? "10.0.1.1" : "192.168.7.9";
        assertTrue(v, show("show").startsWith("inet " + first + "/24"));
        assertTrue(core.show.lcoreTables().contains("lcore 2: 2 addresses"));
    }

    @Test
    public void shouldTakeTheAddressBackWhenItsRoutesAreRefused() throws Exception
    {
        routes.refuseLocal = Edpvs.NOMEM;
        final SockoptResponse r = client.set(InetAddrConf.SOCKOPT_SET_IFADDR_ADD, hex(DPIP_ADD));
        assertEquals(Edpvs.NOMEM, r.errcode());
        assertTrue(r.errstr(), r.errstr().contains("routes"));
        assertEquals(0, core.size());
        awaitWorkersSee("10.0.1.1", false);
        routes.refuseLocal = Edpvs.OK;
        assertEquals(Edpvs.OK, set(InetAddrConf.SOCKOPT_SET_IFADDR_ADD, hex(DPIP_ADD)));
        awaitWorkersSee("10.0.1.1", true);
    }

    @Test
    public void shouldAddTheRoutesWhenTheRouteServiceComesAndRemoveThemAtStop() throws Exception
    {
        core.routes.unbind(routes);
        assertEquals("no route bundle: the address alone", Edpvs.OK, dpip("add", "10.0.1.1/24", "dev", "dpdk0"));
        assertEquals(List.of(), routes.calls());
        awaitWorkersSee("10.0.1.1", true);

        final Fakes.RecordingRoutes second = new Fakes.RecordingRoutes();
        core.routes.bind(second);
        core.routesBound();
        await("the routes added to the bound service", () -> 2 == second.table().size());
        assertEquals(List.of("10.0.1.1/32 localin dev dpdk0", "10.0.1.0/24 forward src 10.0.1.1 dev dpdk0"),
            second.table());
        assertTrue("added on the master lcore: " + second.threads, second.threads.get(0).contains("0"));
        core.routesBound();
        assertEquals(Edpvs.OK, dpip("add", "10.0.4.4/32", "dev", "dpdk1"));
        assertEquals("a second resync with the same service adds nothing twice", 3, second.calls().size());

        core.stop();
        assertEquals("stop deletes every route it made", List.of(), second.table());
        assertEquals(6, second.calls().size());
        assertEquals("the ICMP receiver is gone", 0, ports.receivers.get());
        for (final var t : msg.manager().types())
        {
            assertFalse(t.toString(), t.id() == MsgIds.IFA_SET || t.id() == MsgIds.IFA_GET
                || t.id() == MsgIds.IFA_SYNC);
        }
        for (final int l : new int[] {0, 1, 2})
        {
            for (final var j : lcores.jobs(l))
            {
                assertFalse(j.toString(), InetAddrCore.JOB_NAME.equals(j.name()));
            }
        }
        assertEquals("sockopts gone", Edpvs.NOTSUPP, set(InetAddrConf.SOCKOPT_SET_IFADDR_ADD, hex(DPIP_ADD)));
        assertEquals(Edpvs.NOTSUPP, client.get(InetAddrConf.SOCKOPT_GET_IFADDR_SHOW, hex(DPIP_SHOW)).errcode());
        probe.close();
        probe = null;

        // registrable again, empty
        start(200_000);
        assertEquals(0, core.size());
        assertEquals(Edpvs.OK, set(InetAddrConf.SOCKOPT_SET_IFADDR_ADD, hex(DPIP_ADD)));
        assertEquals(1, ports.receivers.get());
    }

    @Test
    public void shouldApplyRequestsFromOtherThreadsAndTheConfiguration() throws Exception
    {
        final StringBuilder why = new StringBuilder();
        assertEquals("from the test thread, through IFA_SYNC to the master", Edpvs.OK,
            core.request(InetAddrConf.SOCKOPT_SET_IFADDR_ADD, hex(DPIP_ADD), why::append));
        awaitWorkersSee("10.0.1.1", true);
        assertEquals(Edpvs.EXIST, core.request(InetAddrConf.SOCKOPT_SET_IFADDR_ADD, hex(DPIP_ADD), why::append));
        assertTrue(why.toString(), why.toString().contains("exists"));
        assertEquals("two good entries of four", 2, InetAddrComponent.configured(core,
            "10.0.2.1/24 dev dpdk1, 10.0.2.300/24 dev dpdk1,10.0.5.1/24 dev dpdk9 , 10.0.6.1 dev dpdk0 scope host,"));
        assertEquals(3, core.size());
        awaitWorkersSee("10.0.6.1", true);
        assertTrue(show("show", "dev", "dpdk0").contains("inet 10.0.6.1/32 scope host dpdk0"));
        final AddrCommands gogo = new AddrCommands(core);
        assertEquals("", gogo.del("10.0.6.1", "dev", "dpdk0"));
        assertTrue(gogo.del("10.0.6.1", "dev", "dpdk0").contains("not exist"));
        assertTrue(gogo.add("10.0.6.1").contains("no device specified."));
        assertEquals("", gogo.add("10.0.7.1/24", "dev", "dpdk0"));
        assertTrue(gogo.show("dev", "dpdk0").startsWith("inet 10.0.7.1/24 scope global dpdk0\n"));
        assertTrue(gogo.routes(), gogo.routes().contains("10.0.7.0/24 src 10.0.7.1 dev dpdk0"));
        assertTrue(gogo.routes(), gogo.routes().contains("10.0.7.1/32 scope host dev dpdk0"));
        assertTrue(gogo.stats(), gogo.stats().startsWith("addresses 3; added 4, deleted 1"));
        assertEquals("", gogo.flush("dev", "dpdk0"));
        assertEquals("only dpdk1's is left", 1, core.size());
    }
    /**
     * An echo request as a frame: Ethernet, IPv4 (with {@code optWords} 4-byte option words), ICMP with a payload
     * of {@code payload} bytes.
     */
    static byte[] echo(final String src, final String dst, final int type, final int optWords, final int payload,
        final int fragWord)
    {
        final int ihl = 20 + 4 * optWords;
        final int icmpLen = 8 + payload;
        final ByteBuffer b = ByteBuffer.allocate(14 + ihl + icmpLen);
        b.put(hex("0a0b0c0d0e0f" + "020304050607")).putShort((short)0x0800);
        b.put((byte)(0x40 | ihl / 4)).put((byte)0x10).putShort((short)(ihl + icmpLen)).putShort((short)0x1234)
            .putShort((short)fragWord).put((byte)63).put((byte)1).putShort((short)0).putInt(ip(src)).putInt(ip(dst));
        for (int i = 0; i < optWords; i++)
        {
            b.putInt(0x01010100); // NOP NOP NOP EOL
        }
        b.putShort(14 + 10, (short)IcmpEcho.checksum(b.array(), 14, ihl));
        final int icmp = b.position();
        b.put((byte)type).put((byte)0).putShort((short)0).putShort((short)0xabcd).putShort((short)7);
        for (int i = 0; i < payload; i++)
        {
            b.put((byte)(i * 7 + 1));
        }
        b.putShort(icmp + 2, (short)IcmpEcho.checksum(b.array(), icmp, icmpLen));
        return b.array();
    }

    /** Hands a frame to the ICMP receiver on a worker, as netif's local delivery does; frees it unless stolen. */
    private int deliver(final int lcoreId, final byte[] frame) throws Exception
    {
        return (Integer)onLcore(lcoreId, l ->
        {
            final modules.netif.api.Mbuf m = ports.pool.alloc(l);
            System.arraycopy(frame, 0, m.array(), modules.netif.api.Mbuf.HEADROOM, frame.length);
            m.data(modules.netif.api.Mbuf.HEADROOM, frame.length).l3Offset(14);
            final int v = ports.icmp.receive(l, 0, m);
            if (modules.netif.api.InetHook.STOLEN != v)
            {
                ports.pool.free(l, m);
            }
            return v;
        });
    }

    private static void assertReply(final byte[] request, final int optWords, final byte[] reply)
    {
        final int ihl = 20 + 4 * optWords;
        final int icmpLen = request.length - 14 - ihl;
        assertEquals("Ethernet room, a 20-byte header, the whole ICMP message", 14 + 20 + icmpLen, reply.length);
        final ByteBuffer r = ByteBuffer.wrap(reply);
        assertEquals(0x45, r.get(14) & 0xff);
        assertEquals("tos kept", 0x10, r.get(15));
        assertEquals(20 + icmpLen, r.getShort(16) & 0xffff);
        assertEquals("no fragment bits", 0, r.getShort(20));
        assertEquals(64, r.get(22));
        assertEquals(1, r.get(23));
        assertEquals("addresses swapped", ip("10.0.1.1"), r.getInt(26));
        assertEquals(ByteBuffer.wrap(request).getInt(26), r.getInt(30));
        assertEquals("IPv4 checksum, recomputed in full", 0, IcmpEcho.checksum(reply, 14, 20));
        assertEquals("echo reply", 0, r.get(34));
        assertEquals(0, r.get(35));
        assertEquals("ICMP checksum, recomputed in full", 0, IcmpEcho.checksum(reply, 34, icmpLen));
        final byte[] rest = new byte[icmpLen - 4];
        System.arraycopy(reply, 38, rest, 0, rest.length);
        final byte[] asked = new byte[icmpLen - 4];
        System.arraycopy(request, 14 + ihl + 4, asked, 0, asked.length);
        assertArrayEquals("identifier, sequence and data echoed", asked, rest);
    }

    @Test
    public void shouldAnswerEchoRequestsToOwnAddressesOnTheReceivingLcore() throws Exception
    {
        assertEquals(1, ports.receivers.get());
        assertEquals(Edpvs.OK, dpip("add", "10.0.1.1/24", "dev", "dpdk0"));
        final byte[] req = echo("192.168.5.5", "10.0.1.1", 8, 0, 33, 0);
        assertEquals(modules.netif.api.InetHook.STOLEN, deliver(1, req));
        assertEquals(1, ports.sent.size());
        assertEquals(Integer.valueOf(1), ports.sentOn.poll());
        assertReply(req, 0, ports.sent.poll());

        final byte[] opts = echo("192.168.5.6", "10.0.1.1", 8, 2, 56, 0x4000);
        assertEquals(modules.netif.api.InetHook.STOLEN, deliver(2, opts));
        assertEquals(Integer.valueOf(2), ports.sentOn.poll());
        assertReply(opts, 2, ports.sent.poll());
        assertEquals(1, core.icmp.counter(1, IcmpEcho.ECHO_ANSWERED));
        assertEquals(1, core.icmp.counter(2, IcmpEcho.ECHO_ANSWERED));

        assertEquals("not ours: to the kernel", modules.netif.api.InetHook.ACCEPT,
            deliver(1, echo("192.168.5.5", "10.0.1.99", 8, 0, 8, 0)));
        assertEquals("not an echo request", modules.netif.api.InetHook.ACCEPT,
            deliver(1, echo("192.168.5.5", "10.0.1.1", 13, 0, 12, 0)));
        assertEquals("a fragment", modules.netif.api.InetHook.ACCEPT,
            deliver(1, echo("192.168.5.5", "10.0.1.1", 8, 0, 8, 0x2000)));
        final byte[] bad = echo("192.168.5.5", "10.0.1.1", 8, 0, 8, 0);
        bad[bad.length - 1] ^= 0x55;
        assertEquals("bad checksum", modules.netif.api.InetHook.DROP, deliver(1, bad));
        final byte[] shortOne = echo("192.168.5.5", "10.0.1.1", 8, 0, 0, 0);
        final byte[] cut = java.util.Arrays.copyOf(shortOne, shortOne.length - 4);
        cut[17] = (byte)(20 + 4); // total length: a 4-byte ICMP message
        cut[24] = 0;
        cut[25] = 0;
        final int c = IcmpEcho.checksum(cut, 14, 20);
        cut[24] = (byte)(c >> 8);
        cut[25] = (byte)c;
        assertEquals("short", modules.netif.api.InetHook.DROP, deliver(1, cut));
        assertEquals(1, core.icmp.counter(1, IcmpEcho.ECHO_NOT_OURS));
        assertEquals(1, core.icmp.counter(1, IcmpEcho.PASSED));
        assertEquals(1, core.icmp.counter(1, IcmpEcho.FRAGMENT));
        assertEquals(1, core.icmp.counter(1, IcmpEcho.BAD_CHECKSUM));
        assertEquals(1, core.icmp.counter(1, IcmpEcho.BAD_LENGTH));
        assertTrue("nothing else was sent", ports.sent.isEmpty());

        assertEquals(Edpvs.OK, dpip("del", "10.0.1.1/24", "dev", "dpdk0"));
        assertEquals("deleted: no longer answered", modules.netif.api.InetHook.ACCEPT, deliver(2, req));
        assertEquals("every buffer back in the pool", 0, ports.pool.inUse());
    }
}
