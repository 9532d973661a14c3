package modules.netif.impl;

import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;
import platform.lcore.api.Edpvs;

/**
 * A traffic generator and sink: each receive queue makes IPv4 frames at a set rate with addresses, ports, sizes
 * and protocols drawn from the configured ranges, and transmit takes every packet and frees it. For benchmarks,
 * tests and the embedded default, so a fresh install shows packets and counters moving.
 *
 * <pre>
 * port syn0 driver synthetic [rxq N] [txq N] [rate PPS] [src CIDR] [dst CIDR] [sport LO-HI] [dport LO-HI]
 *                            [size N[,N...]] [proto udp|tcp|icmp[,...]] [ttl N] [mac MAC] [mtu N]
 * </pre>
 * {@code rate} is per queue, 0 for as fast as the lcore asks; sizes are frame lengths without the FCS (60..mtu+14)
 * and are drawn in turn, as are the protocols. Frames are addressed to the port's own MAC from 02:00:5e:00:00:01.
 */
final class SyntheticDriver implements PortDriver
{
    @Override
    public String name()
    {
        return "synthetic";
    }

    @Override
    public PortDevice open(final PortConf conf, final MbufPool pool) throws PortException
    {
        return new Device(conf, pool);
    }

    /** Xorshift64*: a few cycles per draw, no allocation, good enough for spreading addresses. */
    static long next(final long x0)
    {
        long x = x0;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        return x;
    }

    /** One receive queue's generator, touched only by the lcore that polls the queue. */
    static final class Gen
    {
        long p0, p1, p2, p3, p4, p5, p6, p7;
        long seed;
        long startNs;
        long made;
        long missed;
        int turn;
        int ipId;
        long q0, q1, q2, q3, q4, q5, q6, q7;
    }

    static final class Device implements PortDevice
    {
        /** The generator stops catching up after a stall longer than this many packets: they count as missed. */
        private static final long MAX_BACKLOG = 4096;
        private static final byte[] PEER_MAC = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x01};

        private final PortConf conf;
        private final MbufPool pool;
        private final int rxq;
        private final int txq;
        private final long rate;
        private final int srcBase;
        private final int srcSpan;
        private final int dstBase;
        private final int dstSpan;
        private final int sportLo;
        private final int sportSpan;
        private final int dportLo;
        private final int dportSpan;
        private final int[] sizes;
        private final int[] protos;
        private final int ttl;
        private final byte[] mac;
        private final int mtu;
        private final Gen[] gens;
        private volatile boolean up = true;
        private volatile boolean promisc;

        Device(final PortConf conf, final MbufPool pool) throws PortException
        {
            this.conf = conf;
            this.pool = pool;
            this.rxq = (int)conf.number("rxq", 1, 1, 64);
            this.txq = (int)conf.number("txq", 1, 1, 64);
            this.rate = conf.number("rate", 1000, 0, 1_000_000_000L);
            this.mtu = (int)conf.number("mtu", 1500, 68, pool.get(0).dataRoom() - Ipv4.ETH_HLEN);
            final int[] src = cidr(conf, "src", "192.168.100.0/24");
            srcBase = src[0];
            srcSpan = src[1];
            final int[] dst = cidr(conf, "dst", "10.0.0.0/16");
            dstBase = dst[0];
            dstSpan = dst[1];
            final int[] sport = range(conf, "sport", "1024-65535");
            sportLo = sport[0];
            sportSpan = sport[1] - sport[0] + 1;
            final int[] dport = range(conf, "dport", "80-80");
            dportLo = dport[0];
            dportSpan = dport[1] - dport[0] + 1;
            final String[] sz = conf.string("size", "64").split(",");
            sizes = new int[sz.length];
            for (int i = 0; i < sz.length; i++)
            {
                try
                {
                    sizes[i] = Integer.parseInt(sz[i]);
                }
                catch (final NumberFormatException ex)
                {
                    throw new PortException(conf, "size " + sz[i] + ": not a number");
                }
                if (sizes[i] < 60 || sizes[i] > mtu + Ipv4.ETH_HLEN)
                {
                    throw new PortException(conf, "size " + sizes[i] + ": want 60.." + (mtu + Ipv4.ETH_HLEN)
                        + " (frame bytes without the FCS, at most the MTU plus the Ethernet header)");
                }
            }
            final String[] pr = conf.string("proto", "udp").split(",");
            protos = new int[pr.length];
            for (int i = 0; i < pr.length; i++)
            {
                switch (pr[i])
                {
                    case "udp":
                        protos[i] = Ipv4.PROTO_UDP;
                        break;
                    case "tcp":
                        protos[i] = Ipv4.PROTO_TCP;
                        break;
                    case "icmp":
                        protos[i] = Ipv4.PROTO_ICMP;
                        break;
                    default:
                        throw new PortException(conf, "proto " + pr[i] + ": want udp, tcp or icmp");
                }
            }
            this.ttl = (int)conf.number("ttl", 64, 1, 255);
            try
            {
                this.mac = Macs.parse(conf.string("mac", null == conf.options().get("mac")
                    ? "02:00:00:00:00:" + String.format("%02x", (conf.id + 1) & 0xff) : conf.options().get("mac")));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new PortException(conf, ex.getMessage());
            }
            conf.checkAllRead();
            gens = new Gen[rxq];
            for (int i = 0; i < rxq; i++)
            {
                gens[i] = new Gen();
                gens[i].seed = 0x9E3779B97F4A7C15L * (conf.id * 64 + i + 1);
            }
        }

