package modules.blklst.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.slf4j.LoggerFactory;

import platform.common.EventPublisher;

import modules.blklst.api.BlklstConf;
import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.impl.TestMsgManagers;
import platform.mp.impl.RecordingMpChannel;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.impl.TestSockoptServers;

/**
 * {@code blklst.change} events on real lcores (master 0, workers 1 and 2), a real message manager and a real
 * control socket, from ipvsadm's bytes: an applied add, delete and flush are published on the publisher's thread,
 * a refused change is not, and nothing (no thread either) without platform.mp's channel. The channel is a recording
 * channel ({@link RecordingMpChannel}) behind the bundle's real {@link MpSink}.
 */
public class BlklstEventsTest
{
    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private TestSockoptServers.Running sockopt;
    private BlklstCore core;
    private SockoptClient client;
    private final EventPublisher events = new EventPublisher("blklst-events", 16,
        LoggerFactory.getLogger("blklst-events"));
    private final RecordingMpChannel channel = new RecordingMpChannel();

    @Before
    public void setUp() throws IOException
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        final Path socket = Files.createTempDirectory("blklst-events").resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        client = SockoptClient.of(socket, Duration.ofSeconds(10));
        core = new BlklstCore(lcores, msg.manager(), 65_536, 200_000, "test");
        core.events(events);
        core.start(sockopt.registry());
    }

    @After
    public void tearDown()
    {
        core.stop();
        events.close();
        sockopt.close();
        msg.close();
        TestLcores.stop(lcores);
    }

    private String next() throws InterruptedException
    {
        return channel.next();
    }

    /** ipvsadm's conf for 10.0.0.1:80/tcp, subject 1.2.3.4. */
    private static byte[] entry()
    {
        return BlklstCoreTest.conf("0a000001" + "00".repeat(12), 80, 6, 2, "01020304" + "00".repeat(12));
    }

    @Test
    public void withoutAChannelChangesWorkAndNothingIsPublished() throws Exception
    {
        assertEquals(Edpvs.OK, client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD, entry()).errcode());
        assertEquals(Edpvs.OK, client.set(BlklstConf.SOCKOPT_SET_BLKLST_DEL, entry()).errcode());
        assertFalse(events.active());
        assertFalse("no publishing thread without a channel", Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> "blklst-events".equals(t.getName()) && t.isAlive()));
        assertEquals(0, events.published() + events.dropped());
    }

    @Test
    public void everyAppliedChangeIsPublishedOffTheMasterLcore() throws Exception
    {
        events.bind("mp", MpSink.of(channel));
        assertEquals(Edpvs.OK, client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD, entry()).errcode());
        assertEquals("blklst-events | blklst.change | ADD TCP 10.0.0.1:80 1.2.3.4", next());
        assertEquals("refused: no event", Edpvs.EXIST, client.set(BlklstConf.SOCKOPT_SET_BLKLST_ADD, entry())
            .errcode());
        assertEquals(Edpvs.OK, client.set(BlklstConf.SOCKOPT_SET_BLKLST_DEL, entry()).errcode());
        assertEquals("blklst-events | blklst.change | DEL TCP 10.0.0.1:80 1.2.3.4", next());
        assertEquals(Edpvs.NOTEXIST, client.set(BlklstConf.SOCKOPT_SET_BLKLST_DEL, entry()).errcode());
        assertEquals(Edpvs.OK, client.set(BlklstConf.SOCKOPT_SET_BLKLST_FLUSH, new byte[0]).errcode());
        assertEquals("blklst-events | blklst.change | FLUSH", next());
        assertNull("nothing else", channel.poll(200, TimeUnit.MILLISECONDS));
        assertEquals(3, events.published());
        assertTrue(new BlklstCommands(core, events).stats().contains("blklst.change events: published 3, dropped 0"));
    }
}
