package modules.neigh.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.slf4j.LoggerFactory;

import platform.common.EventPublisher;

import modules.neigh.api.NeighConf;
import platform.lcore.api.Edpvs;
import platform.mp.impl.RecordingMpChannel;

/**
 * {@code neigh.change} events on real lcores, a real message manager, a real control socket and netif's feed port:
 * dpip's static add and delete and a neighbour learned from an ARP request are published once every worker has
 * them, on the publisher's thread; a refused change is not, a refresh by ARP is not; nothing without platform.mp's
 * channel. The channel is a recording {@link RecordingMpChannel} behind the bundle's real {@link MpSink}.
 */
public class NeighEventsTest extends NeighFixture
{
    private final RecordingMpChannel channel = new RecordingMpChannel();
    private final EventPublisher events = new EventPublisher("neigh-events", 16,
        LoggerFactory.getLogger("neigh-events"));

    @Override
    public void tearDown()
    {
        events.close();
        super.tearDown();
    }

    private String next() throws InterruptedException
    {
        return channel.next();
    }

    @Test(timeout = 60_000)
    public void withoutAChannelChangesWorkAndNothingIsPublished() throws Exception
    {
        start(NeighSettings.defaults(), "");
        core.events = events;
        assertEquals(Edpvs.OK, client.set(NeighConf.SOCKOPT_SET_NEIGH_ADD, conf(2, "10.0.0.9",
            "00:11:22:33:44:55", "dpdk0")).errcode());
        assertEquals(Edpvs.OK, client.set(NeighConf.SOCKOPT_SET_NEIGH_DEL, conf(2, "10.0.0.9",
            "00:00:00:00:00:00", "dpdk0")).errcode());
        assertFalse(events.active());
        assertEquals(0, events.published() + events.dropped());
    }

    @Test(timeout = 60_000)
    public void staticAndLearnedNeighboursArePublishedOnceEveryWorkerHasThem() throws Exception
    {
        start(settings(60_000, 10_000, 3, 8), "");
        core.events = events;
        events.bind("mp", MpSink.of(channel));
        assertEquals(Edpvs.OK, client.set(NeighConf.SOCKOPT_SET_NEIGH_ADD, conf(2, "10.0.0.9",
            "00:11:22:33:44:55", "dpdk0")).errcode());
        assertEquals("neigh-events | neigh.change | ADD 10.0.0.9 lladdr 00:11:22:33:44:55 dev dpdk0 static", next());
        assertEquals("refused: no event", Edpvs.EXIST, client.set(NeighConf.SOCKOPT_SET_NEIGH_ADD, conf(2,
            "10.0.0.9", "00:11:22:33:44:55", "dpdk0")).errcode());

        // an ARP request for our address from 10.0.0.7: answered, and the requester learned on every worker
        net.feed(arp(1, BROADCAST, mac("02:00:00:00:00:07"), ip("10.0.0.7"), ZERO_MAC, LOCAL));
        assertEquals("neigh-events | neigh.change | LEARN 10.0.0.7 lladdr 02:00:00:00:00:07 dev dpdk0", next());
        // published once both workers had it: GET 72 already shows it on both
        assertEquals(showLines().toString(), 2, showLines().stream().filter(l -> l.contains("10.0.0.7 ")).count());

        assertEquals(Edpvs.OK, client.set(NeighConf.SOCKOPT_SET_NEIGH_DEL, conf(2, "10.0.0.9",
            "00:00:00:00:00:00", "dpdk0")).errcode());
        assertEquals("neigh-events | neigh.change | DEL 10.0.0.9 dev dpdk0", next());
        assertEquals(Edpvs.NOTEXIST, client.set(NeighConf.SOCKOPT_SET_NEIGH_DEL, conf(2, "10.0.0.9",
            "00:00:00:00:00:00", "dpdk0")).errcode());
        assertNull("nothing else", channel.poll(200, TimeUnit.MILLISECONDS));
        assertEquals(3, events.published());
        assertTrue(new NeighCommands(core).stats().contains("neigh.change events: published 3, dropped 0"));
    }
}