        private static int[] cidr(final PortConf conf, final String key, final String def) throws PortException
        {
            final String v = conf.string(key, def);
            final int slash = v.indexOf('/');
            try
            {
                final int addr = Ipv4.parse(slash < 0 ? v : v.substring(0, slash));
                final int plen = slash < 0 ? 32 : Integer.parseInt(v.substring(slash + 1));
                if (plen < 8 || plen > 32)
                {
                    throw new PortException(conf, key + " " + v + ": prefix length 8..32");
                }
                final int hostBits = 32 - plen;
                final int base = 0 == hostBits ? addr : addr & (-1 << hostBits);
                return new int[] {base, 1 << hostBits};
            }
            catch (final IllegalArgumentException ex)
            {
                throw new PortException(conf, key + " " + v + ": want an IPv4 prefix like 10.0.0.0/16");
            }
        }

        private static int[] range(final PortConf conf, final String key, final String def) throws PortException
        {
            final String v = conf.string(key, def);
            final String[] p = v.split("-");
            try
            {
                final int lo = Integer.parseInt(p[0]);
                final int hi = 2 == p.length ? Integer.parseInt(p[1]) : lo;
                if (p.length > 2 || lo < 0 || hi > 65535 || lo > hi)
                {
                    throw new NumberFormatException();
                }
                return new int[] {lo, hi};
            }
            catch (final NumberFormatException ex)
            {
                throw new PortException(conf, key + " " + v + ": want a port or a range LO-HI in 0..65535");
            }
        }

        @Override
        public String driver()
        {
            return "synthetic";
        }

        @Override
        public String device()
        {
            return "";
        }

        @Override
        public byte[] mac()
        {
            return mac.clone();
        }

        @Override
        public int mtu()
        {
            return mtu;
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
            if (!up)
            {
                return 0;
            }
            final Gen g = gens[queue];
            int n = max;
            if (0 != rate)
            {
                final long now = System.nanoTime();
                if (0 == g.startNs)
                {
                    g.startNs = now;
                }
                // packets due since the start, minus those made; a long stall is not caught up (counted missed)
                final long due = (long)((now - g.startNs) * (rate / 1e9)) - g.made;
                if (due > MAX_BACKLOG)
                {
                    g.missed += due - max;
                    g.made += due - max;
                }
                n = (int)Math.min(max, Math.max(0, due));
            }
            for (int i = 0; i < n; i++)
            {
                final Mbuf m = pool.alloc(lcoreId);
                if (null == m)
                {
                    return i;
                }
                build(g, m);
                m.from(conf.id, queue);
                pkts[i] = m;
                g.made++;
            }
            return n;
        }

