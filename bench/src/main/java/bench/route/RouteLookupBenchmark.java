package bench.route;

import java.util.HashMap;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import modules.route.impl.BenchRoute;

/**
 * The route lookup netif's forwarding loop makes, on one lcore's table: our DIR-16-8-8 table ({@code lpm}) against
 * what a Java developer would write instead, one {@code HashMap<Integer, Integer>} per prefix length probed from
 * the longest length present down to /0 ({@code hashPerLength}, boxing on every probe). The same routes (a BGP-like
 * mix: 70% /24, 20% /16../23, 10% /25../32, plus a default route) and the same query stream (addresses inside
 * random routes, 4096 or 1M queries cycled) for both. Lookups per second = 1e9 / the average time. Run with
 * {@code -prof gc} to see the allocation per lookup (none for {@code lpm}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class RouteLookupBenchmark
{
    @Param({"10", "10000", "100000"})
    public int routes;

    /** The table: dir-24-8 (DPDK's rte_lpm, the default) or dir-16-8-8 (the small one). */
    @Param({"dir-24-8", "dir-16-8-8"})
    public String kind;

    /**
     * Queries cycled: 4096 keep the table's touched entries in cache (the lookup's own cost); 1M random ones spread
     * over the table as real traffic does (its cache misses).
     */
    @Param({"4096", "1048576"})
    public int queries;

    private BenchRoute lpm;
    @SuppressWarnings("unchecked")
    private final HashMap<Integer, Integer>[] byLength = new HashMap[33];
    /** The lengths that have routes, longest first. */
    private int[] lengths;
    private int[] query;
    private int next;

    @Setup(Level.Trial)
    public void setUp()
    {
        final Random rnd = new Random(32);
        lpm = new BenchRoute(routes, kind);
        for (int i = 0; i < 33; i++)
        {
            byLength[i] = new HashMap<>();
        }
        lpm.add(0, 0, 0);
        byLength[0].put(0, 0);
        final int[] prefixes = new int[routes];
        final int[] plens = new int[routes];
        int n = 1;
        while (n < routes)
        {
            final int r = rnd.nextInt(10);
            final int plen = r < 7 ? 24 : r < 9 ? 16 + rnd.nextInt(8) : 25 + rnd.nextInt(8);
            final int p = rnd.nextInt() & (-1 << (32 - plen));
            if (lpm.add(p, plen, n))
            {
                byLength[plen].put(p, n);
                prefixes[n] = p;
                plens[n] = plen;
                n++;
            }
        }
        int count = 0;
        for (int l = 32; l >= 0; l--)
        {
            count += byLength[l].isEmpty() ? 0 : 1;
        }
        lengths = new int[count];
        count = 0;
        for (int l = 32; l >= 0; l--)
        {
            if (!byLength[l].isEmpty())
            {
                lengths[count++] = l;
            }
        }
        query = new int[queries];
        for (int q = 0; q < queries; q++)
        {
            // three in four inside a route, the rest anywhere (mostly the default route)
            final int i = 1 + rnd.nextInt(routes - 1);
            query[q] = 0 != (q & 3) ? prefixes[i] | (rnd.nextInt() & ~(-1 << (32 - plens[i])) & (32 == plens[i]
                ? 0 : -1)) : rnd.nextInt();
            if (lpm.lookup(query[q]) != hashPerLength(query[q]))
            {
                throw new IllegalStateException("the baseline disagrees for " + Integer.toHexString(query[q]));
            }
        }
    }

    private int nextQuery()
    {
        final int q = query[next];
        next = (next + 1) & (queries - 1);
        return q;
    }

    private int hashPerLength(final int addr)
    {
        for (final int l : lengths)
        {
            final Integer v = byLength[l].get(0 == l ? 0 : addr & (-1 << (32 - l)));
            if (null != v)
            {
                return v;
            }
        }
        return -1;
    }

    @Benchmark
    public int lpm()
    {
        return lpm.lookup(nextQuery());
    }

    /**
     * 32 lookups in a row, as the forwarding loop makes them for a burst (and as DPDK's C benchmark loops): the
     * lookups are independent, so the CPU overlaps their cache misses. Per lookup.
     */
    @Benchmark
    @OperationsPerInvocation(32)
    public int lpmBurst()
    {
        int sum = 0;
        for (int i = 0; i < 32; i++)
        {
            sum += lpm.lookup(nextQuery());
        }
        return sum;
    }

    @Benchmark
    public int hashPerLength()
    {
        return hashPerLength(nextQuery());
    }
}
