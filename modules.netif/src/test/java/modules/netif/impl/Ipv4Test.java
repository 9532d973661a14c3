package modules.netif.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.HexFormat;
import java.util.Random;

import org.junit.Test;

import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;

/** The Internet checksum and the TTL update against reference packets and a full recomputation. */
public class Ipv4Test
{
    /** The IPv4 header of a captured UDP datagram (RFC 1071 examples are in 16-bit words; this is a real one). */
    private static final String HEADER = "45000073000040004011b861c0a80001c0a800c7";

    @Test
    public void shouldComputeTheChecksumOfAReferenceHeader()
    {
        final byte[] h = HexFormat.of().parseHex(HEADER);
        assertEquals("a header with its checksum sums to zero", 0, Ipv4.checksum(h, 0, 20));
        h[10] = 0;
        h[11] = 0;
        assertEquals(0xb861, Ipv4.checksum(h, 0, 20));
        // RFC 1071's worked example: 0001 f203 f4f5 f6f7 sums to ddf2, checksum 220d
        assertEquals(0x220d, Ipv4.checksum(HexFormat.of().parseHex("0001f203f4f5f6f7"), 0, 8));
        // an odd length pads with a zero byte
        assertEquals(Ipv4.checksum(HexFormat.of().parseHex("0001f203f4f5f6f700"), 0, 9),
            Ipv4.checksum(HexFormat.of().parseHex("0001f203f4f5f6f7"), 0, 8));
        assertEquals(~0x0100 & 0xffff, Ipv4.checksum(HexFormat.of().parseHex("01"), 0, 1));
    }

    @Test
    public void shouldUpdateTheChecksumIncrementallyAsAFullRecomputationWouldForEveryTtlAndHeader()
    {
        final MbufPool pool = new MbufPool("t", 1, 256);
        final Mbuf m = pool.alloc(-1);
        final Random r = new Random(11);
        for (int round = 0; round < 20_000; round++)
        {
            final byte[] h = new byte[20];
            r.nextBytes(h);
            h[0] = 0x45;
            h[8] = (byte)(2 + r.nextInt(254));
            h[10] = 0;
            h[11] = 0;
            final int sum = Ipv4.checksum(h, 0, 20);
            h[10] = (byte)(sum >> 8);
            h[11] = (byte)sum;
            System.arraycopy(h, 0, m.array(), m.offset() + 14, 20);
            m.length(34);
            Ipv4.decTtl(m, 14);
            h[8]--;
            h[10] = 0;
            h[11] = 0;
            final int expect = Ipv4.checksum(h, 0, 20);
            assertEquals("round " + round + " " + HexFormat.of().formatHex(h), expect, m.u16(14 + 10));
            assertEquals((h[8] & 0xff), m.u8(14 + 8));
        }
    }

    /** The pseudo-header's folded sum, not complemented: what a sender leaves in the field for offload. */
    private static int pseudo(final byte[] f, final int l3, final int proto, final int l4len)
    {
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(f);
        long sum = (b.getShort(l3 + 12) & 0xffff) + (b.getShort(l3 + 14) & 0xffff) + (b.getShort(l3 + 16) & 0xffff)
            + (b.getShort(l3 + 18) & 0xffff) + proto + l4len;
        while (0 != (sum >>> 16))
        {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int)sum;
    }

    @Test
    public void shouldCompleteATransportChecksumLeftToOffloadAsTheKernelWould()
    {
        final java.util.Random rnd = new java.util.Random(5);
        for (int round = 0; round < 2_000; round++)
        {
            final boolean udp = 0 == (round & 1);
            final int proto = udp ? 17 : 6;
            final int l4len = (udp ? 8 : 20) + rnd.nextInt(200);
            final byte[] f = new byte[14 + 20 + l4len + rnd.nextInt(4)];
            rnd.nextBytes(f);
            final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(f);
            b.putShort(12, (short)0x0800).put(14, (byte)0x45).putShort(16, (short)(20 + l4len))
                .putShort(20, (short)0x4000).put(23, (byte)proto);
            final int field = 34 + (udp ? 6 : 16);
            // the right checksum: the complement of the sum of pseudo-header and segment, with the field at 0
            b.putShort(field, (short)0);
            int sum = pseudo(f, 14, proto, l4len) + (~Ipv4.checksum(f, 34, l4len) & 0xffff);
            sum = (sum & 0xffff) + (sum >>> 16);
            sum = (sum & 0xffff) + (sum >>> 16);
            final int expect = udp && 0 == (~sum & 0xffff) ? 0xffff : ~sum & 0xffff;
            // what a veth hands over: only the pseudo-header's sum in the field
            b.putShort(field, (short)pseudo(f, 14, proto, l4len));
            final MbufPool pool = new MbufPool("t", 2, 2048);
            final Mbuf m = pool.alloc(-1);
            System.arraycopy(f, 0, m.array(), m.offset(), f.length);
            m.length(f.length);
            assertTrue(Ipv4.completeL4Checksum(m));
            assertEquals("round " + round, expect, m.u16(field));
        }
        // not touched: a fragment, ICMP, ARP
        final MbufPool pool = new MbufPool("t", 2, 2048);
        final Mbuf m = pool.alloc(-1);
        final byte[] f = new byte[60];
        java.nio.ByteBuffer.wrap(f).putShort(12, (short)0x0800).put(14, (byte)0x45).putShort(16, (short)46)
            .putShort(20, (short)0x2000).put(23, (byte)17);
        System.arraycopy(f, 0, m.array(), m.offset(), f.length);
        m.length(f.length);
        assertFalse("more fragments", Ipv4.completeL4Checksum(m));
        m.put16(20, 0);
        m.put8(23, 1);
        assertFalse("ICMP", Ipv4.completeL4Checksum(m));
        m.put16(12, 0x0806);
        assertFalse("ARP", Ipv4.completeL4Checksum(m));
    }

    @Test
    public void shouldParseAndPrintAddresses()
    {
        assertEquals(0xc0a80001, Ipv4.parse("192.168.0.1"));
        assertEquals("192.168.0.1", Ipv4.text(0xc0a80001));
        assertEquals("255.255.255.255", Ipv4.text(-1));
    }
}
