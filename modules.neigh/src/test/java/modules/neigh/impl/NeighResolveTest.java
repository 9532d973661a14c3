package modules.neigh.impl;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.Test;

import modules.neigh.api.NeighConf;
import modules.netif.impl.TestNetif;

/**
 * Resolution, the ARP receiver and aging on real lcores, message manager, timers and netif (its packet path on the
 * two workers): packets to an unresolved neighbour are held, the master sends the ARP request, the neighbour's
 * reply is learned on every worker and the held packets go out; unanswered requests are repeated, then the held
 * packets dropped; the held queue's overflow; requests for our address answered; learned entries age out, static
 * ones never; malformed frames; a stop in the middle of a resolution.
 */
public class NeighResolveTest extends NeighFixture
{
    private static final byte[] NEIGH_MAC = mac("02:00:00:00:00:02");

    private void feedUdp(final int n, final String to)
    {
        for (int i = 0; i < n; i++)
        {
            net.feed(TestNetif.udp(portMac, ip("192.0.2.1") + i, ip(to), 64, 60));
        }
    }

    /** Checks an ARP request as DPVS's neigh_send_arp builds it. */
    private void assertRequest(final byte[] f, final int sip, final int tip)
    {
        assertEquals("60 bytes, as DPVS", 60, f.length);
        final ByteBuffer b = ByteBuffer.wrap(f);
        assertArrayEquals(BROADCAST, Arrays.copyOfRange(f, 0, 6));
        assertArrayEquals(portMac, Arrays.copyOfRange(f, 6, 12));
        assertEquals(0x0806, b.getShort(12) & 0xffff);
        assertEquals(1, b.getShort(14));
        assertEquals(0x0800, b.getShort(16));
        assertEquals(6, f[18]);
        assertEquals(4, f[19]);
        assertEquals("who-has", 1, b.getShort(20));
        assertArrayEquals(portMac, Arrays.copyOfRange(f, 22, 28));
        assertEquals(sip, b.getInt(28));
        assertArrayEquals(ZERO_MAC, Arrays.copyOfRange(f, 32, 38));
        assertEquals(tip, b.getInt(38));
        assertArrayEquals("padding", new byte[18], Arrays.copyOfRange(f, 42, 60));
    }

