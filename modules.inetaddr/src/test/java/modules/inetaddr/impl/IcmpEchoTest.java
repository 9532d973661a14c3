package modules.inetaddr.impl;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.junit.Test;

import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import platform.lcore.api.Edpvs;

/**
 * The ICMP receiver on the workers: echo requests to own addresses answered in place through output4, the reply's
 * bytes checked and its checksums recomputed in full; everything else passed on or dropped and counted.
 */
public class IcmpEchoTest extends CoreFixture
{
    /**
     * An echo request as a frame: Ethernet, IPv4 (with {@code optWords} 4-byte option words), ICMP with a payload
     * of {@code payload} bytes.
     */
    static byte[] echo(final String src, final String dst, final int type, final int optWords, final int payload,
        final int fragWord)
    {
        final int ihl = 20 + 4 * optWords;
        final int icmpLen = 8 + payload;
        final ByteBuffer b = ByteBuffer.allocate(14 + ihl + icmpLen);
        b.put(hex("0a0b0c0d0e0f" + "020304050607")).putShort((short)0x0800);
        b.put((byte)(0x40 | ihl / 4)).put((byte)0x10).putShort((short)(ihl + icmpLen)).putShort((short)0x1234)
            .putShort((short)fragWord).put((byte)63).put((byte)1).putShort((short)0).putInt(ip(src)).putInt(ip(dst));
        for (int i = 0; i < optWords; i++)
        {
            b.putInt(0x01010100); // NOP NOP NOP EOL
        }
        b.putShort(14 + 10, (short)IcmpEcho.checksum(b.array(), 14, ihl));
        final int icmp = b.position();
        b.put((byte)type).put((byte)0).putShort((short)0).putShort((short)0xabcd).putShort((short)7);
        for (int i = 0; i < payload; i++)
        {
            b.put((byte)(i * 7 + 1));
        }
        b.putShort(icmp + 2, (short)IcmpEcho.checksum(b.array(), icmp, icmpLen));
        return b.array();
    }

    /** Hands a frame to the ICMP receiver on a worker, as netif's local delivery does; frees it unless stolen. */
    int deliver(final int lcoreId, final byte[] frame) throws Exception
    {
        return (Integer)onLcore(lcoreId, l ->
        {
            final Mbuf m = ports.pool.alloc(l);
            System.arraycopy(frame, 0, m.array(), Mbuf.HEADROOM, frame.length);
            m.data(Mbuf.HEADROOM, frame.length).l3Offset(14);
            final int v = ports.icmp.receive(l, 0, m);
            if (InetHook.STOLEN != v)
            {
                ports.pool.free(l, m);
            }
            return v;
        });
    }

    private static void assertReply(final byte[] request, final int optWords, final byte[] reply)
    {
        final int ihl = 20 + 4 * optWords;
        final int icmpLen = request.length - 14 - ihl;
        assertEquals("Ethernet room, a 20-byte header, the whole ICMP message", 14 + 20 + icmpLen, reply.length);
        final ByteBuffer r = ByteBuffer.wrap(reply);
        assertEquals(0x45, r.get(14) & 0xff);
        assertEquals("tos kept", 0x10, r.get(15));
        assertEquals(20 + icmpLen, r.getShort(16) & 0xffff);
        assertEquals("no fragment bits", 0, r.getShort(20));
        assertEquals(64, r.get(22));
        assertEquals(1, r.get(23));
        assertEquals("addresses swapped", ip("10.0.1.1"), r.getInt(26));
        assertEquals(ByteBuffer.wrap(request).getInt(26), r.getInt(30));
        assertEquals("IPv4 checksum, recomputed in full", 0, IcmpEcho.checksum(reply, 14, 20));
        assertEquals("echo reply", 0, r.get(34));
        assertEquals(0, r.get(35));
        assertEquals("ICMP checksum, recomputed in full", 0, IcmpEcho.checksum(reply, 34, icmpLen));
        final byte[] rest = new byte[icmpLen - 4];
        System.arraycopy(reply, 38, rest, 0, rest.length);
        final byte[] asked = new byte[icmpLen - 4];
        System.arraycopy(request, 14 + ihl + 4, asked, 0, asked.length);
        assertArrayEquals("identifier, sequence and data echoed", asked, rest);
    }

    @Test
    public void shouldAnswerEchoRequestsToOwnAddressesOnTheReceivingLcore() throws Exception
    {
        assertEquals(1, ports.receivers.get());
        assertEquals(Edpvs.OK, dpip("add", "10.0.1.1/24", "dev", "dpdk0"));
        final byte[] req = echo("192.168.5.5", "10.0.1.1", 8, 0, 33, 0);
        assertEquals(InetHook.STOLEN, deliver(1, req));
        assertEquals(1, ports.sent.size());
        assertEquals(Integer.valueOf(1), ports.sentOn.poll());
        assertReply(req, 0, ports.sent.poll());

        final byte[] opts = echo("192.168.5.6", "10.0.1.1", 8, 2, 56, 0x4000);
        assertEquals(InetHook.STOLEN, deliver(2, opts));
        assertEquals(Integer.valueOf(2), ports.sentOn.poll());
        assertReply(opts, 2, ports.sent.poll());
        assertEquals(1, core.icmp.counter(1, IcmpEcho.ECHO_ANSWERED));
        assertEquals(1, core.icmp.counter(2, IcmpEcho.ECHO_ANSWERED));

        assertEquals("not ours: to the kernel", InetHook.ACCEPT,
            deliver(1, echo("192.168.5.5", "10.0.1.99", 8, 0, 8, 0)));
        assertEquals("not an echo request", InetHook.ACCEPT,
            deliver(1, echo("192.168.5.5", "10.0.1.1", 13, 0, 12, 0)));
        assertEquals("a fragment", InetHook.ACCEPT,
            deliver(1, echo("192.168.5.5", "10.0.1.1", 8, 0, 8, 0x2000)));
        final byte[] bad = echo("192.168.5.5", "10.0.1.1", 8, 0, 8, 0);
        bad[bad.length - 1] ^= 0x55;
        assertEquals("bad checksum", InetHook.DROP, deliver(1, bad));
        final byte[] shortOne = echo("192.168.5.5", "10.0.1.1", 8, 0, 0, 0);
        final byte[] cut = Arrays.copyOf(shortOne, shortOne.length - 4);
        cut[17] = (byte)(20 + 4); // total length: a 4-byte ICMP message
        cut[24] = 0;
        cut[25] = 0;
        final int c = IcmpEcho.checksum(cut, 14, 20);
        cut[24] = (byte)(c >> 8);
        cut[25] = (byte)c;
        assertEquals("short", InetHook.DROP, deliver(1, cut));
        assertEquals(1, core.icmp.counter(1, IcmpEcho.ECHO_NOT_OURS));
        assertEquals(1, core.icmp.counter(1, IcmpEcho.PASSED));
        assertEquals(1, core.icmp.counter(1, IcmpEcho.FRAGMENT));
        assertEquals(1, core.icmp.counter(1, IcmpEcho.BAD_CHECKSUM));
        assertEquals(1, core.icmp.counter(1, IcmpEcho.BAD_LENGTH));
        assertTrue("nothing else was sent", ports.sent.isEmpty());

        assertEquals(Edpvs.OK, dpip("del", "10.0.1.1/24", "dev", "dpdk0"));
        assertEquals("deleted: no longer answered", InetHook.ACCEPT, deliver(2, req));
        assertEquals("every buffer back in the pool", 0, ports.pool.inUse());
    }
}
