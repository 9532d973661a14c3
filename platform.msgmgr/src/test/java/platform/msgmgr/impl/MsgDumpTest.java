package platform.msgmgr.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import platform.lcore.api.Edpvs;
import platform.msgmgr.api.MsgFlags;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.api.MsgMode;

/**
 * The message itself: the one-line dump, the flag state machine and the reference count.
 */
public class MsgDumpTest
{
    @Test
    public void shouldDumpAMessageOnOneLine()
    {
        final MsgPool pool = new MsgPool(4);
        final MsgImpl m = pool.acquire();
        m.type = MsgIds.ROUTE_ADD;
        m.seq = 42;
        m.mode = MsgMode.MULTICAST;
        m.cid = 0;
        m.dest = 1;
        m.payload = "10.0.0.0/8";
        m.initRefs(1);
        m.svFlags(MsgFlags.ASYNC | MsgFlags.STATE_SEND | MsgImpl.SENDER_GAVE_UP);
        assertEquals("msg{type=6, seq=42, mode=MULTICAST, kind=user, cid=0, dest=1, flags=ASYNC|SEND, refs=1, "
            + "payload=10.0.0.0/8, reply=null}", m.toString());
        assertEquals("0", MsgFlags.describe(0));
        assertEquals("SEND|RECV|FIN|CALLBACK_FAIL", MsgFlags.describe(2 | 8 | 16 | 64));
        assertEquals("DROP|TIMEOUT", MsgFlags.describe(32 | 128));
    }

    @Test
    public void shouldEndOnceAndOnlyGainFlags()
    {
        final MsgPool pool = new MsgPool(4);
        final MsgImpl m = pool.acquire();
        m.svFlags(MsgFlags.STATE_SEND);
        m.orFlags(MsgFlags.STATE_RECV);
        assertTrue(m.tryTerminate(MsgFlags.STATE_FIN | MsgFlags.CALLBACK_FAIL));
        // a late timeout cannot turn a finished message into a dropped one, nor finish it twice
        assertFalse(m.tryTerminate(MsgFlags.STATE_DROP | MsgFlags.TIMEOUT));
        assertFalse(m.tryTerminate(MsgFlags.STATE_FIN));
        assertEquals(MsgFlags.STATE_SEND | MsgFlags.STATE_RECV | MsgFlags.STATE_FIN | MsgFlags.CALLBACK_FAIL,
            m.lvFlags());
    }

    @Test
    public void shouldNotReportAReceiptOfAnEarlierUseOfTheSameMessage()
    {
        final MsgPool pool = new MsgPool(4);
        final MsgImpl m = pool.acquire();
        // use 1: received and finished by the receiver, then recycled by its sender
        m.init(MsgImpl.KIND_USER, 200, 1, MsgMode.UNICAST, -1, 1, "first", 0, 2, MsgFlags.STATE_SEND);
        assertTrue(m.markReceived());
        assertTrue(SyncWaiter.finish(m, MsgFlags.STATE_FIN | MsgFlags.STATE_RECV));
        assertEquals(MsgFlags.STATE_SEND | MsgFlags.STATE_RECV | MsgFlags.STATE_FIN, SyncWaiter.finalFlags(m));
        m.recycle();
        // use 2, the same object from the pool: its sender gives up before any receiver took it
        final MsgImpl again = pool.acquire();
        assertSame(m, again);
        again.init(MsgImpl.KIND_USER, 200, 2, MsgMode.UNICAST, -1, 1, "second", 0, 2, MsgFlags.STATE_SEND);
        assertEquals(0, again.lvProgress());
        assertTrue(again.tryTerminate(MsgFlags.STATE_DROP | MsgFlags.TIMEOUT | MsgImpl.SENDER_GAVE_UP));
        // the first use's receipt is still in the progress cell (nobody clears it): it must not count for this one
        assertEquals(MsgFlags.STATE_SEND | MsgFlags.STATE_DROP | MsgFlags.TIMEOUT,
            SyncWaiter.finalFlags(again) & MsgImpl.PUBLIC_FLAGS);
        // the receiver then finds the give-up and does not handle it
        assertFalse(again.markReceived());
    }

    @Test
    public void shouldReturnToThePoolOnlyWhenTheLastHolderReleases()
    {
        final MsgPool pool = new MsgPool(4);
        final MsgImpl m = pool.acquire();
        assertEquals(1, pool.allocated.get());
        m.payload = "held";
        m.initRefs(2);
        m.release();
        assertEquals(0, pool.available());
        assertEquals("held", m.payload);
        m.release();
        assertEquals(1, pool.available());
        assertEquals(null, m.payload);
        try
        {
            m.release();
            org.junit.Assert.fail("a third release of a message held twice went unnoticed");
        }
        catch (final IllegalStateException ex)
        {
            assertTrue(ex.getMessage().startsWith("message released more often than held"));
        }
        assertEquals(m, pool.acquire());
        assertEquals(1, pool.allocated.get());
    }

    @Test
    public void shouldNameErrorsLikeDpvs()
    {
        assertEquals("MSG_DROP", Edpvs.name(Edpvs.MSG_DROP));
        assertEquals("msg dropped", Edpvs.strerror(Edpvs.MSG_DROP));
        assertEquals("msg callback failed", Edpvs.strerror(-23));
        assertEquals("no room", Edpvs.strerror(Edpvs.NOROOM));
        assertEquals("no such device", Edpvs.strerror(-27));
        assertEquals("<unknow>", Edpvs.strerror(-99));
        assertEquals("5", Edpvs.name(5));
    }
}
