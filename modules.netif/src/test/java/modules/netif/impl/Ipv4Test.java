package modules.netif.impl;

import static org.junit.Assert.assertEquals;

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

    @Test
    public void shouldParseAndPrintAddresses()
    {
        assertEquals(0xc0a80001, Ipv4.parse("192.168.0.1"));
        assertEquals("192.168.0.1", Ipv4.text(0xc0a80001));
        assertEquals("255.255.255.255", Ipv4.text(-1));
    }
}