        /** Writes an Ethernet + IPv4 + UDP/TCP/ICMP frame with drawn addresses and ports. */
        private void build(final Gen g, final Mbuf m)
        {
            final int turn = g.turn++;
            final int size = sizes[turn % sizes.length];
            final int proto = protos[turn % protos.length];
            long s = next(g.seed);
            g.seed = s;
            final long r = s * 0x2545F4914F6CDD1DL;
            final int saddr = srcBase + (int)((r & 0xffffffffL) % srcSpan);
            final int daddr = dstBase + (int)(((r >>> 32) & 0xffffffffL) % dstSpan);
            final int sport = sportLo + (int)(((r >>> 16) & 0xffffL) % sportSpan);
            final int dport = dportLo + (int)(((r >>> 40) & 0xffffL) % dportSpan);
            m.length(size);
            final byte[] b = m.array();
            final int o = m.offset();
            System.arraycopy(mac, 0, b, o + Ipv4.ETH_DST, 6);
            System.arraycopy(PEER_MAC, 0, b, o + Ipv4.ETH_SRC, 6);
            m.put16(Ipv4.ETH_TYPE, Ipv4.ETHERTYPE_IPV4);
            final int l3 = Ipv4.ETH_HLEN;
            m.put16(l3 + Ipv4.VER_IHL, 0x4500);
            m.put16(l3 + Ipv4.TOT_LEN, size - Ipv4.ETH_HLEN);
            m.put16(l3 + Ipv4.ID, g.ipId++);
            m.put16(l3 + Ipv4.FRAG, 0x4000);
            m.put16(l3 + Ipv4.TTL, (ttl << 8) | proto);
            m.put16(l3 + Ipv4.CSUM, 0);
            m.put32(l3 + Ipv4.SADDR, saddr);
            m.put32(l3 + Ipv4.DADDR, daddr);
            m.put16(l3 + Ipv4.CSUM, Ipv4.checksum(b, o + l3, Ipv4.MIN_HLEN));
            final int l4 = l3 + Ipv4.MIN_HLEN;
            if (Ipv4.PROTO_UDP == proto)
            {
                m.put16(l4, sport);
                m.put16(l4 + 2, dport);
                m.put16(l4 + 4, size - l4);
                m.put16(l4 + 6, 0);
            }
            else if (Ipv4.PROTO_TCP == proto)
            {
                m.put16(l4, sport);
                m.put16(l4 + 2, dport);
                m.put32(l4 + 4, (int)s);
                m.put32(l4 + 8, 0);
                m.put16(l4 + 12, 0x5010);
                m.put16(l4 + 14, 65535);
                m.put32(l4 + 16, 0);
            }
            else
            {
                m.put16(l4, 0x0800);
                m.put16(l4 + 2, 0);
                m.put16(l4 + 4, sport);
                m.put16(l4 + 6, g.ipId);
            }
            m.l3Offset(l3);
        }

        @Override
        public int txBurst(final int lcoreId, final int queue, final Mbuf[] pkts, final int n)
        {
            for (int i = 0; i < n; i++)
            {
                pkts[i].pool().free(lcoreId, pkts[i]);
            }
            return n;
        }

        @Override
        public boolean linkUp()
        {
            return up;
        }

        /** A software port: 10 Gbps, as DPDK's af_packet and ring PMDs report. */
        @Override
        public int linkSpeedMbps()
        {
            return 10_000;
        }

        @Override
        public boolean up()
        {
            return up;
        }

        @Override
        public boolean promisc()
        {
            return promisc;
        }

        @Override
        public int promisc(final boolean on)
        {
            promisc = on;
            return Edpvs.OK;
        }

        @Override
        public int up(final boolean up)
        {
            this.up = up;
            return Edpvs.OK;
        }

        @Override
        public long rxMissed()
        {
            long n = 0;
            for (final Gen g : gens)
            {
                n += g.missed;
            }
            return n;
        }

        @Override
        public long rxErrors()
        {
            return 0;
        }

        @Override
        public void close()
        {
            up = false;
        }
    }
}
