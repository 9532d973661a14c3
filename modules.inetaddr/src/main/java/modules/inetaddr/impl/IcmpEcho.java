package modules.inetaddr.impl;

import java.util.concurrent.atomic.AtomicLongArray;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.common.LogLimiter;

import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.Netif;
import modules.netif.api.PacketReceiver;
import platform.lcore.api.Edpvs;

/**
 * The ICMP receiver (DPVS's {@code icmp_rcv} for echo): an echo request to one of the receiving lcore's own
 * addresses is turned into the echo reply in place and sent with {@link Netif#output4} on the same lcore; any
 * other ICMP, or an echo to an address the lcore does not hold, goes on to the kernel (ACCEPT). A short message or
 * one with a bad checksum is counted and dropped. Per packet: no allocation, no lock; the counters are per lcore,
 * written by their lcore only (ordered stores, read racily for display).
 */
final class IcmpEcho implements PacketReceiver
{
    private static final Logger LOG = LoggerFactory.getLogger(IcmpEcho.class);

    static final int ETH_HLEN = 14;
    static final int IP_HLEN = 20;
    static final int ICMP_ECHOREPLY = 0;
    static final int ICMP_ECHO = 8;
    static final int TTL = 64;

    /** Counter slots per lcore (one cache line of longs, so lcores do not share lines). */
    private static final int STRIDE = 8;
    static final int ECHO_ANSWERED = 0;
    static final int ECHO_NOT_OURS = 1;
    static final int PASSED = 2;
    static final int BAD_LENGTH = 3;
    static final int BAD_CHECKSUM = 4;
    static final int FRAGMENT = 5;
    static final int OUTPUT_FAILED = 6;
    static final String[] NAMES = {"echo_answered", "echo_not_ours", "passed", "bad_length", "bad_checksum",
        "fragment", "output_failed"};

    /** Where the lcore's addresses are: the core's per-lcore tables. */
    interface Tables
    {
        /** @return whether the lcore's own table holds the address. Called on that lcore. */
        boolean isLocal(int lcoreId, int addr);
    }

    private final Tables tables;
    private final Netif netif;
    private final AtomicLongArray counters = new AtomicLongArray(64 * STRIDE);
    /** Per lcore, its next IPv4 identification (touched by that lcore only). */
    private final int[] ids = new int[64 * 16];
    private final LogLimiter badLog = new LogLimiter(1_000_000_000L);

    IcmpEcho(final Tables tables, final Netif netif)
    {
        this.tables = tables;
        this.netif = netif;
    }

    @Override
    public int receive(final int lcoreId, final int port, final Mbuf m)
    {
        final int l3 = m.l3Offset();
        final int ihl = (m.u8(l3) & 0xf) << 2;
        final int icmp = l3 + ihl;
        final int len = m.u16(l3 + 2) - ihl;
        if (len < 8 || icmp + len > m.length())
        {
            return bad(lcoreId, BAD_LENGTH, m, len);
        }
        if (0 != checksum(m.array(), m.offset() + icmp, len))
        {
            return bad(lcoreId, BAD_CHECKSUM, m, len);
        }
        if (ICMP_ECHO != m.u8(icmp))
        {
            count(lcoreId, PASSED);
            return InetHook.ACCEPT;
        }
        if (0 != (m.u16(l3 + 6) & 0x3fff))
        {
            // a fragment of a larger echo: no reassembly here, the kernel may answer it
            count(lcoreId, FRAGMENT);
            return InetHook.ACCEPT;
        }
        final int daddr = m.u32(l3 + 16);
        if (!tables.isLocal(lcoreId, daddr))
        {
            count(lcoreId, ECHO_NOT_OURS);
            return InetHook.ACCEPT;
        }
        final int saddr = m.u32(l3 + 12);
        final int tos = m.u8(l3 + 1);
        // the reply: a fresh 20-byte header right before the ICMP message (IP options are not echoed)
        final int nl3 = icmp - IP_HLEN;
        m.put16(nl3, 0x4500 | tos);
        m.put16(nl3 + 2, IP_HLEN + len);
        m.put16(nl3 + 4, nextId(lcoreId));
        m.put16(nl3 + 6, 0);
        m.put16(nl3 + 8, TTL << 8 | 1);
        m.put16(nl3 + 10, 0);
        m.put32(nl3 + 12, daddr);
        m.put32(nl3 + 16, saddr);
        m.put16(nl3 + 10, checksum(m.array(), m.offset() + nl3, IP_HLEN));
        // type 8 -> 0, code kept: the checksum updated incrementally (RFC 1624, eqn. 3)
        final int oldWord = m.u16(icmp);
        final int newWord = ICMP_ECHOREPLY << 8 | (oldWord & 0xff);
        m.put16(icmp, newWord);
        int sum = (~m.u16(icmp + 2) & 0xffff) + (~oldWord & 0xffff) + newWord;
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        m.put16(icmp + 2, ~sum & 0xffff);
        m.data(m.offset() + nl3 - ETH_HLEN, ETH_HLEN + IP_HLEN + len).l3Offset(ETH_HLEN);
        final int rc = netif.output4(lcoreId, m);
        count(lcoreId, Edpvs.OK == rc ? ECHO_ANSWERED : OUTPUT_FAILED);
        return InetHook.STOLEN;
    }

    private int nextId(final int lcoreId)
    {
        final int i = lcoreId * 16;
        final int id = ids[i];
        ids[i] = id + 1;
        return id & 0xffff;
    }

    private int bad(final int lcoreId, final int what, final Mbuf m, final int len)
    {
        count(lcoreId, what);
        final long left = badLog.admit(System.nanoTime());
        if (left >= 0)
        {
            LOG.warn("lcore {}: ICMP message dropped ({}, {} bytes, from {}){}", lcoreId, NAMES[what], len,
                IfAddr.ip(m.u32(m.l3Offset() + 12)), LogLimiter.suppressedNote(left));
        }
        return InetHook.DROP;
    }

    private void count(final int lcoreId, final int what)
    {
        final int i = lcoreId * STRIDE + what;
        counters.lazySet(i, counters.get(i) + 1);
    }

    /**
     * @param lcoreId an lcore.
     * @param what    a counter (ECHO_ANSWERED ...).
     * @return its value.
     */
    long counter(final int lcoreId, final int what)
    {
        return counters.get(lcoreId * STRIDE + what);
    }

    /**
     * @param b   bytes.
     * @param off start.
     * @param len length, even or odd.
     * @return the Internet checksum (0 when verifying a message that carries its correct checksum).
     */
    static int checksum(final byte[] b, final int off, final int len)
    {
        long sum = 0;
        final int end = off + (len & ~1);
        for (int i = off; i < end; i += 2)
        {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (0 != (len & 1))
        {
            sum += (b[end] & 0xff) << 8;
        }
        while (0 != (sum >>> 16))
        {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int)(~sum & 0xffff);
    }
}