    private List<String> rowsOf(final String ip)
    {
        final List<String> out = new ArrayList<>();
        final List<String> all;
        try
        {
            all = showLines();
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        for (final String l : all)
        {
            if (l.startsWith(String.format("ip: %-48s", ip)))
            {
                out.add(l);
            }
        }
        return out;
    }

    @Test(timeout = 60_000)
    public void shouldHoldResolveThroughTheMasterAndSendTheHeldPacketsWhenTheReplyComes() throws Exception
    {
        start(settings(60_000, 10_000, 3, 8), "");
        feedUdp(6, "10.0.0.2");
        final List<byte[]> arps = awaitSent(0x0806, 1, null);
        assertRequest(arps.get(0), LOCAL, ip("10.0.0.2"));
        await("6 packets held", () -> 6 == core.total(NeighTable.HELD));
        assertEquals("nothing sent but the ARP request", 0, net.sentCount());
        assertEquals("one request for both workers: the master deduplicates", 1, core.master.arpSent.get());
        for (final String l : rowsOf("10.0.0.2"))
        {
            assertTrue(l, l.contains("mac:incomplate") && l.contains("state: SEND"));
        }

        net.feed(arp(2, portMac, NEIGH_MAC, ip("10.0.0.2"), portMac, LOCAL));
        final List<byte[]> out = awaitSent(0x0800, 6, null);
        for (final byte[] f : out)
        {
            assertArrayEquals(NEIGH_MAC, Arrays.copyOfRange(f, 0, 6));
            assertArrayEquals(portMac, Arrays.copyOfRange(f, 6, 12));
            assertEquals(63, f[22] & 0xff);
        }
        await("learned on both workers", () -> rowsOf("10.0.0.2").size() == 2 && rowsOf("10.0.0.2").stream()
            .allMatch(l -> l.contains("mac: 02:00:00:00:00:02   state: REACHABLE")));
        final ByteBuffer b = show();
        final byte[] body = b.array();
        assertEquals("dynamic: HASHED only, nothing queued",
            java.util.HexFormat.of().formatHex(row("10.0.0.2", "02:00:00:00:00:02", 2, 0, 1, 1)),
            java.util.HexFormat.of().formatHex(Arrays.copyOfRange(body, 4, 56)));
        assertEquals(6, core.total(NeighTable.SENT_HELD));
        assertEquals(1, core.master.arpSent.get());
        // resolved: the next packets go straight out
        feedUdp(4, "10.0.0.2");
        awaitSent(0x0800, 4, null);
        assertEquals(6, core.total(NeighTable.HELD));
        awaitPoolFull();
    }

    @Test(timeout = 60_000)
    public void shouldAnswerRequestsForOurAddressAndLearnTheRequesterOnEveryWorker() throws Exception
    {
        start(settings(60_000, 10_000, 3, 8), "");
        final byte[] requester = mac("02:00:00:00:00:07");
        net.feed(arp(1, BROADCAST, requester, ip("10.0.0.7"), ZERO_MAC, LOCAL));
        final byte[] reply = awaitSent(0x0806, 1, null).get(0);
        final ByteBuffer r = ByteBuffer.wrap(reply);
        assertArrayEquals(requester, Arrays.copyOfRange(reply, 0, 6));
        assertArrayEquals(portMac, Arrays.copyOfRange(reply, 6, 12));
        assertEquals("is-at", 2, r.getShort(20));
        assertArrayEquals(portMac, Arrays.copyOfRange(reply, 22, 28));
        assertEquals(LOCAL, r.getInt(28));
        assertArrayEquals(requester, Arrays.copyOfRange(reply, 32, 38));
        assertEquals(ip("10.0.0.7"), r.getInt(38));
        await("the requester learned on both workers", () -> rowsOf("10.0.0.7").size() == 2);
        assertEquals(1, core.total(NeighTable.ARP_ANSWERED));

        // a request for an address that is not ours goes on to the kernel (no KNI here: not handled), unanswered
        final long notHandled = net.total("not_handled");
        net.feed(arp(1, BROADCAST, requester, ip("10.0.0.7"), ZERO_MAC, ip("10.0.0.99")));
        await("handed on", () -> net.total("not_handled") == notHandled + 1);
        assertEquals(0, net.sentCount());
        // a gratuitous ARP of a known neighbour with a new MAC updates it everywhere; of an unknown one, nothing
        net.feed(arp(1, BROADCAST, mac("02:00:00:00:00:77"), ip("10.0.0.7"), ZERO_MAC, ip("10.0.0.7")));
        net.feed(arp(1, BROADCAST, mac("02:00:00:00:00:88"), ip("10.0.0.8"), ZERO_MAC, ip("10.0.0.8")));
        await("new MAC on both workers", () -> rowsOf("10.0.0.7").stream()
            .filter(l -> l.contains("02:00:00:00:00:77")).count() == 2);
        await("both gratuitous frames handed on", () -> net.total("not_handled") == notHandled + 3);
        assertTrue(rowsOf("10.0.0.8").isEmpty());
        assertEquals(0, core.master.arpSent.get());
    }

    @Test(timeout = 60_000)
    public void shouldRepeatTheRequestThenDropTheHeldPacketsOfAnUnansweredResolution() throws Exception
    {
        start(settings(60_000, 150, 3, 8), "");
        feedUdp(5, "10.0.0.3");
        final List<byte[]> arps = awaitSent(0x0806, 3, null);
        for (final byte[] f : arps)
        {
            assertRequest(f, LOCAL, ip("10.0.0.3"));
        }
        await("the held packets dropped when the resolution time is over",
            () -> 5 == core.total(NeighTable.UNRESOLVED_DROPS));
        await("the master gave up", () -> 1 == core.master.resolveFailed.get());
        Thread.sleep(400);
        assertEquals("three requests, no more", 0, net.sentCount());
        assertEquals(3, core.master.arpSent.get());
        assertEquals(2, core.master.arpRetries.get());
        assertTrue(rowsOf("10.0.0.3").isEmpty());
        awaitPoolFull();
    }

    @Test(timeout = 60_000)
    public void shouldDropAndCountWhatOverflowsTheHeldQueue() throws Exception
    {
        start(settings(60_000, 10_000, 3, 4), "");
        final long neighDrops = net.total("neigh_drop");
        feedUdp(20, "10.0.0.4");
        await("20 packets through", () -> 20 == core.total(NeighTable.OUTPUT));
        final long held = core.total(NeighTable.HELD);
        assertTrue("at most 4 per worker: " + held, held >= 4 && held <= 8);
        assertEquals(20 - held, core.total(NeighTable.HOLD_OVERFLOW));
        assertEquals("netif counts them as neighbour drops", 20 - held, net.total("neigh_drop") - neighDrops);
        int queued = 0;
        for (final String l : rowsOf("10.0.0.4"))
        {
            assertTrue(l, l.contains("state: SEND"));
        }
        final ByteBuffer b = show();
        for (int i = 0; i < b.getInt(0); i++)
        {
            queued += b.getInt(4 + i * NeighConf.SIZE + NeighConf.QUE_NUM_OFFSET);
        }
        assertEquals("que_num shows what is held", held, queued);
    }

    @Test(timeout = 60_000)
    public void shouldAgeLearnedEntriesOutButNeverStaticOnes() throws Exception
    {
        start(settings(300, 10_000, 3, 8), "10.0.0.9 00:11:22:33:44:55 dpdk0");
        net.feed(arp(2, portMac, NEIGH_MAC, ip("10.0.0.2"), portMac, LOCAL));
        await("learned on both workers", () -> rowsOf("10.0.0.2").size() == 2);
        await("PROBE after its reachable time", () -> rowsOf("10.0.0.2").stream()
            .allMatch(l -> l.contains("state: PROBE")) && !rowsOf("10.0.0.2").isEmpty());
        await("then gone", () -> rowsOf("10.0.0.2").isEmpty());
        assertEquals(2, core.total(NeighTable.AGED_OUT));
        Thread.sleep(700);
        final List<String> st = rowsOf("10.0.0.9");
        assertEquals(2, st.size());
        for (final String l : st)
        {
            assertTrue(l, l.contains("state: REACHABLE") && l.endsWith("static"));
        }
    }

    @Test(timeout = 60_000)
    public void shouldConfirmAnEntryUsedInProbe() throws Exception
    {
        start(settings(400, 10_000, 3, 8), "");
        net.feed(arp(2, portMac, NEIGH_MAC, ip("10.0.0.2"), portMac, LOCAL));
        await("PROBE on both workers", () -> rowsOf("10.0.0.2").size() == 2 && rowsOf("10.0.0.2").stream()
            .allMatch(l -> l.contains("state: PROBE")));
        feedUdp(1, "10.0.0.2");
        // sent to the known MAC, and the master asked to confirm it
        final List<byte[]> arps = awaitSent(0x0806, 1, null);
        assertRequest(arps.get(0), LOCAL, ip("10.0.0.2"));
        net.feed(arp(2, portMac, NEIGH_MAC, ip("10.0.0.2"), portMac, LOCAL));
        await("REACHABLE again", () -> rowsOf("10.0.0.2").stream().anyMatch(l -> l.contains("state: REACHABLE")));
    }

    @Test(timeout = 60_000)
    public void shouldCountAndDropMalformedArpAndSendNoRequestWithoutASource() throws Exception
    {
        start(settings(60_000, 10_000, 1, 8), "");
        final long receiverDrops = net.total("receiver_drop");
        final byte[] shortFrame = Arrays.copyOf(arp(1, BROADCAST, NEIGH_MAC, ip("10.0.0.2"), ZERO_MAC, LOCAL), 40);
        final byte[] badHln = arp(1, BROADCAST, NEIGH_MAC, ip("10.0.0.2"), ZERO_MAC, LOCAL);
        badHln[18] = 8;
        final byte[] badOp = arp(3, BROADCAST, NEIGH_MAC, ip("10.0.0.2"), ZERO_MAC, LOCAL);
        net.feed(shortFrame);
        net.feed(badHln);
        net.feed(badOp);
        await("3 malformed", () -> 3 == core.total(NeighTable.ARP_MALFORMED));
        await("dropped by netif for the receiver", () -> net.total("receiver_drop") == receiverDrops + 3);
        assertEquals(0, net.sentCount());
        // 172.16.0.0/16 is connected without a source and no address of ours was asked for on the port yet
        feedUdp(2, "172.16.0.5");
        await("counted, not sent", () -> core.master.noSource.get() >= 1);
        assertEquals(0, core.master.arpSent.get());
        // once a neighbour asked for 10.0.0.1 on the port, that is the source
        net.feed(arp(1, BROADCAST, mac("02:00:00:00:00:07"), ip("10.0.0.7"), ZERO_MAC, LOCAL));
        awaitSent(0x0806, 1, null);
        feedUdp(1, "172.16.0.6");
        assertRequest(awaitSent(0x0806, 1, null).get(0), LOCAL, ip("172.16.0.6"));
    }

    @Test(timeout = 60_000)
    public void shouldFreeTheHeldPacketsWhenStoppedInTheMiddleOfAResolution() throws Exception
    {
        start(settings(60_000, 10_000, 3, 8), "");
        feedUdp(5, "10.0.0.5");
        await("5 held", () -> 5 == core.total(NeighTable.HELD));
        awaitSent(0x0806, 1, null);
        assertTrue(net.netif().pool().inUse() >= 5);
        stopNeigh();
        assertEquals(5, core.freedAtStop.get());
        awaitPoolFull();
        core = null;
        final long noNeigh = net.total("no_neigh");
        feedUdp(3, "10.0.0.5");
        await("netif counts no-neighbour drops", () -> net.total("no_neigh") == noNeigh + 3);
        assertFalse(net.sentCount() > 0);
    }
}
