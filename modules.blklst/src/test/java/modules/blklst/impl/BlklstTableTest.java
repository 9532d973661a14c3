package modules.blklst.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.Test;

public class BlklstTableTest
{
    private static BlklstEntry v4(final int vaddr, final int vport, final int saddr)
    {
        return new BlklstEntry(2, 6, vport, vaddr & 0xffffffffL, 0, saddr & 0xffffffffL, 0);
    }

    @Test
    public void shouldAddFindAndRemoveTellingEveryKeyFieldApart()
    {
        final BlklstTable t = new BlklstTable(16);
        final BlklstEntry e = v4(0x0a000001, 80, 0x01020304);
        assertTrue(t.add(e));
        assertFalse("a second add of the same entry", t.add(e));
        assertEquals(1, t.size());
        assertTrue(t.contains(e));
        assertTrue(t.contains(BlklstTable.meta(2, 6, 80), 0x0a000001L, 0, 0x01020304L, 0));
        // each field on its own makes another key
        assertFalse(t.contains(new BlklstEntry(2, 17, 80, 0x0a000001L, 0, 0x01020304L, 0)));
        assertFalse(t.contains(v4(0x0a000001, 81, 0x01020304)));
        assertFalse(t.contains(v4(0x0a000002, 80, 0x01020304)));
        assertFalse(t.contains(v4(0x0a000001, 80, 0x01020305)));
        assertFalse(t.contains(new BlklstEntry(10, 6, 80, 0x0a000001L, 0, 0x01020304L, 0)));
        // IPv6: all four address halves count
        final BlklstEntry v6 = new BlklstEntry(10, 6, 80, 1, 2, 3, 4);
        assertTrue(t.add(v6));
        assertTrue(t.contains(v6));
        assertFalse(t.contains(new BlklstEntry(10, 6, 80, 9, 2, 3, 4)));
        assertFalse(t.contains(new BlklstEntry(10, 6, 80, 1, 9, 3, 4)));
        assertFalse(t.contains(new BlklstEntry(10, 6, 80, 1, 2, 9, 4)));
        assertFalse(t.contains(new BlklstEntry(10, 6, 80, 1, 2, 3, 9)));
        assertTrue(t.remove(v6));
        assertTrue(t.remove(e));
        assertFalse(t.remove(e));
        assertFalse(t.contains(e));
        assertEquals(0, t.size());
    }

    /** Against a HashSet: random adds and removes in a small key space, so runs collide and shift a lot. */
    /** Each entry's hit count follows it through growth and through the backward shifts of removals. */
    @Test
    public void shouldKeepEachEntrysHitsThroughGrowthAndRemovals()
    {
        final BlklstTable t = new BlklstTable(16);
        final java.util.Map<BlklstEntry, Long> expect = new java.util.HashMap<>();
        final java.util.Random r = new java.util.Random(7);
        final java.util.List<BlklstEntry> live = new java.util.ArrayList<>();
        for (int round = 0; round < 5000; round++)
        {
            final int op = r.nextInt(10);
            if (op < 4 || live.isEmpty())
            {
                final BlklstEntry e = v4(0x0a000000 + r.nextInt(64), 80, 0x01000000 + r.nextInt(64));
                if (t.add(e))
                {
                    live.add(e);
                    expect.put(e, 0L);
                }
            }
            else if (op < 5)
            {
                final BlklstEntry e = live.remove(r.nextInt(live.size()));
                assertTrue(t.remove(e));
                expect.remove(e);
                assertEquals(0, t.hits(e));
            }
            else
            {
                final BlklstEntry e = live.get(r.nextInt(live.size()));
                assertTrue(t.hitV4(BlklstTable.meta(2, 6, 80), e.vaddrHi(), e.saddrHi()));
                expect.merge(e, 1L, Long::sum);
            }
        }
        assertTrue(live.size() > 16);
        for (final BlklstEntry e : live)
        {
            assertEquals(e.toString(), (long)expect.get(e), t.hits(e));
        }
        assertFalse(t.hitV4(BlklstTable.meta(2, 6, 81), 0x0a000001L, 0x01000001L));
        t.clear();
        assertEquals(0, t.hits(live.get(0)));
    }

