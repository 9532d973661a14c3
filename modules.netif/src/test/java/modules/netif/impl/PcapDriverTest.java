package modules.netif.impl;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;
import platform.lcore.api.Edpvs;

/**
 * The pcap driver: what it transmits is a valid capture holding the same frames (read back by a reader of this
 * test's own, and by tcpdump where the machine has it), which it receives again in order; hand-written inputs in
 * both byte orders and with nanosecond timestamps; loop, pacing, truncated and oversized records; refusals naming
 * the port and the file; bursts allocate nothing.
 */
public class PcapDriverTest
{
    private static final int PORT_ID = 5;
    private static final int POOL_BUFFER = 2048;

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final MbufPool pool = new MbufPool("pcap-test", 512, POOL_BUFFER);
    private final Mbuf[] burst = new Mbuf[PortDevice.MAX_BURST];
    private final List<PortDevice> open = new ArrayList<>();

    @After
    public void cleanUp()
    {
        for (final PortDevice d : open)
        {
            d.close();
        }
    }

    private static PortConf conf(final String... kv)
    {
        final Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2)
        {
            options.put(kv[i], kv[i + 1]);
        }
        return new PortConf(PORT_ID, "pcap0", "pcap", options, "netif.conf:9");
    }

    private PcapDevice open(final String... kv) throws PortException
    {
        final PcapDevice d = (PcapDevice)new PcapDriver().open(conf(kv), pool);
        open.add(d);
        return d;
    }

    /** Frame {@code i}: {@code len} bytes, an Ethernet header then a pattern that names the frame. */
    private static byte[] frame(final int i, final int len)
    {
        final byte[] f = new byte[len];
        for (int j = 0; j < len; j++)
        {
            f[j] = (byte)(i * 31 + j * 7);
        }
        f[12] = 0x08;
        f[13] = 0x00;
        f[14] = (byte)i;
        f[15] = (byte)(i >> 8);
        return f;
    }

    private static List<byte[]> frames(final int count)
    {
        final List<byte[]> l = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            l.add(frame(i, 60 + i * 37 % 1455));
        }
        return l;
    }

    /**
     * Writes a capture by hand.
     *
     * @param cut bytes cut off the end of the file (a truncated last record).
     */
    private static void writePcap(final Path p, final ByteOrder order, final boolean ns, final int linktype,
        final List<byte[]> frames, final int cut) throws IOException
    {
        int size = 24;
        for (final byte[] f : frames)
        {
            size += 16 + f.length;
        }
        final ByteBuffer b = ByteBuffer.allocate(size).order(order);
        b.putInt(ns ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short)2).putShort((short)4).putInt(0).putInt(0)
            .putInt(65535).putInt(linktype);
        int sec = 1_700_000_000;
        for (final byte[] f : frames)
        {
            b.putInt(sec++).putInt(ns ? 999_999_999 : 999_999).putInt(f.length).putInt(f.length).put(f);
        }
        Files.write(p, Arrays.copyOf(b.array(), size - cut));
    }

    /** What a capture holds, as this test's own reader sees it. */
    private static final class Capture
    {
        final List<byte[]> frames = new ArrayList<>();
        final List<Long> timesUs = new ArrayList<>();
    }

    /** Reads a capture as the driver writes it: little-endian, microseconds, Ethernet, snaplen 65535. */
    private static Capture readPcap(final Path p) throws IOException
    {
        final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, b.getInt());
        assertEquals(2, b.getShort());
        assertEquals(4, b.getShort());
        assertEquals(0, b.getInt());
        assertEquals(0, b.getInt());
        assertEquals(65535, b.getInt());
        assertEquals(1, b.getInt());
        final Capture c = new Capture();
        while (b.hasRemaining())
        {
            assertTrue("a whole record header", b.remaining() >= 16);
            final long sec = b.getInt() & 0xffffffffL;
            final int us = b.getInt();
            assertTrue(us >= 0 && us < 1_000_000);
            final int incl = b.getInt();
            final int orig = b.getInt();
            assertEquals(incl, orig);
            assertTrue("a whole record", b.remaining() >= incl);
            final byte[] f = new byte[incl];
            b.get(f);
            c.frames.add(f);
            c.timesUs.add(sec * 1_000_000 + us);
        }
        return c;
    }

    private void transmit(final PortDevice d, final List<byte[]> frames)
    {
        int i = 0;
        while (i < frames.size())
        {
            final int n = Math.min(burst.length, frames.size() - i);
            assertTrue(pool.allocBulk(-1, burst, n));
            for (int j = 0; j < n; j++)
            {
                final byte[] f = frames.get(i + j);
                System.arraycopy(f, 0, burst[j].array(), burst[j].offset(), f.length);
                burst[j].length(f.length);
            }
            assertEquals(n, d.txBurst(-1, 0, burst, n));
            i += n;
        }
    }

    /** Receives until {@code count} frames came or {@code polls} polls in a row gave none. */
    private List<byte[]> receive(final PortDevice d, final int count, final int polls)
    {
        final List<byte[]> got = new ArrayList<>();
        int idle = 0;
        while (got.size() < count && idle < polls)
        {
            final int n = d.rxBurst(-1, 0, burst, Math.min(burst.length, count - got.size()));
            idle = 0 == n ? idle + 1 : 0;
            for (int i = 0; i < n; i++)
            {
                final Mbuf m = burst[i];
                assertEquals(PORT_ID, m.port());
                assertEquals(0, m.queue());
                got.add(Arrays.copyOfRange(m.array(), m.offset(), m.offset() + m.length()));
                pool.free(-1, m);
            }
        }
        return got;
    }

    private static void assertFrames(final List<byte[]> want, final List<byte[]> got)
    {
        assertEquals("frames", want.size(), got.size());
        for (int i = 0; i < want.size(); i++)
        {
            assertArrayEquals("frame " + i, want.get(i), got.get(i));
        }
    }

    @Test(timeout = 20_000)
    public void shouldWriteAValidCaptureAndReplayIt() throws Exception
    {
        final Path out = tmp.getRoot().toPath().resolve("out.pcap");
        final PcapDevice tx = open("out", out.toString(), "mac", "02:00:00:00:00:07");
        assertEquals("pcap", tx.driver());
        assertEquals("out " + out, tx.device());
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 7}, tx.mac());
        assertEquals(1500, tx.mtu());
        assertEquals("a capture with its header even before anything was sent", 24, Files.size(out));
        final List<byte[]> frames = frames(100);
        final int before = pool.available();
        final long startUs = System.currentTimeMillis() * 1000;
        transmit(tx, frames);
        assertEquals("every buffer freed", before, pool.available());
        assertEquals("without in, nothing to receive", 0, tx.rxBurst(-1, 0, burst, burst.length));
        tx.close();
        tx.close();
        final long endUs = System.currentTimeMillis() * 1000;

        final Capture c = readPcap(out);
        assertFrames(frames, c.frames);
        for (int i = 0; i < c.timesUs.size(); i++)
        {
            final long t = c.timesUs.get(i);
            assertTrue("timestamp " + t + " within the test's time", t >= startUs - 1_000_000 && t <= endUs + 1_000_000);
            assertTrue("timestamps in order", 0 == i || t >= c.timesUs.get(i - 1));
        }
        tcpdumpReads(out, frames.size());

        final PcapDevice rx = open("in", out.toString());
        assertFrames(frames, receive(rx, 1000, 100));
        assertTrue(rx.inputEnded());
        for (int i = 0; i < 100; i++)
        {
            assertEquals("the end of the input: nothing more, ever", 0, rx.rxBurst(-1, 0, burst, burst.length));
        }
        assertEquals(0, rx.rxErrors());
        assertEquals(0, rx.rxMissed());
        assertEquals(pool.capacity(), pool.available());
    }

    /** Where tcpdump is installed, it reads the capture whole; it is not installed for this. */
    private static void tcpdumpReads(final Path p, final int frames) throws Exception
    {
        final File tcpdump = findTcpdump();
        if (null == tcpdump)
        {
            return;
        }
        final Process proc = new ProcessBuilder(tcpdump.getPath(), "-n", "-r", p.toString()).start();
        final String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        final String err = new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(10, TimeUnit.SECONDS));
        assertEquals("tcpdump -r: " + err, 0, proc.exitValue());
        assertEquals(out, frames, out.split("\n").length);
        assertFalse(err, err.contains("truncated"));
    }

    private static File findTcpdump()
    {
        for (final String dir : new String[] {"/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"})
        {
            final File f = new File(dir, "tcpdump");
            if (f.canExecute())
            {
                return f;
            }
        }
        return null;
    }

    @Test(timeout = 20_000)
    public void shouldReadBothByteOrdersAndNanosecondTimestamps() throws Exception
    {
        final List<byte[]> frames = frames(50);
        for (final ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN})
        {
            for (final boolean ns : new boolean[] {false, true})
            {
                final Path in = tmp.newFile().toPath();
                writePcap(in, order, ns, 1, frames, 0);
                final PcapDevice d = open("in", in.toString());
                assertFrames(frames, receive(d, 1000, 100));
                assertEquals(order + (ns ? " ns" : " us"), 0, d.rxErrors());
                assertTrue(d.inputEnded());
            }
        }
    }

    @Test(timeout = 20_000)
    public void shouldReplayInALoop() throws Exception
    {
        final List<byte[]> frames = frames(3);
        final Path in = tmp.newFile().toPath();
        writePcap(in, ByteOrder.LITTLE_ENDIAN, false, 1, frames, 0);
        final PcapDevice d = open("in", in.toString(), "loop", "on");
        final List<byte[]> got = receive(d, 100, 100);
        assertEquals(100, got.size());
        for (int i = 0; i < got.size(); i++)
        {
            assertArrayEquals("frame " + i, frames.get(i % 3), got.get(i));
        }
        assertFalse(d.inputEnded());
    }

    @Test(timeout = 20_000)
    public void shouldHoldTheCaptureWhileDownAndReplayItOnceUp() throws Exception
    {
        final List<byte[]> frames = frames(3);
        final Path in = tmp.newFile().toPath();
        writePcap(in, ByteOrder.LITTLE_ENDIAN, false, 1, frames, 0);
        final PcapDevice d = open("in", in.toString(), "up", "off");
        assertFalse(d.up());
        final Mbuf[] burst = new Mbuf[32];
        for (int i = 0; i < 100; i++)
        {
            assertEquals("nothing while down", 0, d.rxBurst(-1, 0, burst, 32));
        }
        assertEquals(Edpvs.OK, d.up(true));
        final List<byte[]> got = receive(d, 3, 3);
        assertEquals(3, got.size());
        assertArrayEquals(frames.get(0), got.get(0));
    }

    @Test(timeout = 20_000)
    public void shouldNotReceiveFasterThanTheRate() throws Exception
    {
        final Path in = tmp.newFile().toPath();
        writePcap(in, ByteOrder.LITTLE_ENDIAN, false, 1, frames(10), 0);
        final PcapDevice d = open("in", in.toString(), "loop", "on", "rate", "1000");
        final long start = System.nanoTime();
        final List<byte[]> got = receive(d, 300, Integer.MAX_VALUE);
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(300, got.size());
        // 300 packets at 1000 pps take 300 ms; allow the first burst's credit
        assertTrue("300 packets at 1000 pps in " + elapsedMs + " ms", elapsedMs >= 300 - PortDevice.MAX_BURST);
    }

    @Test(timeout = 20_000)
    public void shouldCountATruncatedLastRecordAndEndTheInput() throws Exception
    {
        final List<byte[]> frames = frames(5);
        final Path in = tmp.newFile().toPath();
        writePcap(in, ByteOrder.BIG_ENDIAN, false, 1, frames, 10);
        final PcapDevice d = open("in", in.toString());
        assertFrames(frames.subList(0, 4), receive(d, 1000, 100));
        assertEquals(1, d.rxErrors());
        assertTrue(d.inputEnded());

        // a record header cut short
        final Path in2 = tmp.newFile().toPath();
        writePcap(in2, ByteOrder.BIG_ENDIAN, false, 1, frames, frames.get(4).length + 6);
        final PcapDevice d2 = open("in", in2.toString(), "loop", "on");
        final List<byte[]> got = receive(d2, 9, 100);
        assertEquals("a loop replays the whole records", 9, got.size());
        assertArrayEquals(frames.get(0), got.get(4));
        assertArrayEquals(frames.get(0), got.get(8));
        assertEquals("one error per pass", 2, d2.rxErrors());
    }

    @Test(timeout = 30_000)
    public void shouldSkipRecordsLargerThanTheBuffers() throws Exception
    {
        // records of 200 KB among small ones: past the pool's buffers, some across the read buffer's refills
        final List<byte[]> all = new ArrayList<>();
        final List<byte[]> small = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            final byte[] f = frame(i, 0 == i % 4 ? 200_000 : 60 + i);
            all.add(f);
            if (0 != i % 4)
            {
                small.add(f);
            }
        }
        // and one just past the buffers' data room
        final byte[] justTooBig = frame(99, POOL_BUFFER - Mbuf.HEADROOM + 1);
        all.add(justTooBig);
        final byte[] fits = frame(100, POOL_BUFFER - Mbuf.HEADROOM);
        all.add(fits);
        small.add(fits);
        final Path in = tmp.newFile().toPath();
        writePcap(in, ByteOrder.LITTLE_ENDIAN, false, 1, all, 0);
        assertTrue(Files.size(in) > PcapDevice.BUFFER_SIZE);
        final PcapDevice d = open("in", in.toString());
        assertFrames(small, receive(d, 1000, 100));
        assertEquals(11, d.rxErrors());
        assertTrue(d.inputEnded());
    }

    @Test(timeout = 10_000)
    public void shouldRefuseWhatItCannotReplay() throws Exception
    {
        final Path sll = tmp.newFile().toPath();
        writePcap(sll, ByteOrder.LITTLE_ENDIAN, false, 113, frames(2), 0);
        refused("Linux cooked capture", "in " + sll + ": link type 113 (LINUX_SLL (tcpdump -i any)); only"
            + " Ethernet (link type 1) frames can be replayed", "in", sll.toString());
        final Path ng = tmp.newFile().toPath();
        Files.write(ng, new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0x1c, 0x1a, 0x2b, 0x3c, 0x4d, 0, 1, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        refused("pcapng", "a pcapng file", "in", ng.toString());
        final Path text = tmp.newFile().toPath();
        Files.writeString(text, "this is not a capture file at all");
        refused("text", "not a pcap file (magic 74686973)", "in", text.toString());
        final Path empty = tmp.newFile().toPath();
        refused("empty", "not a pcap file (0 bytes", "in", empty.toString());
    }

    @Test(timeout = 10_000)
    public void shouldRefuseAMissingFileNamingThePortAndTheFile() throws Exception
    {
        final Path missing = tmp.getRoot().toPath().resolve("no-such.pcap");
        refused("missing input", "in " + missing + ": no such file", "in", missing.toString());
        final Path noDir = tmp.getRoot().toPath().resolve("no-such-dir/out.pcap");
        refused("output in a missing directory", "out " + noDir + ": no such file or directory", "out",
            noDir.toString());
        final Path in = tmp.newFile().toPath();
        writePcap(in, ByteOrder.LITTLE_ENDIAN, false, 1, frames(2), 0);
        refused("output in a missing directory, with an input", "out " + noDir, "in", in.toString(), "out",
            noDir.toString());
    }

    @Test(timeout = 10_000)
    public void shouldRefuseWrongOptions() throws Exception
    {
        final Path in = tmp.newFile().toPath();
        writePcap(in, ByteOrder.LITTLE_ENDIAN, false, 1, frames(2), 0);
        refused("no file", "needs in <file>, out <file> or both");
        refused("loop without input", "loop needs an input file", "out", tmp.getRoot() + "/o.pcap", "loop", "on");
        refused("rate without input", "rate needs an input file", "out", tmp.getRoot() + "/o.pcap", "rate", "5");
        refused("same file", "in and out are the same file", "in", in.toString(), "out", in.toString());
        refused("two queues", "one queue each way", "in", in.toString(), "rxq", "2");
        refused("bad rate", "rate x: not a number", "in", in.toString(), "rate", "x");
        refused("bad loop", "loop sometimes: want on or off", "in", in.toString(), "loop", "sometimes");
        refused("bad MAC", "mac 1:2:3: want six hex bytes", "in", in.toString(), "mac", "1:2:3");
        refused("unknown option", "unknown option speed", "in", in.toString(), "speed", "9");
        assertEquals("the input is intact", 24 + 2 * 16 + 60 + 97, Files.size(in));
    }

    private void refused(final String what, final String text, final String... kv)
    {
        try
        {
            open(kv);
            fail(what + " was accepted");
        }
        catch (final PortException ex)
        {
            final String msg = ex.getMessage();
            assertTrue(what + ": " + msg, msg.startsWith("netif.conf:9: port pcap0: "));
            assertTrue(what + ": " + msg, msg.contains(text));
        }
    }

    /**
     * Zero allocation in steady state, in the manner of MsgAllocationTest: the bytes this thread allocates
     * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}) while 10k frames are received from a
     * looping input and transmitted to an output file (which flushes its buffer several times), after 10k warmed up.
     */
    @Test(timeout = 60_000)
    public void shouldAllocateNothingInBursts() throws Exception
    {
        final Path in = tmp.newFile().toPath();
        writePcap(in, ByteOrder.BIG_ENDIAN, false, 1, frames(100), 0);
        final Path out = tmp.getRoot().toPath().resolve("alloc-out.pcap");
        final PcapDevice d = open("in", in.toString(), "out", out.toString(), "loop", "on");
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long self = Thread.currentThread().getId();
        final long warm = forward(d, 10_000);
        final long a0 = threads.getThreadAllocatedBytes(self);
        final long bytes = forward(d, 10_000);
        final long allocated = threads.getThreadAllocatedBytes(self) - a0;
        assertTrue("forwarded " + bytes + " bytes", bytes > 2 * PcapDevice.BUFFER_SIZE);
        assertTrue("10k frames in and out allocated " + allocated + " bytes", allocated < 10_000);
        d.close();
        assertEquals(20_000, readPcap(out).frames.size());
        assertTrue(warm > 0);
    }

    /** Receives {@code count} frames and transmits each; returns the bytes moved. */
    private long forward(final PortDevice d, final int count)
    {
        long bytes = 0;
        int done = 0;
        while (done < count)
        {
            final int n = d.rxBurst(-1, 0, burst, Math.min(burst.length, count - done));
            for (int i = 0; i < n; i++)
            {
                bytes += burst[i].length();
            }
            assertEquals(n, d.txBurst(-1, 0, burst, n));
            done += n;
        }
        return bytes;
    }
}
