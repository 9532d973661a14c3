package platform.msgmgr.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Test;

import platform.lcore.api.Edpvs;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.api.MsgFlags;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgReply;
import platform.msgmgr.api.MsgTypeSpec;

/**
 * The race of the synchronous protocol under load: senders whose timeouts are about as long as the handling, so
 * that the receiver finishing and the sender giving up cross thousands of times, on real lcores and from other
 * threads. It proves what the terminal CAS and the ownership hand-off promise (see package-info):
 * <ul>
 * <li>a send that returns OK got its own reply, and a timed-out one none: a late reply is never written into a
 * message that a new send already uses, and no message is recycled twice or lost (the pool stays small);</li>
 * <li>a send reported without STATE_RECV was never handled (the Dekker handshake of {@code markReceived}).</li>
 * </ul>
 */
public class MsgHandOverStressTest
{
    private static final int T_ECHO = 210;
    private static final int SENDS_PER_SENDER = 15_000;
    /** Bounds the run on a slow host: the senders stop early, the checks stay the same. */
    private static final long RUN_NS = TimeUnit.SECONDS.toNanos(40);

    private LcoreScheduler lcores;
    private MsgCore core;
    private BundleMsgManager mm;

    @After
    public void stop()
    {
        if (null != core)
        {
            mm.release();
            core.stop();
            TestLcores.stop(lcores);
        }
    }

    private static void spinNanos(final long ns)
    {
        final long until = System.nanoTime() + ns;
        while (System.nanoTime() - until < 0)
        {
            Thread.onSpinWait();
        }
    }

