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
}
