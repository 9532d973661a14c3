package itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HexFormat;

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
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * Exact accounting of a known traffic mix through the real bundles (netif, route, neigh, blklst): a capture of 1500
 * frames is replayed once through port cap0 after a route, a static neighbour and a blacklist entry were set through
 * the control socket with dpip's and ipvsadm's bytes. 1000 are routed to the neighbour and written to cap1's
 * capture, 300 from a blacklisted client are dropped by the blacklist's PRE_ROUTING hook (its entry counts 300),
 * 200 to an unrouted network are no-route drops. Every count is exact, and every forwarded frame carries the
 * neighbour's MAC, cap1's MAC and a decremented TTL.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ForwardCountsIT extends BaseTest
{
    static final int ROUTED = 1000;
    static final int BLACKLISTED = 300;
    static final int UNROUTED = 200;
    static final byte[] GW_MAC = {2, 0, 0, 0, (byte)0xaa, 1};

    @Inject
    private CommandProcessor processor;

    private static Path in()
    {
        return Paths.get("target", "forward-counts-in.pcap").toAbsolutePath();
    }

    private static Path out()
    {
        return Paths.get("target", "forward-counts-out.pcap").toAbsolutePath();
    }

    @Configuration
    public Option[] config() throws Exception
    {
        writeCapture(in());
        Files.deleteIfExists(out());
        final Path conf = Paths.get("target", "netif-counts-" + System.nanoTime() + ".conf").toAbsolutePath();
        Files.writeString(conf, "port cap0 driver pcap in " + in() + " up off\nport cap1 driver pcap out " + out()
            + "\nqueue 1 cap0 rx 0 tx 0\nqueue 1 cap1 rx 0 tx 0\n", StandardCharsets.UTF_8);
        return new Option[] {baseConfiguration(), frameworkProperty("platform.netif.conf").value(conf.toString()),
            bundle(reactorJar("itest.modules.stats.jar")), bundle(reactorJar("itest.modules.netif.jar")),
            bundle(reactorJar("itest.modules.route.jar")), bundle(reactorJar("itest.modules.neigh.jar")),
            bundle(reactorJar("itest.modules.blklst.jar"))};
    }

    /** An IPv4 UDP frame with a valid header checksum. */
    static byte[] udp(final int saddr, final int daddr, final int dport)
    {
        final byte[] f = new byte[60];
        final ByteBuffer b = ByteBuffer.wrap(f);
        b.put(new byte[] {2, 0, 0, 0, 0, 0x10}).put(new byte[] {2, 0, 0x5e, 0, 0, 1}).putShort((short)0x0800);
        b.put((byte)0x45).put((byte)0).putShort((short)46).putShort((short)7).putShort((short)0x4000);
        b.put((byte)64).put((byte)17).putShort((short)0).putInt(saddr).putInt(daddr);
        int sum = 0;
        for (int i = 14; i < 34; i += 2)
        {
            sum += b.getShort(i) & 0xffff;
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        b.putShort(24, (short)~sum);
        b.putShort(34, (short)40000).putShort(36, (short)dport).putShort(38, (short)26);
        return f;
    }

    /** 1500 frames in a classic pcap capture: routed, blacklisted and unrouted, interleaved. */
    static void writeCapture(final Path file) throws IOException
    {
        Files.createDirectories(file.getParent());
        final ByteBuffer b = ByteBuffer.allocate(24 + (ROUTED + BLACKLISTED + UNROUTED) * (16 + 60))
            .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short)2).putShort((short)4).putInt(0).putInt(0).putInt(65535).putInt(1);
        int routed = 0;
        int black = 0;
        int unrouted = 0;
        for (int i = 0; routed + black + unrouted < ROUTED + BLACKLISTED + UNROUTED; i++)
        {
            final byte[] f;
            if (i % 5 < 3 && routed < ROUTED || black >= BLACKLISTED && unrouted >= UNROUTED)
            {
                // from 192.168.100.1..50 (never .66) to 10.1.x.y
                f = udp(0xc0a86400 | (1 + routed % 50), 0x0a010000 | (routed * 7 & 0xffff), 5000 + routed % 100);
                routed++;
            }
            else if (i % 5 == 3 && black < BLACKLISTED || unrouted >= UNROUTED)
            {
                f = udp(0xc0a86442, 0x0a010050, 80);
                black++;
            }
            else
            {
                f = udp(0xc0a86401, 0xac100000 | unrouted, 5000);
                unrouted++;
            }
            b.putInt(i).putInt(0).putInt(f.length).putInt(f.length).put(f);
        }
        Files.write(file, b.array());
    }

    /** dpip's {@code route add 10.1.0.0/16 via 10.2.0.1 dev cap1}: dp_vs_route_detail. */
    private static byte[] route()
    {
        final ByteBuffer b = ByteBuffer.allocate(112).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 2).putInt(8, 0x400).putInt(32, 16);
        b.put(16, HexFormat.of().parseHex("0a010000"));
        b.put(56, HexFormat.of().parseHex("0a020001"));
        b.put(96, "cap1".getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** dpip's {@code neigh add 10.2.0.1 lladdr 02:00:00:00:aa:01 dev cap1}: dp_vs_neigh_conf, 52 bytes packed. */
    private static byte[] neigh()
    {
        final ByteBuffer b = ByteBuffer.allocate(52).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 2);
        b.put(8, HexFormat.of().parseHex("0a020001"));
        b.put(24, GW_MAC);
        b.put(34, "cap1".getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** ipvsadm's {@code --add-blklst -u 10.1.0.80:80 -k 192.168.100.66}: dp_vs_blklst_conf, 68 bytes. */
    private static byte[] blacklist()
    {
        final ByteBuffer b = ByteBuffer.allocate(68);
        b.put(0, HexFormat.of().parseHex("0a010050"));
        b.putShort(16, (short)80);
        b.put(18, (byte)17).put(19, (byte)2);
        b.put(20, HexFormat.of().parseHex("c0a86442"));
        return b.array();
    }

    /** dpip's {@code link set cap0 link up}: netif_nic_set, 52 bytes, flag link_status_up. */
    private static byte[] linkUp()
    {
        final ByteBuffer b = ByteBuffer.allocate(52).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, "cap0".getBytes(StandardCharsets.US_ASCII));
        b.putShort(50, (short)0x0010);
        return b.array();
    }

    private static void ok(final SockoptResponse r, final String what)
    {
        assertEquals(what + ": " + r.errstr(), 0, r.errcode());
    }

    @Test
    public void everyPacketIsAccountedFor() throws Exception
    {
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        awaitLcoresRunning(awaitService(LcoreScheduler.class));
        final SockoptClient client = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(5));
        await("route, neigh and blklst sockopts served", () -> getOk(client, 32) && getOk(client, 72)
            && getOk(client, 76));
        ok(client.set(28, route()), "route add");
        ok(client.set(70, neigh()), "neigh add");
        ok(client.set(73, blacklist()), "blklst add");
        assertEquals("nothing replayed while cap0 is down", 0, netifCounter(processor, "ipackets"));

        ok(client.set(54, linkUp()), "link set cap0 up");
        final int total = ROUTED + BLACKLISTED + UNROUTED;
        await(() -> "the capture replayed: " + execute0("netif:stats"),
            () -> netifCounter(processor, "ipackets") == total && netifCounter(processor, "opackets") == ROUTED);
        sleep(200);
        assertEquals("forwarded", ROUTED, netifCounter(processor, "opackets"));
        assertEquals("no route", UNROUTED, netifCounter(processor, "no_route"));
        assertEquals("dropped by a hook", BLACKLISTED, netifCounter(processor, "hook_drop"));
        assertEquals("no other drop", BLACKLISTED + UNROUTED, netifCounter(processor, "dropped"));
        assertEquals(0, netifCounter(processor, "no_neigh") + netifCounter(processor, "neigh_drop")
            + netifCounter(processor, "bad_header") + netifCounter(processor, "tx_full"));
        final String list = execute(processor, "blklst:list");
        assertTrue(list, list.matches("(?s).*192\\.168\\.100\\.66.*\\b" + BLACKLISTED + "\\b.*"));

        // the capture cap1 wrote, complete once netif closed its ports
        final Bundle netif = java.util.Arrays.stream(context.getBundles())
            .filter(b -> "modules.netif".equals(b.getSymbolicName())).findFirst().orElseThrow();
        netif.stop();
        final ByteBuffer cap = ByteBuffer.wrap(Files.readAllBytes(out())).order(ByteOrder.LITTLE_ENDIAN);
        int frames = 0;
        cap.position(24);
        while (cap.remaining() >= 16)
        {
            cap.getInt();
            cap.getInt();
            final int caplen = cap.getInt();
            cap.getInt();
            final byte[] f = new byte[caplen];
            cap.get(f);
            assertArrayEquals("the neighbour's MAC", GW_MAC, java.util.Arrays.copyOfRange(f, 0, 6));
            assertEquals("TTL decremented", 63, f[14 + 8] & 0xff);
            assertEquals("to 10.1/16", 0x0a01, ((f[30] & 0xff) << 8) | (f[31] & 0xff));
            frames++;
        }
        assertEquals("frames in cap1's capture", ROUTED, frames);
    }

    private String execute0(final String command)
    {
        try
        {
            return execute(processor, command);
        }
        catch (final Exception ex)
        {
            return ex.toString();
        }
    }
}
