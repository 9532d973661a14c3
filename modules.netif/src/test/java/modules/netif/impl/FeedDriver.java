package modules.netif.impl;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;
import platform.lcore.api.Edpvs;

/**
 * A test port driver on the real SPI: frames the test queues are received in bursts, frames sent are copied out
 * for the test to read. Allocation per frame is fine here: it is a test harness, not a data path.
 */
final class FeedDriver implements PortDriver
{
    final Queue<byte[]> in = new ConcurrentLinkedQueue<>();
    final Queue<byte[]> out = new ConcurrentLinkedQueue<>();
    volatile boolean txFull;

    @Override
    public String name()
    {
        return "feed";
    }

    @Override
    public PortDevice open(final PortConf conf, final MbufPool pool) throws PortException
    {
        final int rxq = (int)conf.number("rxq", 1, 1, 8);
        final int txq = (int)conf.number("txq", 1, 1, 8);
        conf.checkAllRead();
        return new PortDevice()
        {
            @Override
            public String driver()
            {
                return "feed";
            }

            @Override
            public String device()
            {
                return "test";
            }

            @Override
            public byte[] mac()
            {
                return Macs.local(conf.id);
            }

            @Override
            public int mtu()
            {
                return 1500;
            }

            @Override
            public int rxQueues()
            {
                return rxq;
            }

            @Override
            public int txQueues()
            {
                return txq;
            }

            @Override
            public int rxBurst(final int lcoreId, final int queue, final Mbuf[] pkts, final int max)
            {
                int n = 0;
                byte[] f;
                while (n < max && null != (f = in.poll()))
                {
                    final Mbuf m = pool.alloc(lcoreId);
                    System.arraycopy(f, 0, m.array(), m.offset(), f.length);
                    m.length(f.length).from(conf.id, queue);
                    pkts[n++] = m;
                }
                return n;
            }

            @Override
            public int txBurst(final int lcoreId, final int queue, final Mbuf[] pkts, final int n)
            {
                if (txFull)
                {
                    return 0;
                }
                for (int i = 0; i < n; i++)
                {
                    final Mbuf m = pkts[i];
                    final byte[] copy = new byte[m.length()];
                    System.arraycopy(m.array(), m.offset(), copy, 0, copy.length);
                    out.add(copy);
                    pool.free(lcoreId, m);
                }
                return n;
            }

            @Override
            public boolean linkUp()
            {
                return true;
            }

            @Override
            public boolean up()
            {
                return true;
            }

            @Override
            public boolean promisc()
            {
                return false;
            }

            @Override
            public int promisc(final boolean on)
            {
                return Edpvs.NOTSUPP;
            }

            @Override
            public int up(final boolean up)
            {
                return Edpvs.NOTSUPP;
            }

            @Override
            public long rxMissed()
            {
                return 0;
            }

            @Override
            public long rxErrors()
            {
                return 0;
            }

            @Override
            public void close()
            {
            }
        };
    }

    /**
     * @param dstMac  destination MAC.
     * @param saddr   source.
     * @param daddr   destination.
     * @param ttl     TTL.
     * @param size    frame length.
     * @return an Ethernet + IPv4 + UDP frame with a correct header checksum.
     */
    static byte[] udp(final byte[] dstMac, final int saddr, final int daddr, final int ttl, final int size)
    {
        final byte[] f = new byte[size];
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(f);
        b.put(dstMac).put(new byte[] {2, 0, 0x5e, 0, 0, 1}).putShort((short)0x0800);
        b.put((byte)0x45).put((byte)0).putShort((short)(size - 14)).putShort((short)7).putShort((short)0x4000);
        b.put((byte)ttl).put((byte)17).putShort((short)0).putInt(saddr).putInt(daddr);
        b.putShort(14 + 10, (short)Ipv4.checksum(f, 14, 20));
        b.putShort(34, (short)1234).putShort(36, (short)80).putShort(38, (short)(size - 34));
        return f;
    }
}
