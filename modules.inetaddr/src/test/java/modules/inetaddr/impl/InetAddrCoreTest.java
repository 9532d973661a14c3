package modules.inetaddr.impl;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;

import modules.inetaddr.api.InetAddrConf;
import modules.inetaddr.cli.AddrCtl;
import modules.route.api.RouteSpec;
import platform.lcore.api.Edpvs;
import platform.msgmgr.api.MsgIds;
import platform.sockopt.client.SockoptResponse;

/**
 * The interface addresses through the control socket: dpip's bytes in, DPVS's bytes out, every error code, each
 * worker's own table, the routes that follow the addresses, the Routes service coming and going, and stop.
 */
public class InetAddrCoreTest extends CoreFixture
{
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
        final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(InetAddrCoreTest.class);
        // all or nothing: a bad entry names itself and takes back the ones added before it
        final platform.common.StaticConfig.Result bad = platform.common.StaticConfig.apply(InetAddrComponent.PID,
            "10.0.2.1/24 dev dpdk1, 10.0.2.300/24 dev dpdk1, 10.0.6.1 dev dpdk0 scope host", null,
            InetAddrComponent.configured(core), log, "addresses").get(0);
        assertEquals("configuration modules.inetaddr #2", bad.bad().where());
        assertEquals(1, core.size());
        final platform.common.StaticConfig.Result none = platform.common.StaticConfig.apply(InetAddrComponent.PID,
            "10.0.2.1/24 dev dpdk1, 10.0.5.1/24 dev dpdk9", null, InetAddrComponent.configured(core), log,
            "addresses").get(0);
        assertTrue(none.why(), none.refused() && none.why().contains("dpdk9"));
        assertEquals(1, core.size());
        assertEquals(2, platform.common.StaticConfig.apply(InetAddrComponent.PID,
            "10.0.2.1/24 dev dpdk1, 10.0.6.1 dev dpdk0 scope host,", null, InetAddrComponent.configured(core), log,
            "addresses").get(0).applied());
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
        assertTrue(gogo.stats(), gogo.stats().startsWith("addresses 3; added 6, deleted 3"));
        assertEquals("", gogo.flush("dev", "dpdk0"));
        assertEquals("only dpdk1's is left", 1, core.size());
    }
    @Test
    public void shouldNeverCallARoutesServiceAfterItsUnbindReturned() throws Exception
    {
        final CountDownLatch inAdd = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger entered = new AtomicInteger();
        final Fakes.RecordingRoutes slow = new Fakes.RecordingRoutes()
        {
            @Override
            public int add(final RouteSpec r)
            {
                entered.incrementAndGet();
                inAdd.countDown();
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                return super.add(r);
            }
        };
        core.routes.unbind(routes);
        core.routes.bind(slow);
        final CompletableFuture<Integer> add = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return dpip("add", "10.0.1.1/32", "dev", "dpdk0");
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        assertTrue("the master lcore is inside the service", inAdd.await(20, TimeUnit.SECONDS));
        final CompletableFuture<Void> unbind = CompletableFuture.runAsync(() -> core.routes.unbind(slow));
        Thread.sleep(200);
        final boolean early = unbind.isDone();
        // let the master lcore go before asserting, so a failure does not leave it blocked
        release.countDown();
        assertFalse("unbind waits for the call under way", early);
        unbind.get(20, TimeUnit.SECONDS);
        assertEquals(Integer.valueOf(Edpvs.OK), add.get(20, TimeUnit.SECONDS));
        final int before = entered.get();
        assertEquals(Edpvs.OK, dpip("add", "10.0.2.1/24", "dev", "dpdk1"));
        assertEquals(Edpvs.OK, dpip("del", "10.0.1.1/32", "dev", "dpdk0"));
        assertEquals("never called after unbind returned", before, entered.get());
        assertEquals(1, slow.calls().size());
    }
}
