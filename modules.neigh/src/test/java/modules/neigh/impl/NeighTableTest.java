package modules.neigh.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.Test;

import modules.neigh.api.NeighConf;
import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;

/**
 * The open-addressing table against a {@link HashMap} through random inserts and removals (backward-shift deletion
 * keeps every remaining entry findable), and the held-packet blocks: per-entry bound, block exhaustion, order, and
 * blocks travelling with entries that deletion moves.
 */
public class NeighTableTest
{
    @Test
    public void shouldAgreeWithAHashMapThroughRandomInsertsAndRemovals()
    {
        final NeighTable t = new NeighTable(1, 500, 2, 16);
        final Map<Long, Long> ref = new HashMap<>();
        final Random r = new Random(42);
        final Mbuf[] out = new Mbuf[2];
        for (int round = 0; round < 200_000; round++)
        {
            // few distinct keys so that runs collide and removals shift
            final int ip = 0x0a000000 | r.nextInt(700);
            final int port = r.nextInt(2);
            final long key = NeighTable.key(ip, port);
            final int slot = t.find(ip, port);
            assertEquals("present " + Long.toHexString(key), ref.containsKey(key), slot >= 0);
            if (slot >= 0)
            {
                assertEquals(ref.get(key).longValue(), t.mac(slot));
                assertEquals(ip, t.ip(slot));
                assertEquals(port, t.port(slot));
                if (r.nextBoolean())
                {
                    t.remove(slot, out);
                    ref.remove(key);
                }
            }
            else
            {
                final int s = t.insert(ip, port);
                if (ref.size() >= 500)
                {
                    assertEquals("full", -1, s);
                    continue;
                }
                assertTrue(s >= 0);
                final long mac = r.nextLong() & 0xffffffffffffL;
                t.mac(s, mac);
                ref.put(key, mac);
            }
            assertEquals(ref.size(), t.size());
        }
        for (final Map.Entry<Long, Long> e : ref.entrySet())
        {
            final int s = t.find((int)(long)e.getKey(), (int)(e.getKey() >>> 32));
            assertEquals(e.getValue().longValue(), t.mac(s));
        }
    }

    @Test
    public void shouldBoundTheHeldPacketsAndKeepThemWithTheirEntry()
    {
        final MbufPool pool = new MbufPool("t", 64, 256);
        final NeighTable t = new NeighTable(1, 64, 3, 2);
        final int a = t.insert(1, 0);
        final int b = t.insert(2, 0);
        final int c = t.insert(3, 0);
        final Mbuf[] m = new Mbuf[8];
        for (int i = 0; i < m.length; i++)
        {
            m[i] = pool.alloc(-1);
        }
        assertTrue(t.hold(a, m[0]));
        assertTrue(t.hold(a, m[1]));
        assertTrue(t.hold(a, m[2]));
        assertFalse("3 per entry", t.hold(a, m[3]));
        assertTrue(t.hold(b, m[4]));
        assertFalse("2 blocks: no room for a third entry", t.hold(c, m[5]));
        assertEquals(3, t.heldCount(a));
        assertEquals(NeighConf.NUD_NONE, t.state(c));
        assertEquals(3, t.unrequested());
        t.state(a, NeighConf.NUD_SEND);
        assertEquals(2, t.unrequested());
        // removing b frees its block for c; a's packets stay with a whatever slot it moves to
        final Mbuf[] out = new Mbuf[3];
        assertEquals(1, t.remove(b, out));
        assertEquals(m[4], out[0]);
        assertTrue(t.hold(t.find(3, 0), m[5]));
        final int a2 = t.find(1, 0);
        assertEquals(3, t.takeHeld(a2, out));
        assertEquals(m[0], out[0]);
        assertEquals(m[1], out[1]);
        assertEquals(m[2], out[2]);
        assertEquals(0, t.heldCount(a2));
        assertEquals(1, t.unrequested());
    }
}
