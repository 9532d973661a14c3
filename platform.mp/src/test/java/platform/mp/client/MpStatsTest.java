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
}
