package platform.mp.client;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.Test;

import platform.mp.api.MpException;
import platform.mp.api.MpKind;

/** The framing: a valid frame round-trips; garbage, oversized frames and other versions are refused by code. */
public class FrameReaderTest
{
    private static FrameReader reader(final byte[] bytes, final int max)
    {
        return new FrameReader(Channels.newChannel(new ByteArrayInputStream(bytes)), max);
    }

    private static byte[] frame(final MpKind kind, final long id, final String name, final byte[] params)
    {
        return MpWire.encode(kind, id, name.getBytes(StandardCharsets.UTF_8), params).array();
    }

    private static int refusal(final byte[] bytes, final int max) throws IOException
    {
        try
        {
            reader(bytes, max).read();
            fail("accepted");
            return -1;
        }
        catch (final MpProtocolException e)
        {
            return e.code();
        }
    }

    @Test
    public void shouldRoundTripFramesBackToBackThenEndCleanly() throws IOException
    {
        final byte[] a = frame(MpKind.REQ, 42, "route.get", new byte[] {1, 2, 3});
        final byte[] b = frame(MpKind.HELLO, 0, "", new byte[8]);
        final byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        final FrameReader r = reader(both, 256);
        final Frame f = r.read();
        assertEquals(MpKind.REQ, f.kind());
        assertEquals(42, f.id());
        assertEquals("route.get", f.name());
        assertArrayEquals(new byte[] {1, 2, 3}, f.params());
        assertEquals(MpKind.HELLO, r.read().kind());
        assertNull(r.read());
    }

    @Test
    public void shouldDrawTheHeaderAtItsOffsets()
    {
        final ByteBuffer b = MpWire.encode(MpKind.REP, 0x0102030405060708L, "ab".getBytes(StandardCharsets.UTF_8),
            new byte[] {9}, 3);
        assertEquals(88, MpWire.HEADER_LEN);
        assertEquals(89, b.capacity());
        assertEquals(0x44504D50, b.getInt(0));
        assertEquals(2, b.getShort(4));
        assertEquals(3, b.get(6));
        assertEquals(2, b.get(7));
        assertEquals(0x0102030405060708L, b.getLong(8));
        assertEquals(1, b.getInt(16));
        assertEquals(3, b.get(20));
        assertEquals(0, b.get(21));
        assertEquals('a', b.get(24));
        assertEquals(0, b.get(26));
        assertEquals(9, b.get(88));
    }

    @Test
    public void shouldRefuseGarbage() throws IOException
    {
        final byte[] junk = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(4).getBytes(StandardCharsets.US_ASCII);
        assertEquals(MpWire.ERR_GARBAGE, refusal(junk, 256));
        final byte[] badKind = frame(MpKind.MSG, 0, "x", new byte[0]);
        badKind[MpWire.KIND_OFFSET] = 99;
        assertEquals(MpWire.ERR_GARBAGE, refusal(badKind, 256));
    }

    @Test
    public void shouldRefuseAnotherVersion() throws IOException
    {
        final byte[] f = frame(MpKind.MSG, 0, "x", new byte[0]);
        f[MpWire.VERSION_OFFSET + 1] = 1;
        assertEquals(MpWire.ERR_VERSION, refusal(f, 256));
    }

    @Test
    public void shouldRefuseFdsWhereNoneMayComeOrMoreThanEight() throws IOException
    {
        // more than 8 (DPDK's RTE_MP_MAX_FD_NUM), and fds with an IGN: refused from the header
        final byte[] nine = frame(MpKind.MSG, 0, "x", new byte[0]);
        nine[MpWire.NUM_FDS_OFFSET] = 9;
        assertEquals(MpWire.ERR_PROTOCOL, refusal(nine, 256));
        final byte[] ign = frame(MpKind.IGN, 0, "x", new byte[0]);
        ign[MpWire.NUM_FDS_OFFSET] = 1;
        assertEquals(MpWire.ERR_PROTOCOL, refusal(ign, 256));
        // fds announced on a connection without an fd socket
        final byte[] one = frame(MpKind.MSG, 0, "x", new byte[0]);
        one[MpWire.NUM_FDS_OFFSET] = 1;
        assertEquals(MpWire.ERR_PROTOCOL, refusal(one, 256));
    }

    @Test
    public void shouldRefuseOversizedParamsBeforeReadingThem() throws IOException
    {
        // only the header is there: the refusal must not wait for the 257 bytes
        final byte[] f = Arrays.copyOf(frame(MpKind.MSG, 0, "x", new byte[257]), MpWire.HEADER_LEN);
        assertEquals(MpWire.ERR_TOO_BIG, refusal(f, 256));
        final byte[] huge = frame(MpKind.MSG, 0, "x", new byte[0]);
        ByteBuffer.wrap(huge).putInt(MpWire.PARAM_LEN_OFFSET, -1);
        assertEquals(MpWire.ERR_TOO_BIG, refusal(huge, 256));
    }

    @Test
    public void shouldRefuseBadNames() throws IOException
    {
        final byte[] empty = frame(MpKind.REQ, 1, "", new byte[0]);
        assertEquals(MpWire.ERR_BAD_NAME, refusal(empty, 256));
        final byte[] long65 = frame(MpKind.REQ, 1, "n", new byte[0]);
        long65[MpWire.NAME_LEN_OFFSET] = 65;
        assertEquals(MpWire.ERR_BAD_NAME, refusal(long65, 256));
        final byte[] notUtf8 = frame(MpKind.REQ, 1, "nn", new byte[0]);
        notUtf8[MpWire.NAME_OFFSET] = (byte) 0xff;
        assertEquals(MpWire.ERR_BAD_NAME, refusal(notUtf8, 256));
        try
        {
            MpWire.nameBytes("x".repeat(65));
            fail("65-byte name accepted");
        }
        catch (final MpException e)
        {
            assertEquals(MpException.INVALID, e.code());
        }
    }

