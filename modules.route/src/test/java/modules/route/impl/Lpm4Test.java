package modules.route.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * Both IPv4 tables, {@link Lpm4} (DIR-16-8-8) and {@link Lpm24} (DIR-24-8), against a brute-force reference: every
 * prefix is checked against every lookup address by a linear scan for the longest match; lookups cover the whole
 * 32-bit space, and 20 000 of them are checked that way against the 100k-route table.
 */
@RunWith(Parameterized.class)
public class Lpm4Test
{
    @Parameters(name = "{0}")
    public static List<Object[]> kinds()
    {
        return List.of(new Object[] {Lpm.DIR_16_8_8}, new Object[] {Lpm.DIR_24_8});
    }

    @Parameter
    public String kind;

    /** The reference: a list of (prefix, plen, value), scanned. */
    private static final class Brute
    {
        final List<int[]> rules = new ArrayList<>();

        int lookup(final int addr)
        {
            int best = -1;
            int bestLen = -1;
            for (final int[] r : rules)
            {
                if (r[1] > bestLen && LpmRules.mask(addr, r[1]) == r[0])
                {
                    best = r[2];
                    bestLen = r[1];
                }
            }
            return best;
        }

        boolean remove(final int p, final int plen)
        {
            return rules.removeIf(r -> r[0] == p && r[1] == plen);
        }
    }

    private static int ip(final int a, final int b, final int c, final int d)
    {
        return a << 24 | b << 16 | c << 8 | d;
    }

    @Test
    public void shouldFindTheLongestMatchAndRestoreTheShorterOneOnDelete()
    {
        final Lpm t = Lpm.of(kind, 16);
        assertEquals(-1, t.lookup(ip(10, 1, 2, 3)));
        assertTrue(t.add(ip(10, 0, 0, 0), 8, 1));
        assertTrue(t.add(ip(10, 1, 0, 0), 16, 2));
        assertTrue(t.add(ip(10, 1, 2, 0), 24, 3));
        assertTrue(t.add(ip(10, 1, 2, 128), 25, 4));
        assertTrue(t.add(ip(10, 1, 2, 3), 32, 5));
        assertFalse("a duplicate", t.add(ip(10, 1, 2, 9), 24, 9));
        assertEquals(5, t.lookup(ip(10, 1, 2, 3)));
        assertEquals(3, t.lookup(ip(10, 1, 2, 4)));
        assertEquals(4, t.lookup(ip(10, 1, 2, 200)));
        assertEquals(2, t.lookup(ip(10, 1, 3, 1)));
        assertEquals(1, t.lookup(ip(10, 2, 0, 1)));
        assertEquals(-1, t.lookup(ip(11, 0, 0, 1)));

        assertEquals(3, t.remove(ip(10, 1, 2, 0), 24));
        assertEquals(5, t.lookup(ip(10, 1, 2, 3)));
        assertEquals("the /16 again", 2, t.lookup(ip(10, 1, 2, 4)));
        assertEquals(4, t.lookup(ip(10, 1, 2, 200)));
        assertEquals(5, t.remove(ip(10, 1, 2, 3), 32));
        assertEquals(4, t.remove(ip(10, 1, 2, 128), 25));
        assertEquals(2, t.lookup(ip(10, 1, 2, 3)));
        assertEquals("groups folded back once nothing longer than /16 is left", 0, t.groupsInUse());
        assertEquals(-1, t.remove(ip(10, 1, 2, 3), 32));
        assertEquals(2, t.remove(ip(10, 1, 0, 0), 16));
        assertEquals(1, t.lookup(ip(10, 1, 2, 3)));
    }

    @Test
    public void shouldMatchEverythingWithADefaultRouteAndHostRoutesExactly()
    {
        final Lpm t = Lpm.of(kind, 16);
        assertTrue(t.add(ip(192, 168, 0, 7), 32, 7));
        assertTrue(t.add(0, 0, 0));
        assertEquals(0, t.lookup(0));
        assertEquals(0, t.lookup(-1));
        assertEquals(0, t.lookup(ip(192, 168, 0, 6)));
        assertEquals(7, t.lookup(ip(192, 168, 0, 7)));
        assertEquals(0, t.lookup(ip(192, 168, 0, 8)));
        assertTrue(t.add(ip(255, 255, 255, 255), 32, 8));
        assertEquals(8, t.lookup(-1));
        assertEquals(0, t.remove(0, 0));
        assertEquals(-1, t.lookup(ip(192, 168, 0, 6)));
        assertEquals(7, t.lookup(ip(192, 168, 0, 7)));
        assertEquals("bits after the length are ignored", 7, t.get(ip(192, 168, 0, 7), 32));
        assertEquals(-1, t.get(ip(192, 168, 0, 7), 31));
    }

