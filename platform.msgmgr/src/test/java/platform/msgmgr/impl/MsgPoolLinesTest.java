package platform.msgmgr.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.Test;

/**
 * The pool keeps messages whose per-use fields straddle two cache lines off the lcores' stacks, so an lcore's
 * synchronous sends move one line per round trip, not two (bench/RESULTS.md section 23).
 */
public class MsgPoolLinesTest
{
    private static final int LCORE = 0;

    @Test
    public void shouldReadWhereAMessageSitsOnItsLines()
    {
        assertTrue("object addresses readable on this JVM", CacheLines.AVAILABLE);
        assertEquals("per-use block " + CacheLines.HOT_FIRST + ".." + CacheLines.HOT_END, 24,
            CacheLines.HOT_END - CacheLines.HOT_FIRST);
        // two objects allocated one after the other lie 16 bytes apart (most tries: a new allocation buffer breaks one)
        final Object[] probe = CacheLines.newProbe();
        int apart16 = 0;
        for (int i = 0; i < 32; i++)
        {
            final Object a = new Object();
            final Object b = new Object();
            final long d = CacheLines.address(b, probe) - CacheLines.address(a, probe);
            if (16 == d)
            {
                apart16++;
            }
            assertEquals(0, CacheLines.address(a, probe) % 8);
        }
        assertTrue(apart16 + " of 32 pairs 16 bytes apart", apart16 >= 24);
        // messages land on every alignment: some straddle, most do not (2 in 8 alignments of a 24-byte block)
        final MsgPool pool = new MsgPool(64, () -> LCORE);
        final List<Object> fillers = new ArrayList<>();
        int straddling = 0;
        for (int i = 0; i < 64; i++)
        {
            fillers.add(new long[i % 8]); // a message and its progress cell fill whole lines: vary where the next sits
            final MsgImpl m = new MsgImpl(pool);
            final long a = CacheLines.address(m, probe);
            final boolean two = (a + CacheLines.HOT_FIRST) / 64 != (a + CacheLines.HOT_END - 1) / 64;
            assertEquals(two, pool.straddles(m, LCORE));
            straddling += two ? 1 : 0;
        }
        assertTrue(straddling + " of 64 straddle", straddling > 0 && straddling < 32);
    }

    @Test
    public void shouldKeepMessagesOnTwoLinesOffAnLcoresStack()
    {
        final MsgPool pool = new MsgPool(1024, () -> LCORE);
        final List<MsgImpl> held = new ArrayList<>();
        final List<Object> fillers = new ArrayList<>();
        for (int i = 0; i < MsgPool.STASH; i++)
        {
            fillers.add(new long[i % 8]); // vary where the next new message sits
            held.add(pool.acquire(LCORE));
        }
        int straddling = 0;
        for (final MsgImpl m : held)
        {
            final boolean two = pool.straddles(m, LCORE);
            straddling += two ? 1 : 0;
            pool.recycle(m, LCORE, two);
        }
        assertTrue("some of the new messages straddle: " + straddling, straddling > 0);
        assertEquals(straddling, pool.straddlersSkipped.get());
        // the stack holds the others: every one of them on one line
        for (int i = 0; i < MsgPool.STASH - straddling; i++)
        {
            assertFalse("message " + i + " from the stack straddles", pool.straddles(pool.acquire(LCORE), LCORE));
        }
    }

    @Test
    public void shouldGiveAnLcoreWhoseOnlyMessageStraddlesAnotherOne()
    {
        final MsgPool pool = new MsgPool(1024, () -> LCORE);
        MsgImpl straddler = null;
        final List<Object> fillers = new ArrayList<>();
        for (int i = 0; i < 64 && null == straddler; i++)
        {
            fillers.add(new long[i % 8]); // vary where the next new message sits
            final MsgImpl m = pool.acquire(LCORE);
            if (pool.straddles(m, LCORE))
            {
                straddler = m;
            }
        }
        assertTrue("a straddling message among 64 new ones", null != straddler);
        // a sender with one message in flight: its stack is empty when the message comes back
        pool.recycle(straddler, LCORE, true);
        final MsgImpl next = pool.acquire(LCORE);
        assertNotSame("the straddling message came back", straddler, next);
        assertFalse(pool.straddles(next, LCORE));
    }
}
