package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.MsgManager;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * The neighbour bundle in Felix beside netif, the route bundle and the platform: lcores 1 and 2 are workers, each
 * polling one queue of a synthetic port syn0 whose packets go to 10.1.0.0/16. Once dpip's bytes route 10.1.0.0/16
 * via 10.0.0.254 and 10.0.0.0/24 (source 10.0.0.1) to syn0, the packets reach the neighbour output: held while the
 * master ARPs for the gateway (no answer on a synthetic port), the overflow dropped; a static entry added through
 * the real socket is on every worker (GET 72: one row per worker, each with its lcore id) and the packets go out.
 * DPVS's neigh_sync jobs run: a LOOP job on the master lcore, a SLOW job on each worker. Stopping the bundle removes
 * every registration (sockopts, jobs, message types, the ARP receiver, the NeighOutput: netif counts no-neighbour
 * drops); started again, it serves again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NeighIT extends BaseTest
{
    /** The ARP receiver's line in {@code netif:hooks}. */
    private static final Pattern ARP_RECEIVER = Pattern.compile("ethertype 0x0806\\s+arp\\s");

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() throws Exception
    {
        final Path dir = Paths.get("target").toAbsolutePath();
        Files.createDirectories(dir);
        final Path lcores = dir.resolve("lcores-neigh-" + System.nanoTime() + ".conf");
        Files.writeString(lcores, "lcore 0 role MASTER cpu none\nlcore 1 role FWD_WORKER cpu none\n"
            + "lcore 2 role FWD_WORKER cpu none\n", StandardCharsets.UTF_8);
        final Path netif = dir.resolve("netif-neigh-" + System.nanoTime() + ".conf");
        Files.writeString(netif, "port syn0 driver synthetic rxq 2 txq 2 rate 5000 src 192.168.100.0/24 "
            + "dst 10.1.0.0/16 proto udp\nqueue 1 syn0 rx 0 tx 0\nqueue 2 syn0 rx 1 tx 1\n", StandardCharsets.UTF_8);
        return new Option[] {frameworkProperty("platform.lcore.conf").value(lcores.toString()), baseConfiguration(),
            frameworkProperty("platform.netif.conf").value(netif.toString()),
            bundle(reactorJar("itest.modules.stats.jar")), bundle(reactorJar("itest.modules.netif.jar")),
            bundle(reactorJar("itest.modules.route.jar")), bundle(reactorJar("itest.modules.neigh.jar"))};
    }

    /** dpip's {@code route add DST/PLEN [via GW] src 10.0.0.1 dev syn0}. */
    private static byte[] route(final String dst, final int plen, final String gw)
    {
        final ByteBuffer b = ByteBuffer.allocate(112).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 2).putInt(8, 0x400).putInt(32, plen);
        b.put(16, HexFormat.of().parseHex(dst));
        b.put(36, HexFormat.of().parseHex("0a000001"));
        b.put(56, HexFormat.of().parseHex(gw));
        b.put(96, "syn0".getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** dpip's {@code neigh add 10.0.0.254 lladdr 02:00:00:00:00:fe dev syn0}. */
    private static byte[] neigh()
    {
        final ByteBuffer b = ByteBuffer.allocate(52).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 2);
        b.put(8, HexFormat.of().parseHex("0a0000fe"));
        b.put(24, HexFormat.of().parseHex("0200000000fe"));
        b.put(34, "syn0".getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    private long neighStat(final String name) throws Exception
    {
        final Matcher m = Pattern.compile("(?m)^" + name + "\\s+(\\d+)").matcher(execute(processor, "neigh:stats"));
        assertTrue(name, m.find());
        return Long.parseLong(m.group(1));
    }

    private long masterStat(final String name) throws Exception
    {
        final Matcher m = Pattern.compile(name + " (\\d+)").matcher(execute(processor, "neigh:stats"));
        assertTrue(name, m.find());
        return Long.parseLong(m.group(1));
    }

    @Test
    public void staticEntryOnEveryWorkerAndEveryRegistrationGoneAtStop() throws Exception
    {
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        final LcoreScheduler scheduler = awaitService(LcoreScheduler.class);
        awaitLcoresRunning(scheduler);
        final SockoptClient client = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(5));
        await("GET 72 served", () -> getOk(client, 72));
        assertEquals("none yet: the 4-byte count", "00000000", HexFormat.of().formatHex(client.get(72, null).body()));
        assertTrue(execute(processor, "netif:hooks"), ARP_RECEIVER.matcher(execute(processor, "netif:hooks")).find());
        assertSyncJobs(scheduler);

        // the connected route (as the interface-address bundle adds it) gives the ARP requests their source
        final SockoptResponse connected = client.set(28, route("0a000000", 24, "00000000"));
        assertEquals(connected.errstr(), 0, connected.errcode());
        final SockoptResponse add = client.set(28, route("0a010000", 16, "0a0000fe"));
        assertEquals(add.errstr(), 0, add.errcode());
        await("the master ARPs for the gateway", () -> masterStatQuietly("arp sent") >= 1);
        final long overflow = neighStat("hold_overflow");
        await("what the held queues cannot take is dropped", () -> neighStatQuietly("hold_overflow") > overflow + 50);

        final SockoptResponse st = client.set(70, neigh());
        assertEquals(st.errstr(), 0, st.errcode());
        final ByteBuffer rows = ByteBuffer.wrap(client.get(72, new byte[52]).body()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("one row per worker", 2, rows.getInt(0));
        assertEquals(4 + 2 * 52, rows.capacity());
        for (int i = 0; i < 2; i++)
        {
            final int at = 4 + i * 52;
            assertEquals("af", 2, rows.getInt(at));
            assertEquals("REACHABLE", 2, rows.getInt(at + 4));
            assertEquals("0a0000fe", HexFormat.of().formatHex(rows.array(), at + 8, at + 12));
            assertEquals("0200000000fe", HexFormat.of().formatHex(rows.array(), at + 24, at + 30));
            assertEquals("HASHED|STATIC", 3, rows.get(at + 50));
            assertEquals("cid", i + 1, rows.get(at + 51));
        }
        assertTrue(execute(processor, "neigh:show"), execute(processor, "neigh:show").contains(
            "mac: 02:00:00:00:00:fe   state: REACHABLE     dev: syn0  core: 2  static"));
        // resolved: the packets go out, none is dropped at the neighbour any more
        final long sent = neighStat("output");
        final long drops = netifCounter(processor, "neigh_drop");
        await("more packets out", () -> neighStatQuietly("output") > sent + 200);
        assertEquals(drops, netifCounter(processor, "neigh_drop"));
        assertEquals("EDPVS_EXIST", -3, client.set(70, neigh()).errcode());

        final Bundle bundle = java.util.Arrays.stream(context.getBundles())
            .filter(b -> "modules.neigh".equals(b.getSymbolicName())).findFirst().orElseThrow();
        bundle.stop();
        assertEquals("EDPVS_NOTSUPP", -14, client.get(72, null).errcode());
        assertEquals("EDPVS_NOTSUPP", -14, client.set(70, neigh()).errcode());
        assertFalse(scheduler.jobs(-1).stream().anyMatch(j -> j.name().startsWith("neigh_")));
        final MsgManager msg = awaitService(MsgManager.class);
        assertFalse(msg.types().stream().anyMatch(t -> t.name().startsWith("neigh_")));
        assertFalse(execute(processor, "netif:hooks"), ARP_RECEIVER.matcher(execute(processor, "netif:hooks")).find());
        final long noNeigh = netifCounter(processor, "no_neigh");
        await("netif counts no-neighbour drops", () -> netifCounter(processor, "no_neigh") > noNeigh + 100);

        bundle.start();
        await("GET 72 back", () -> getOk(client, 72));
        assertEquals(0, client.set(70, neigh()).errcode());
        assertEquals(2, ByteBuffer.wrap(client.get(72, null).body()).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
    }

    /**
     * DPVS's neigh_sync jobs: one LOOP job on the MASTER lcore and one SLOW job (every 100 loops, DPVS's
     * NEIGH_PROCESS_MAC_RING_INTERVAL) on every FWD_WORKER, as the scheduler lists them per lcore, each running.
     */
    private static void assertSyncJobs(final LcoreScheduler scheduler)
    {
        int workers = 0;
        for (final platform.lcore.api.LcoreInfo l : scheduler.lcores())
        {
            final java.util.List<platform.lcore.api.JobInfo> sync = scheduler.jobs(l.id()).stream()
                .filter(j -> "neigh_sync".equals(j.name())).toList();
            final String jobs = "lcore " + l.id() + " " + l.role() + ": " + scheduler.jobs(l.id());
            assertEquals(jobs, 1, sync.size());
            final platform.lcore.api.JobInfo j = sync.get(0);
            assertEquals(jobs, l.role(), j.role());
            assertEquals(jobs, l.id(), j.lcoreId());
            assertTrue(jobs, j.owner().startsWith("modules.neigh"));
            if (platform.lcore.api.LcoreRole.MASTER == l.role())
            {
                assertEquals(jobs, platform.lcore.api.JobType.LOOP, j.type());
            }
            else
            {
                assertEquals(jobs, platform.lcore.api.LcoreRole.FWD_WORKER, l.role());
                assertEquals(jobs, platform.lcore.api.JobType.SLOW, j.type());
                assertEquals(jobs, 100, j.skipLoops());
                workers++;
            }
            await(() -> "neigh_sync runs on lcore " + l.id() + ": " + scheduler.jobs(l.id()), () -> scheduler
                .jobs(l.id()).stream().anyMatch(x -> "neigh_sync".equals(x.name()) && x.calls() > 0));
        }
        assertEquals("two FWD_WORKERs", 2, workers);
        assertEquals("one per lcore, none elsewhere: " + scheduler.jobs(-1), 3, scheduler.jobs(-1).stream()
            .filter(j -> "neigh_sync".equals(j.name())).count());
    }

    private long neighStatQuietly(final String name)
    {
        try
        {
            return neighStat(name);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    private long masterStatQuietly(final String name)
    {
        try
        {
            return masterStat(name);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }
}