    /** Random prefixes of every length, added and deleted in random order, against the brute-force reference. */
    @Test
    public void shouldAgreeWithBruteForceOnRandomPrefixes()
    {
        final Random rnd = new Random(42);
        for (int round = 0; round < 20; round++)
        {
            final Lpm t = Lpm.of(kind, 16);
            final Brute b = new Brute();
            // addresses clustered in a few /8s so prefixes nest
            for (int i = 0; i < 300; i++)
            {
                final int plen = rnd.nextInt(33);
                final int p = LpmRules.mask((rnd.nextInt(4) << 24) | (rnd.nextInt(4) << 16) | rnd.nextInt(1 << 16), plen);
                final boolean added = t.add(p, plen, i);
                final boolean fresh = b.rules.stream().noneMatch(r -> r[0] == p && r[1] == plen);
                assertEquals(fresh, added);
                if (added)
                {
                    b.rules.add(new int[] {p, plen, i});
                }
                if (rnd.nextInt(3) == 0 && !b.rules.isEmpty())
                {
                    final int[] r = b.rules.get(rnd.nextInt(b.rules.size()));
                    assertEquals(r[2], t.remove(r[0], r[1]));
                    b.remove(r[0], r[1]);
                }
            }
            for (int i = 0; i < 3000; i++)
            {
                final int a = (rnd.nextInt(5) << 24) | (rnd.nextInt(5) << 16) | rnd.nextInt(1 << 16);
                assertEquals(Integer.toHexString(a), b.lookup(a), t.lookup(a));
            }
            // and over the whole 32-bit space: the short prefixes (plen < 8) reach far past the clustered /8s
            for (int i = 0; i < 3000; i++)
            {
                final int a = rnd.nextInt();
                assertEquals(Integer.toHexString(a), b.lookup(a), t.lookup(a));
            }
            for (final int[] r : b.rules)
            {
                assertEquals(b.lookup(r[0]), t.lookup(r[0]));
            }
            // delete everything: every group is folded back, nothing matches
            for (final int[] r : new ArrayList<>(b.rules))
            {
                assertEquals(r[2], t.remove(r[0], r[1]));
            }
            assertEquals(0, t.size());
            assertEquals(0, t.groupsInUse());
            assertEquals(-1, t.lookup(rnd.nextInt()));
        }
    }

    /**
     * Random nested prefixes anywhere in the 32-bit space (each new one either fresh or a longer prefix inside an
     * existing one), looked up at random addresses of the whole space, inside random prefixes and at each prefix's
     * first and last address and the addresses just outside it, against the brute-force reference.
     */
    @Test
    public void shouldAgreeWithBruteForceOverTheWhole32BitSpace()
    {
        final Random rnd = new Random(4242);
        for (int round = 0; round < 10; round++)
        {
            final Lpm t = Lpm.of(kind, 16);
            final Brute b = new Brute();
            for (int i = 0; i < 500; i++)
            {
                final int plen;
                final int p;
                if (b.rules.isEmpty() || rnd.nextBoolean())
                {
                    plen = rnd.nextInt(33);
                    p = LpmRules.mask(rnd.nextInt(), plen);
                }
                else
                {
                    final int[] outer = b.rules.get(rnd.nextInt(b.rules.size()));
                    plen = outer[1] + rnd.nextInt(33 - outer[1]);
                    p = LpmRules.mask(outer[0] | rnd.nextInt() & hostBits(outer[1]), plen);
                }
                final boolean fresh = b.rules.stream().noneMatch(r -> r[0] == p && r[1] == plen);
                assertEquals(fresh, t.add(p, plen, i));
                if (fresh)
                {
                    b.rules.add(new int[] {p, plen, i});
                }
                if (rnd.nextInt(4) == 0)
                {
                    final int[] r = b.rules.get(rnd.nextInt(b.rules.size()));
                    assertEquals(r[2], t.remove(r[0], r[1]));
                    b.remove(r[0], r[1]);
                }
            }
            for (int i = 0; i < 5000; i++)
            {
                final int a = rnd.nextInt();
                assertEquals(Integer.toHexString(a), b.lookup(a), t.lookup(a));
            }
            for (final int[] r : b.rules)
            {
                final int last = r[0] | hostBits(r[1]);
                final int[] probes = {r[0], last, r[0] - 1, last + 1, r[0] | rnd.nextInt() & hostBits(r[1])};
                for (final int a : probes)
                {
                    assertEquals(Integer.toHexString(a), b.lookup(a), t.lookup(a));
                }
            }
        }
    }