    @Test(timeout = 180_000)
    public void shouldNeverHandALateReplyToAnotherSendNorRecycleTwiceWhenTimeoutsRaceCompletions() throws Exception
    {
        lcores = TestLcores.masterAndTwoWorkers();
        core = new MsgCore(lcores, MsgConfig.defaults());
        core.start();
        mm = new BundleMsgManager(core, "test/1.0");
        final Set<long[]> handled = ConcurrentHashMap.newKeySet();
        final AtomicLong recvMissingInCallback = new AtomicLong();
        mm.register(MsgTypeSpec.unicast(T_ECHO, "racy-echo", MsgPriority.NORM, msg ->
        {
            final long[] p = (long[])msg.payload();
            if (0 == (msg.flags() & MsgFlags.STATE_RECV))
            {
                recvMissingInCallback.incrementAndGet();
            }
            spinNanos(p[1] % 25 * 1000); // 0..24 us, against timeouts of 1..30 us
            msg.reply(p);
            handled.add(p);
            return Edpvs.OK;
        }), 1);

        final AtomicReference<String> wrong = new AtomicReference<>();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong timedOut = new AtomicLong();
        final AtomicLong sends = new AtomicLong();
        final Set<long[]> reportedNotReceived = ConcurrentHashMap.newKeySet();
        final long endBy = System.nanoTime() + RUN_NS;

        // one sender on an lcore (the master: it waits by draining its own rings, and uses its own pool stack) ...
        final AtomicInteger lcoreSent = new AtomicInteger();
        final MsgReply lcoreReply = new MsgReply();
        final JobHandle job = lcores.register(JobSpec.loop("racy-sender", LcoreRole.MASTER, id ->
        {
            final int i = lcoreSent.get();
            if (i < SENDS_PER_SENDER && System.nanoTime() - endBy < 0 && null == wrong.get())
            {
                send(-1, i, lcoreReply, wrong, ok, timedOut, sends, reportedNotReceived);
                lcoreSent.incrementAndGet();
            }
            return 0;
        }));
        // ... and two threads that are not lcores (they spin, then park)
        final List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 2; t++)
        {
            final int sender = t;
            final Thread th = new Thread(() ->
            {
                final MsgReply r = new MsgReply();
                for (int i = 0; i < SENDS_PER_SENDER && System.nanoTime() - endBy < 0 && null == wrong.get(); i++)
                {
                    send(sender, i, r, wrong, ok, timedOut, sends, reportedNotReceived);
                }
            }, "racy-sender-" + t);
            senders.add(th);
            th.start();
        }
        for (final Thread th : senders)
        {
            th.join(120_000);
            assertFalse("sender stuck", th.isAlive());
        }
        final long lcoreDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lcoreSent.get() < SENDS_PER_SENDER && System.nanoTime() - endBy < 0 && null == wrong.get())
        {
            assertTrue("lcore sender stuck", System.nanoTime() - lcoreDeadline < 0);
            Thread.sleep(1);
        }
        job.close();
        assertNull(wrong.get(), wrong.get());

        // every accepted message is taken by lcore 1 once: handled, or skipped because its sender gave up
        final TypeEntry e = core.lcore(1).lookup(T_ECHO);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (e.received != sends.get() || e.finished + e.lateReplies != e.received)
        {
            assertTrue("lcore 1 did not take every message: sent " + sends.get() + " received " + e.received
                + " finished " + e.finished + " late " + e.lateReplies, System.nanoTime() - deadline < 0);
            Thread.sleep(1);
        }
        System.out.println("racy sends: " + sends.get() + ", ok " + ok.get() + ", timed out " + timedOut.get()
            + ", late " + e.lateReplies + ", reported without RECV " + reportedNotReceived.size()
            + ", pool allocated " + core.pool.allocated.get() + ", pooled " + core.pool.pooledEverywhere());
        assertTrue("the race did not happen: ok " + ok.get() + " timed out " + timedOut.get(),
            ok.get() > 100 && timedOut.get() > 100);
        assertEquals(ok.get() + timedOut.get(), sends.get());
        assertEquals(0, recvMissingInCallback.get());
        for (final long[] p : reportedNotReceived)
        {
            assertFalse("send " + p[0] + "/" + p[1] + " was reported without STATE_RECV but handled",
                handled.contains(p));
        }
        assertEquals(0, core.pool.doubleRecycles.get());
        // every message came back to the pool exactly once: none lost or leaked (fewer), none recycled twice (more)
        final long poolDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (core.pool.pooledEverywhere() != core.pool.allocated.get())
        {
            assertTrue("pool holds " + core.pool.pooledEverywhere() + " of the " + core.pool.allocated.get()
                + " messages it allocated", System.nanoTime() - poolDeadline < 0);
            Thread.sleep(1);
        }
        assertEquals(0, core.pool.doubleRecycles.get());
    }

    private void send(final int sender, final int i, final MsgReply r, final AtomicReference<String> wrong,
        final AtomicLong ok, final AtomicLong timedOut, final AtomicLong sends, final Set<long[]> notReceived)
    {
        final long[] p = {sender, i};
        final int rc = mm.sendSync(T_ECHO, 1, p, 1 + i % 30, r);
        sends.incrementAndGet();
        final int f = r.flags();
        if (Edpvs.OK == rc)
        {
            ok.incrementAndGet();
            if (r.reply() != p || f != (MsgFlags.STATE_SEND | MsgFlags.STATE_RECV | MsgFlags.STATE_FIN))
            {
                wrong.compareAndSet(null, "sender " + sender + " send " + i + ": OK with flags "
                    + MsgFlags.describe(f) + " and reply " + describe(r.reply()));
            }
        }
        else if (Edpvs.MSG_DROP == rc && f == (f & (MsgFlags.STATE_SEND | MsgFlags.STATE_RECV))
            + (MsgFlags.STATE_DROP | MsgFlags.TIMEOUT) && null == r.reply())
        {
            timedOut.incrementAndGet();
            if (0 == (f & MsgFlags.STATE_RECV))
            {
                notReceived.add(p);
            }
        }
        else
        {
            wrong.compareAndSet(null, "sender " + sender + " send " + i + ": " + Edpvs.name(rc) + " flags "
                + MsgFlags.describe(f) + " reply " + describe(r.reply()));
        }
    }

    private static String describe(final Object reply)
    {
        return reply instanceof long[] ? ((long[])reply)[0] + "/" + ((long[])reply)[1] : String.valueOf(reply);
    }
}