    /**
     * The packet hook's filter grows with the table, finds every entry, lets few others through to the table, and
     * is empty again once every entry is gone (removals clear their bits).
     */
    @Test
    public void shouldKeepTheHooksFilterExactForEntriesAndEmptyAfterRemovals()
    {
        final Random rnd = new Random(11);
        final BlklstTable t = new BlklstTable(16);
        final List<BlklstEntry> entries = new ArrayList<>();
        final Set<Long> keys = new HashSet<>();
        while (entries.size() < 20_000)
        {
            final BlklstEntry e = v4(0x0a000000 | rnd.nextInt(64), 80, rnd.nextInt());
            if (t.add(e))
            {
                entries.add(e);
                keys.add(e.vaddrHi() << 32 | e.saddrHi());
            }
        }
        assertTrue("grown past 12 bits an entry", t.bloomFill()[1] >= 12L * 20_000);
        for (final BlklstEntry e : entries)
        {
            assertTrue(e.toString(), t.hitV4(BlklstTable.meta(2, 6, 80), e.vaddrHi(), e.saddrHi()));
        }
        for (int i = 0; i < 100_000; i++)
        {
            final long vaddr = 0x0a000000L | rnd.nextInt(64);
            final long saddr = rnd.nextInt() & 0xffffffffL;
            if (!keys.contains(vaddr << 32 | saddr))
            {
                assertFalse(t.hitV4(BlklstTable.meta(2, 6, 80), vaddr, saddr));
            }
        }
        final long[] fill = t.bloomFill();
        assertTrue("about a sixth of the bits set: " + fill[0] + " of " + fill[1], fill[0] * 4 < fill[1]);
        for (final BlklstEntry e : entries)
        {
            assertTrue(t.remove(e));
        }
        assertEquals("every bit cleared with its entries", 0, t.bloomFill()[0]);
    }

    @Test
    public void shouldAgreeWithASetThroughChurnAndGrowth()
    {
        final Random rnd = new Random(7);
        final BlklstTable t = new BlklstTable(16);
        final Set<BlklstEntry> model = new HashSet<>();
        final List<BlklstEntry> universe = new ArrayList<>();
        for (int i = 0; i < 3_000; i++)
        {
            universe.add(0 == i % 3
                ? new BlklstEntry(10, 17, i % 7, rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), i)
                : v4(0x0a000000 | rnd.nextInt(4), 80 + i % 5, rnd.nextInt(2_000)));
        }
        for (int step = 0; step < 200_000; step++)
        {
            final BlklstEntry e = universe.get(rnd.nextInt(universe.size()));
            if (rnd.nextInt(3) > 0)
            {
                assertEquals(model.add(e), t.add(e));
            }
            else
            {
                assertEquals(model.remove(e), t.remove(e));
            }
            assertEquals(model.size(), t.size());
            if (0 == step % 10_000)
            {
                for (final BlklstEntry each : universe)
                {
                    assertEquals(each.toString(), model.contains(each), t.contains(each));
                    if (2 == each.af())
                    {
                        // the packet hook's lookup, through the per-service filter
                        assertEquals(each.toString(), model.contains(each), t.hitV4(BlklstTable.meta(2,
                            each.proto(), each.vport()), each.vaddrHi(), each.saddrHi()));
                    }
                }
            }
        }
        for (final BlklstEntry each : universe)
        {
            assertEquals(model.contains(each), t.contains(each));
        }
        assertTrue("never more than a quarter full", t.size() * 4 <= t.capacity());
        t.clear();
        assertEquals(0, t.size());
        for (final BlklstEntry each : universe)
        {
            assertFalse(t.contains(each));
        }
    }
}
