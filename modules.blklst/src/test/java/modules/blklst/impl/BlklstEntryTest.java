package modules.blklst.impl;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

import org.junit.Test;

import modules.blklst.api.BlklstConf;

/**
 * {@code struct dp_vs_blklst_conf} byte for byte, as ipvsadm sends it.
 */
public class BlklstEntryTest
{
    /**
     * {@code ipvsadm --add-blklst -t 10.0.0.1:80 -k 1.2.3.4}: vaddr 0a000001 then 12 bytes ipvsadm leaves
     * uninitialised, vport 00 50, proto 6, af 2, subject 01020304 then garbage again, an empty ipset name.
     */
    static final String IPVSADM_ADD = "0a000001" + "97c3a1ff00007f0000000000" + "0050" + "06" + "02"
        + "01020304" + "e8d4a5100000000011223344" + "00".repeat(32);

    @Test
    public void shouldReadIpvsadmsBytesIgnoringTheGarbageAfterAnIpv4Address()
    {
        final byte[] raw = HexFormat.of().parseHex(IPVSADM_ADD);
        assertEquals(BlklstConf.SIZE, raw.length);
        final BlklstEntry e = BlklstEntry.decode(ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN));
        assertEquals(new BlklstEntry(2, 6, 80, 0x0a000001L, 0, 0x01020304L, 0), e);
        assertEquals("TCP 10.0.0.1:80 1.2.3.4", e.toString());
    }

    @Test
    public void shouldWriteTheRecordDpvsWritesWithZeroedPadding()
    {
        final ByteBuffer out = ByteBuffer.allocate(4 + BlklstConf.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(0xdeadbeef); // the record goes at the position, whatever is before it
        java.util.Arrays.fill(out.array(), 4, out.capacity(), (byte)0x55);
        new BlklstEntry(2, 6, 80, 0x0a000001L, 0, 0x01020304L, 0).encode(out);
        assertEquals(4 + BlklstConf.SIZE, out.position());
        final String expected = "0a000001" + "00".repeat(12) + "0050" + "06" + "02" + "01020304" + "00".repeat(12)
            + "00".repeat(32);
        assertEquals(expected, HexFormat.of().formatHex(out.array(), 4, out.capacity()));
    }

    @Test
    public void shouldRoundTripAnIpv6Entry()
    {
        final byte[] raw = new byte[BlklstConf.SIZE];
        final byte[] vaddr = HexFormat.of().parseHex("20010db8000000000000000000000001");
        final byte[] subject = HexFormat.of().parseHex("20010db8000000000000000000000007");
        System.arraycopy(vaddr, 0, raw, BlklstConf.VADDR_OFFSET, 16);
        raw[BlklstConf.VPORT_OFFSET] = 0;
        raw[BlklstConf.VPORT_OFFSET + 1] = 53;
        raw[BlklstConf.PROTO_OFFSET] = 17;
        raw[BlklstConf.AF_OFFSET] = 10;
        System.arraycopy(subject, 0, raw, BlklstConf.SUBJECT_OFFSET, 16);
        final BlklstEntry e = BlklstEntry.decode(ByteBuffer.wrap(raw));
        assertEquals("UDP [2001:db8:0:0:0:0:0:1]:53 2001:db8:0:0:0:0:0:7", e.toString());
        final ByteBuffer out = ByteBuffer.allocate(BlklstConf.SIZE);
        e.encode(out);
        assertArrayEquals(raw, out.array());
    }
}
