package bench.blklst;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import modules.blklst.impl.BenchBlklst;

/**
 * The blacklist's data-path lookup on one lcore: our open-addressing table ({@code table}) against what a Java
 * developer would write instead, a {@code HashSet} of key records built per lookup ({@code hashset}) and one
 * {@code ConcurrentHashMap} key set shared by every lcore ({@code chm}, no per-lcore copies, no messages). The same
 * entries and the same query stream (half hits, half misses, random order, 4096 queries cycled) for all three.
 * Run with {@code -prof gc} to see the allocation per lookup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class BlklstLookupBenchmark
{
    /** What a developer would key a set with. */
    record Key(int proto, int vaddr, int vport, int saddr)
    {
    }

    private static final int QUERIES = 4096;

    @Param({"1000", "65536"})
    public int entries;

    private BenchBlklst table;
    private Set<Key> hashSet;
    private Set<Key> chm;
    private final int[] proto = new int[QUERIES];
    private final int[] vaddr = new int[QUERIES];
    private final int[] vport = new int[QUERIES];
    private final int[] saddr = new int[QUERIES];
    private int next;

    @Setup(Level.Trial)
    public void setUp()
    {
        final Random rnd = new Random(76);
        table = new BenchBlklst();
        hashSet = new HashSet<>();
        chm = ConcurrentHashMap.newKeySet();
        final int[][] added = new int[entries][];
        for (int i = 0; i < entries; i++)
        {
            // a few services, many clients: the shape of a real blacklist
            final int[] e = {6, 0x0a000000 | rnd.nextInt(8), 80 + rnd.nextInt(4), rnd.nextInt()};
            added[i] = e;
            table.addV4(e[0], e[1], e[2], e[3]);
            hashSet.add(new Key(e[0], e[1], e[2], e[3]));
            chm.add(new Key(e[0], e[1], e[2], e[3]));
        }
        for (int q = 0; q < QUERIES; q++)
        {
            final int[] e = added[rnd.nextInt(entries)];
            proto[q] = e[0];
            vaddr[q] = e[1];
            vport[q] = e[2];
            // odd queries miss: another client of the same service
            saddr[q] = 0 == (q & 1) ? e[3] : rnd.nextInt();
        }
    }

    @Benchmark
    public boolean table()
    {
        final int q = next++ & (QUERIES - 1);
        return table.containsV4(proto[q], vaddr[q], vport[q], saddr[q]);
    }

    @Benchmark
    public boolean hashset()
    {
        final int q = next++ & (QUERIES - 1);
        return hashSet.contains(new Key(proto[q], vaddr[q], vport[q], saddr[q]));
    }

    @Benchmark
    public boolean chm()
    {
        final int q = next++ & (QUERIES - 1);
        return chm.contains(new Key(proto[q], vaddr[q], vport[q], saddr[q]));
    }
}