    /** @return the host part's mask of a prefix length (0 for /32, all ones for /0). */
    private static int hostBits(final int plen)
    {
        return 32 == plen ? 0 : -1 >>> plen;
    }

    /**
     * The longest match by a linear scan of every live prefix of the arrays (masks precomputed: 100k prefixes per
     * lookup).
     *
     * @return the index of the longest prefix containing {@code a}, or -1.
     */
    private static int scan(final int[] p, final int[] mask, final int[] len, final boolean[] live, final int a)
    {
        int best = -1;
        int bestLen = -1;
        for (int j = 0; j < p.length; j++)
        {
            if ((a & mask[j]) == p[j] && len[j] > bestLen && live[j])
            {
                best = j;
                bestLen = len[j];
            }
        }
        return best;
    }

    /**
     * 20 000 lookups against the 100k-route table checked by a linear scan of all its prefixes: half at random
     * addresses of the whole space, half inside a random live route (where longer routes may nest in it).
     */
    private static void assertAgreesWithScan(final Lpm t, final int[] p, final int[] len, final boolean[] live,
        final Random rnd, final int lookups)
    {
        final int[] mask = new int[p.length];
        for (int j = 0; j < p.length; j++)
        {
            mask[j] = ~hostBits(len[j]);
        }
        int matched = 0;
        for (int i = 0; i < lookups; i++)
        {
            final int a;
            if (0 == (i & 1))
            {
                a = rnd.nextInt();
            }
            else
            {
                int r = rnd.nextInt(p.length);
                while (!live[r])
                {
                    r = rnd.nextInt(p.length);
                }
                a = p[r] | rnd.nextInt() & hostBits(len[r]);
            }
            final int want = scan(p, mask, len, live, a);
            assertEquals(Integer.toHexString(a), want, t.lookup(a));
            matched += want >= 0 ? 1 : 0;
        }
        // every lookup inside a live route matches, and a good part of the random ones (the /16../23 routes)
        assertTrue("lookups matching a route: " + matched, matched > lookups / 2 && matched < lookups);
    }

    /** 100k random routes: built quickly, looked up correctly (checked against a hash of the exact prefixes). */
    @Test
    public void shouldHold100kRoutes()
    {
        final Random rnd = new Random(7);
        final Lpm t = Lpm.of(kind, 100_000);
        final int[] p = new int[100_000];
        final int[] len = new int[100_000];
        final long start = System.nanoTime();
        int n = 0;
        while (n < p.length)
        {
            // a BGP-like mix: mostly /24, some /16../23, a few longer
            final int r = rnd.nextInt(10);
            final int plen = r < 7 ? 24 : r < 9 ? 16 + rnd.nextInt(8) : 25 + rnd.nextInt(8);
            final int a = LpmRules.mask(rnd.nextInt(), plen);
            if (t.add(a, plen, n))
            {
                p[n] = a;
                len[n] = plen;
                n++;
            }
        }
        final long addMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(100_000, t.size());
        final boolean[] live = new boolean[n];
        java.util.Arrays.fill(live, true);
        assertAgreesWithScan(t, p, len, live, rnd, 20_000);
        // a /32 host route inside every route's range matches a route at least as long: itself, or a longer one
        for (int i = 0; i < n; i++)
        {
            final int v = t.lookup(p[i] | (rnd.nextInt() & ~(-1 << (32 - len[i])) & (len[i] == 32 ? 0 : -1)));
            assertTrue(v >= 0 && len[v] >= len[i] || v == i);
        }
        for (int i = 0; i < n; i++)
        {
            assertEquals(i, t.get(p[i], len[i]));
        }
        System.out.printf(kind + ": 100k routes added in %d ms, %d groups, %.1f MB%n", addMs, t.groupsInUse(),
            t.bytes() / 1e6);
        for (int i = 0; i < n; i += 2)
        {
            assertEquals(i, t.remove(p[i], len[i]));
        }
        assertEquals(50_000, t.size());
        for (int i = 0; i < n; i += 2)
        {
            live[i] = false;
        }
        assertAgreesWithScan(t, p, len, live, rnd, 5_000);
        for (int i = 1; i < n; i += 2)
        {
            assertEquals(i, t.get(p[i], len[i]));
            final int v = t.lookup(p[i]);
            assertTrue(v >= 0 && (v == i || len[v] > len[i]));
        }
    }
}
