package platform.mp.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The statistics segment: names and values round-trip, and a reader never sees a torn update. */
public class MpStatsTest
{
    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private MappedByteBuffer region(final int size) throws Exception
    {
        final Path f = tmp.newFile().toPath();
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw"))
        {
            r.setLength(size);
        }
        // two mappings of one file: writer and reader do not share a buffer object, as in two processes
        return MpRegions.map(f, size);
    }

    @Test
    public void shouldRoundTripNamesAndValues() throws Exception
    {
        final MappedByteBuffer b = region(MpStats.size(3));
        MpStats.format(b, "peers", "protocol_errors", "x".repeat(60));
        assertEquals(Map.of("peers", 0L, "protocol_errors", 0L, "x".repeat(48), 0L), MpStats.read(b));
        MpStats.update(b, new long[] {2, 7, -1});
        assertEquals(Map.of("peers", 2L, "protocol_errors", 7L, "x".repeat(48), -1L), MpStats.read(b));
    }

    @Test
    public void shouldNeverReturnATornSnapshot() throws Exception
    {
        final int n = 8;
        final Path f = tmp.newFile().toPath();
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw"))
        {
            r.setLength(MpStats.size(n));
        }
        final MappedByteBuffer w = MpRegions.map(f, MpStats.size(n));
        final MappedByteBuffer rd = MpRegions.map(f, MpStats.size(n));
        final String[] names = new String[n];
        for (int i = 0; i < n; i++)
        {
            names[i] = "c" + i;
        }
        MpStats.format(w, names);
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread writer = new Thread(() ->
        {
            final long[] v = new long[n];
            long k = 0;
            while (!stop.get())
            {
                k++;
                for (int i = 0; i < n; i++)
                {
                    v[i] = k;
                }
                MpStats.update(w, v);
                // far faster than the primary's 100 ms, and room for the reader between updates
                LockSupport.parkNanos(20_000);
            }
        });
        writer.start();
        try
        {
            long last = 0;
            for (int i = 0; i < 20_000; i++)
            {
                final Map<String, Long> m = MpStats.read(rd);
                final long first = m.get("c0");
                for (final long v : m.values())
                {
                    assertEquals("a torn snapshot: " + m, first, v);
                }
                assertTrue("values go forward", first >= last);
                last = first;
            }
            assertTrue("the writer made progress", last > 0);
        }
        finally
        {
            stop.set(true);
            writer.join(5000);
        }
    }

    @Test
    public void shouldNeverMixTwoSetsOfNames() throws Exception
    {
        // the writer swaps between two sets of counters (names, count and values change together, as lcores or
        // message types come and go); a reader sees one set whole, never names of one with values of the other
        final int cap = 16;
        final Path f = tmp.newFile().toPath();
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw"))
        {
            r.setLength(MpStats.size(cap));
        }
        final MappedByteBuffer w = MpRegions.map(f, MpStats.size(cap));
        final MappedByteBuffer rd = MpRegions.map(f, MpStats.size(cap));
        final String[] a = new String[12];
        final String[] b = new String[5];
        for (int i = 0; i < a.length; i++)
        {
            a[i] = "lcore." + i + ".loops";
        }
        for (int i = 0; i < b.length; i++)
        {
            b[i] = "msg.type" + i + ".sent";
        }
        MpStats.format(w);
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread writer = new Thread(() ->
        {
            long k = 0;
            final long[] va = new long[a.length];
            final long[] vb = new long[b.length];
            while (!stop.get())
            {
                k++;
                java.util.Arrays.fill(va, 2 * k);
                java.util.Arrays.fill(vb, 2 * k + 1);
                if (0 == (k & 1))
                {
                    MpStats.update(w, a, va, a.length);
                }
                else
                {
                    MpStats.update(w, b, vb, b.length);
                }
                LockSupport.parkNanos(20_000);
            }
        });
        writer.start();
        try
        {
            int seenA = 0;
            int seenB = 0;
            for (int i = 0; i < 20_000; i++)
            {
                final Map<String, Long> m = MpStats.read(rd);
                if (m.isEmpty())
                {
                    // formatted, before the writer's first update
                    continue;
                }
                final boolean isA = m.containsKey(a[0]);
                assertEquals("a mixed snapshot: " + m, isA ? a.length : b.length, m.size());
                final long v0 = m.values().iterator().next();
                for (final Map.Entry<String, Long> e : m.entrySet())
                {
                    assertTrue("a mixed snapshot: " + m, e.getKey().startsWith(isA ? "lcore." : "msg."));
                    assertEquals("a torn snapshot: " + m, v0, (long) e.getValue());
                }
                assertEquals("even values with set a, odd with b: " + m, isA ? 0 : 1, v0 & 1);
                if (isA)
                {
                    seenA++;
                }
                else
                {
                    seenB++;
                }
            }
            assertTrue("both sets seen: " + seenA + " / " + seenB, seenA > 0 && seenB > 0);
        }
        finally
        {
            stop.set(true);
            writer.join(5000);
        }
    }
}
