package modules.inetaddr.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.slf4j.LoggerFactory;

import platform.common.EventPublisher;

import platform.lcore.api.Edpvs;
import platform.mp.impl.RecordingMpChannel;

/**
 * {@code inetaddr.change} events on real lcores, a real message manager and a real control socket (the fixture's):
 * dpip's add, set, del and flush published once every worker has them, on the publisher's thread, in dpip's words;
 * nothing for a refused change, nothing without platform.mp's channel. The channel is a recording proxy of
 * {@link RecordingMpChannel} behind the bundle's real {@link MpSink}.
 */
public class InetAddrEventsTest extends CoreFixture
{
    private final RecordingMpChannel channel = new RecordingMpChannel();
    private final EventPublisher events = new EventPublisher("inetaddr-events", 16,
        LoggerFactory.getLogger("inetaddr-events"));

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

    @Test
    public void withoutAChannelChangesWorkAndNothingIsPublished() throws Exception
    {
        core.events = events;
        assertEquals(Edpvs.OK, dpip("add", "10.0.1.1/24", "dev", "dpdk0"));
        assertEquals(Edpvs.OK, dpip("del", "10.0.1.1/24", "dev", "dpdk0"));
        assertFalse(events.active());
        assertEquals(0, events.published() + events.dropped());
    }

    @Test
    public void everyAppliedChangeIsPublishedInDpipsWords() throws Exception
    {
        core.events = events;
        events.bind("mp", MpSink.of(channel));
        assertEquals(Edpvs.OK, dpip("add", "10.0.1.1/24", "dev", "dpdk0"));
        assertEquals("inetaddr-events | inetaddr.change | ADD inet 10.0.1.1/24 scope global dpdk0 valid_lft forever "
            + "preferred_lft forever", next());
        assertEquals("refused: no event", Edpvs.EXIST, dpip("add", "10.0.1.1/24", "dev", "dpdk0"));
        assertEquals(Edpvs.OK, dpip("set", "10.0.1.1/24", "dev", "dpdk0", "scope", "link", "broadcast",
            "10.0.1.255"));
        assertEquals("inetaddr-events | inetaddr.change | SET inet 10.0.1.1/24 scope link dpdk0 broadcast 10.0.1.255 "
            + "valid_lft forever preferred_lft forever", next());
        assertEquals(Edpvs.OK, dpip("del", "10.0.1.1/24", "dev", "dpdk0"));
        final String del = next();
        assertTrue(del, del.startsWith("inetaddr-events | inetaddr.change | DEL inet 10.0.1.1/24 "));
        assertEquals(Edpvs.OK, dpip("add", "10.0.2.1/24", "dev", "dpdk1"));
        next();
        assertEquals(Edpvs.OK, dpip("flush", "dev", "dpdk1"));
        assertEquals("inetaddr-events | inetaddr.change | FLUSH dev dpdk1", next());
        assertNull("nothing else", channel.poll(200, TimeUnit.MILLISECONDS));
        assertEquals(5, events.published());
    }
}
