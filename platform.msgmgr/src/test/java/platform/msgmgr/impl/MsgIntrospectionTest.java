package platform.msgmgr.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.api.MsgLatencyInfo;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgReply;
import platform.msgmgr.api.MsgRingInfo;
import platform.msgmgr.api.MsgTypeHandle;
import platform.msgmgr.api.MsgTypeSpec;

/**
 * What the API shows of the rings and of the sync latency since 2.1 ({@code MsgManager.rings()},
 * {@code latencies()}), against the running message manager.
 */
public class MsgIntrospectionTest
{
    private LcoreScheduler lcores;
    private TestMsgManagers.Running running;

    @Before
    public void setUp()
    {
        lcores = TestLcores.masterAndTwoWorkers();
        running = TestMsgManagers.start(lcores, "test");
    }

    @After
    public void tearDown()
    {
        running.close();
        TestLcores.stop(lcores);
    }

    @Test
    public void shouldListEveryRingOfEveryLcoreByPriority()
    {
        final List<MsgRingInfo> rings = running.manager().rings();
        assertEquals(9, rings.size());
        final MsgPriority[] order = {MsgPriority.HIGH, MsgPriority.NORM, MsgPriority.LOW};
        for (int i = 0; i < rings.size(); i++)
        {
            final MsgRingInfo r = rings.get(i);
            assertEquals(i / 3, r.lcore());
            assertEquals(order[i % 3], r.priority());
            assertTrue(r.toString(), r.capacity() > 0 && r.fill() >= 0 && r.fill() <= r.capacity());
        }
    }

    @Test
    public void shouldShowTheLatencyOfATypesSyncSends()
    {
        final MsgManager m = running.manager();
        try (MsgTypeHandle h = m.register(MsgTypeSpec.unicast(210, "lat_probe", MsgPriority.NORM, msg -> Edpvs.OK), 2))
        {
            assertTrue(m.latencies().stream().noneMatch(l -> 210 == l.id()));
            final MsgReply r = new MsgReply();
            final int sends = 4 * MsgConfig.DEFAULT_LATENCY_SAMPLE;
            for (int i = 0; i < sends; i++)
            {
                assertEquals(Edpvs.OK, m.sendSync(210, 2, null, 2_000_000, r));
            }
            final MsgLatencyInfo l = m.latencies().stream().filter(x -> 210 == x.id()).findFirst().orElseThrow();
            assertEquals("lat_probe", l.name());
            assertEquals(2, l.lcore());
            // 1 in latency_sample round trips of the type from this sender is timed and recorded
            assertEquals(l.toString(), 4, l.count());
            assertTrue(l.toString(), 0 < l.p50Ns() && l.p50Ns() <= l.p90Ns() && l.p90Ns() <= l.p99Ns()
                && l.p99Ns() <= l.p999Ns() && l.p999Ns() <= l.maxNs());
        }
        assertTrue(m.latencies().stream().noneMatch(l -> 210 == l.id()));
    }
}
