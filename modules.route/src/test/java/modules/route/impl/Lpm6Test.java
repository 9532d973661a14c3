package modules.route.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.Test;

/**
 * {@link Lpm6} against a brute-force reference: every prefix is checked against every lookup address by a linear
 * scan for the longest match.
 */
public class Lpm6Test
{
    /** The reference: a list of (hi, lo, plen, value), scanned. */
    private static final class Brute
    {
        final List<long[]> rules = new ArrayList<>();

        int lookup(final long hi, final long lo)
        {
            int best = -1;
            int bestLen = -1;
            for (final long[] r : rules)
            {
                final int plen = (int)r[2];
                if (plen > bestLen && Lpm6.maskHi(hi, plen) == r[0] && Lpm6.maskLo(lo, plen) == r[1])
                {
                    best = (int)r[3];
                    bestLen = plen;
                }
            }
            return best;
        }

        boolean has(final long hi, final long lo, final int plen)
        {
            return rules.stream().anyMatch(r -> r[0] == hi && r[1] == lo && r[2] == plen);
        }

        void remove(final long hi, final long lo, final int plen)
        {
            rules.removeIf(r -> r[0] == hi && r[1] == lo && r[2] == plen);
        }
    }

    private static final long DB8 = 0x20010db8_00000000L;

    @Test
    public void shouldFindTheLongestMatchAndRestoreTheShorterOneOnDelete()
    {
        final Lpm6 t = new Lpm6(16);
        assertEquals(-1, t.lookup(DB8, 1));
        assertTrue(t.add(0x20010000_00000000L, 0, 16, 1));
        assertTrue(t.add(DB8, 0, 32, 2));
        assertTrue(t.add(DB8 | 0x00010000L, 0, 48, 3));
        assertTrue(t.add(DB8 | 0x00010001L, 0, 64, 4));
        assertTrue(t.add(DB8 | 0x00010001L, 0x80000000_00000000L, 72, 5));
        assertTrue(t.add(DB8 | 0x00010001L, 1, 128, 6));
        assertFalse("a duplicate (bits after the length ignored)", t.add(DB8 | 0x0001ffffL, 7, 48, 9));
        assertEquals(5, t.lengthsInUse() - 1);
        assertEquals(6, t.lookup(DB8 | 0x00010001L, 1));
        assertEquals(4, t.lookup(DB8 | 0x00010001L, 2));
        assertEquals(5, t.lookup(DB8 | 0x00010001L, 0x80123456_789abcdeL));
        assertEquals(3, t.lookup(DB8 | 0x00010002L, 1));
        assertEquals(2, t.lookup(DB8 | 0x00020000L, 1));
        assertEquals(1, t.lookup(0x2001ffff_00000000L, 1));
        assertEquals(-1, t.lookup(0x20020000_00000000L, 1));

        assertEquals(4, t.remove(DB8 | 0x00010001L, 0, 64));
        assertEquals(6, t.lookup(DB8 | 0x00010001L, 1));
        assertEquals("the /48 again", 3, t.lookup(DB8 | 0x00010001L, 2));
        assertEquals(5, t.lookup(DB8 | 0x00010001L, 0x80000000_00000000L));
        assertEquals(-1, t.remove(DB8 | 0x00010001L, 0, 64));
        assertEquals(6, t.remove(DB8 | 0x00010001L, 1, 128));
        assertEquals(5, t.remove(DB8 | 0x00010001L, 0x80000000_00000000L, 72));
        assertEquals(3, t.lookup(DB8 | 0x00010001L, 1));
        assertEquals("only /16, /32 and /48 left", 3, t.lengthsInUse());
        assertEquals(3, t.size());
    }

    @Test
    public void shouldMatchEverythingWithADefaultRouteAndHostRoutesExactly()
    {
        final Lpm6 t = new Lpm6(16);
        assertTrue(t.add(DB8, 7, 128, 7));
        assertTrue(t.add(0, 0, 0, 0));
        assertEquals(0, t.lookup(0, 0));
        assertEquals(0, t.lookup(-1, -1));
        assertEquals(0, t.lookup(DB8, 6));
        assertEquals(7, t.lookup(DB8, 7));
        assertEquals(0, t.lookup(DB8, 8));
        assertTrue(t.add(-1, -1, 128, 8));
        assertEquals(8, t.lookup(-1, -1));
        assertEquals(0, t.remove(0, 0, 0));
        assertEquals(-1, t.lookup(DB8, 6));
        assertEquals(7, t.lookup(DB8, 7));
        assertEquals(7, t.get(DB8, 7, 128));
        assertEquals(-1, t.get(DB8, 7, 127));
        assertEquals(-1, t.remove(DB8, 7, 129));
        t.clear();
        assertEquals(0, t.size());
        assertEquals(0, t.lengthsInUse());
        assertEquals(-1, t.lookup(DB8, 7));
    }