    @Test
    public void shouldReportATruncatedFrameAsEndOfStream() throws IOException
    {
        final byte[] f = frame(MpKind.MSG, 0, "x", new byte[10]);
        try
        {
            reader(Arrays.copyOf(f, f.length - 3), 256).read();
            fail("truncated frame accepted");
        }
        catch (final EOFException e)
        {
            assertTrue(e.getMessage().contains("inside a frame"));
        }
    }

    @Test
    public void shouldCarryAnErrorCodeAndText()
    {
        final Frame e = new Frame(MpKind.ERROR, 0, "", MpWire.errorParams(MpWire.ERR_TOO_BIG, "x".repeat(300)));
        assertEquals(MpWire.ERR_TOO_BIG, e.errorCode());
        assertEquals(62, e.errorText().length());
    }

    /** A non-blocking channel handing out its bytes in the given chunks; a chunk of 0 is "nothing there now". */
    private static final class Chunked implements ReadableByteChannel
    {
        private final ByteBuffer src;
        private final int[] chunks;
        private int next;

        Chunked(final byte[] bytes, final int... chunks)
        {
            this.src = ByteBuffer.wrap(bytes);
            this.chunks = chunks;
        }

        @Override
        public int read(final ByteBuffer dst)
        {
            if (!src.hasRemaining())
            {
                return -1;
            }
            final int want = next < chunks.length ? chunks[next++] : src.remaining();
            final int n = Math.min(Math.min(want, src.remaining()), dst.remaining());
            dst.put(dst.position(), src, src.position(), n);
            dst.position(dst.position() + n);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public boolean isOpen()
        {
            return true;
        }

        @Override
        public void close()
        {
        }
    }

    private static byte[] concat(final byte[]... parts)
    {
        final ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(x -> x.length).sum());
        for (final byte[] x : parts)
        {
            b.put(x);
        }
        return b.array();
    }

    @Test
    public void shouldAssembleFramesThatComeInPiecesWithoutWaiting() throws IOException
    {
        // a frame whose params are larger than the read buffer, then a small one, cut anywhere, with empty reads
        final byte[] big = new byte[3 * FrameReader.BUFFER + 17];
        new java.util.Random(7).nextBytes(big);
        final byte[] a = frame(MpKind.MSG, 0, "big", big);
        final byte[] b = frame(MpKind.REP, 9, "small", new byte[] {5});
        final FrameReader r = new FrameReader(new Chunked(concat(a, b), 10, 0, 50, 0, 30, 5000, 0, 1, 0,
            FrameReader.BUFFER, FrameReader.BUFFER, 0, 3), 4 * FrameReader.BUFFER);
        Frame f = null;
        int empty = 0;
        while (null == f)
        {
            f = r.poll(false);
            empty += null == f ? 1 : 0;
        }
        assertTrue("some polls found no whole frame: " + empty, empty > 0);
        assertEquals("big", f.name());
        assertArrayEquals(big, f.params());
        Frame g = null;
        while (null == g)
        {
            g = r.poll(false);
        }
        assertEquals(MpKind.REP, g.kind());
        assertEquals(9, g.id());
        assertArrayEquals(new byte[] {5}, g.params());
        assertNull(r.poll(false));
        assertTrue(r.ended());
        assertTrue(!r.hasBuffered());
    }

    @Test
    public void shouldLeaveAllButValidRepliesToTheIoThread() throws IOException
    {
        final byte[] rep = frame(MpKind.REP, 1, "x", new byte[] {1});
        final byte[] ign = frame(MpKind.IGN, 2, "x", new byte[0]);
        final byte[] req = frame(MpKind.REQ, 3, "x", new byte[] {3});
        final byte[] bad = frame(MpKind.REP, 4, "x", new byte[0]);
        bad[MpWire.VERSION_OFFSET + 1] = 9;
        final FrameReader r = new FrameReader(new Chunked(concat(rep, ign, req, rep, bad)), 256);
        assertEquals(1, r.poll(true).id());
        assertEquals(2, r.poll(true).id());
        // a request: not taken by a requester, still there for the I/O thread
        assertNull(r.poll(true));
        assertTrue(r.hasBuffered());
        assertEquals(MpKind.REQ, r.poll(false).kind());
        assertEquals(1, r.poll(true).id());
        // a reply of another protocol version: left, and refused by the I/O thread's read
        assertNull(r.poll(true));
        assertTrue(r.hasBuffered());
        try
        {
            r.poll(false);
            fail("accepted");
        }
        catch (final MpProtocolException e)
        {
            assertEquals(MpWire.ERR_VERSION, e.code());
        }
    }

    @Test
    public void shouldLeaveAPartlyReadRequestToTheIoThread() throws IOException
    {
        // the I/O thread took a request's header and part of its params; a requester's poll takes nothing of it
        final byte[] req = frame(MpKind.REQ, 3, "x", new byte[300]);
        final FrameReader r = new FrameReader(new Chunked(req, MpWire.HEADER_LEN + 10, 0), 1024);
        assertNull(r.poll(false));
        assertNull(r.poll(true));
        assertNull(r.poll(true));
        final Frame f = r.poll(false);
        assertEquals(MpKind.REQ, f.kind());
        assertEquals(300, f.params().length);
    }
}