    @Test
    public void shouldMaskAtEveryLength()
    {
        for (int plen = 0; plen <= 128; plen++)
        {
            final long hi = Lpm6.maskHi(-1, plen);
            final long lo = Lpm6.maskLo(-1, plen);
            assertEquals("/" + plen, plen, Long.bitCount(hi) + Long.bitCount(lo));
        }
    }

    /**
     * Random prefixes of every length, nested (addresses drawn from a few values per 16-bit group so that they
     * share long prefixes), added and deleted in random order, against the brute-force reference; then all deleted.
     */
    @Test
    public void shouldAgreeWithBruteForceOnRandomPrefixes()
    {
        final Random rnd = new Random(42);
        for (int round = 0; round < 20; round++)
        {
            final Lpm6 t = new Lpm6(16);
            final Brute b = new Brute();
            for (int i = 0; i < 400; i++)
            {
                final int plen = rnd.nextInt(129);
                final long hi = Lpm6.maskHi(nested(rnd), plen);
                final long lo = Lpm6.maskLo(nested(rnd), plen);
                final boolean fresh = !b.has(hi, lo, plen);
                assertEquals(fresh, t.add(hi, lo, plen, i));
                if (fresh)
                {
                    b.rules.add(new long[] {hi, lo, plen, i});
                }
                if (rnd.nextInt(3) == 0 && !b.rules.isEmpty())
                {
                    final long[] r = b.rules.get(rnd.nextInt(b.rules.size()));
                    assertEquals(r[3], t.remove(r[0], r[1], (int)r[2]));
                    b.remove(r[0], r[1], (int)r[2]);
                }
            }
            assertEquals(b.rules.size(), t.size());
            for (int i = 0; i < 3000; i++)
            {
                final long hi = nested(rnd);
                final long lo = nested(rnd);
                assertEquals(Long.toHexString(hi) + ":" + Long.toHexString(lo), b.lookup(hi, lo), t.lookup(hi, lo));
            }
            for (final long[] r : b.rules)
            {
                assertEquals(b.lookup(r[0], r[1]), t.lookup(r[0], r[1]));
                assertEquals(r[3], t.get(r[0], r[1], (int)r[2]));
            }
            for (final long[] r : new ArrayList<>(b.rules))
            {
                assertEquals(r[3], t.remove(r[0], r[1], (int)r[2]));
            }
            assertEquals(0, t.size());
            assertEquals(0, t.lengthsInUse());
            assertEquals(-1, t.lookup(rnd.nextLong(), rnd.nextLong()));
        }
    }

    /** 8 bytes whose 16-bit groups take one of two values, so that random prefixes nest. */
    private static long nested(final Random rnd)
    {
        long v = 0;
        for (int g = 0; g < 4; g++)
        {
            v = v << 16 | (rnd.nextInt(4) == 0 ? 0x8001 : 0x0db8);
        }
        return v;
    }

    /** 100k routes (mostly /48 and /64, some /32../128): built, looked up, half deleted, the rest still found. */
    @Test
    public void shouldHold100kRoutes()
    {
        final Random rnd = new Random(7);
        final Lpm6 t = new Lpm6(16);
        final long[] hi = new long[100_000];
        final long[] lo = new long[100_000];
        final int[] len = new int[100_000];
        final long start = System.nanoTime();
        int n = 0;
        while (n < hi.length)
        {
            final int r = rnd.nextInt(10);
            final int plen = r < 5 ? 48 : r < 9 ? 64 : 32 + rnd.nextInt(97);
            final long h = Lpm6.maskHi(DB8 | rnd.nextInt() & 0xffffffffL, plen);
            final long l = Lpm6.maskLo(rnd.nextLong(), plen);
            if (t.add(h, l, plen, n))
            {
                hi[n] = h;
                lo[n] = l;
                len[n] = plen;
                n++;
            }
        }
        final long addMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(100_000, t.size());
        for (int i = 0; i < n; i++)
        {
            final int v = t.lookup(hi[i], lo[i]);
            assertTrue(v == i || len[v] > len[i]);
            assertEquals(i, t.get(hi[i], lo[i], len[i]));
        }
        System.out.printf("Lpm6: 100k routes added in %d ms, %d prefix lengths, %.1f MB%n", addMs, t.lengthsInUse(),
            t.bytes() / 1e6);
        for (int i = 0; i < n; i += 2)
        {
            assertEquals(i, t.remove(hi[i], lo[i], len[i]));
        }
        assertEquals(50_000, t.size());
        for (int i = 1; i < n; i += 2)
        {
            assertEquals(i, t.get(hi[i], lo[i], len[i]));
            final int v = t.lookup(hi[i], lo[i]);
            assertTrue(v == i || len[v] > len[i]);
        }
    }
}
