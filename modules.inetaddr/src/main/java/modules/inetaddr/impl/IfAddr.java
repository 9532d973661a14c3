package modules.inetaddr.impl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import modules.inetaddr.api.InetAddrConf;

/**
 * One interface address, immutable: every lcore's table holds the same instance, and {@code addr set} replaces it
 * with a changed copy. Addresses are the big-endian values of their network-order bytes.
 *
 * @param addr        the address.
 * @param plen        its prefix length, 0..32.
 * @param port        the port id.
 * @param ifname      the port's name.
 * @param bcast       the broadcast address as given (0: none).
 * @param scope       the scope as given (IFA_SCOPE_*).
 * @param flags       the flags, IFA_F_PERMANENT included (DPVS sets it for a forever address).
 * @param validLft    seconds, 0 = forever.
 * @param preferedLft seconds, 0 = forever (DPVS keeps it equal to validLft).
 */
record IfAddr(int addr, int plen, int port, String ifname, int bcast, int scope, int flags, int validLft,
    int preferedLft)
{
    /** @return the prefix's mask. */
    int mask()
    {
        return 0 == plen ? 0 : -1 << (32 - plen);
    }

    /** @return the address masked by its prefix: the connected route's destination. */
    int net()
    {
        return addr & mask();
    }

    /**
     * DPVS's {@code ifa_lookup}: the same address on the same port, with the same prefix length unless the
     * question's is 0.
     *
     * @param port the port.
     * @param addr the address.
     * @param plen the prefix length, 0 for any.
     * @return whether this is it.
     */
    boolean matches(final int port, final int addr, final int plen)
    {
        return this.port == port && this.addr == addr && (0 == plen || this.plen == plen);
    }

    /**
     * Writes this address as a 80-byte {@code inet_addr_data} at the buffer's position (DPVS's
     * {@code fill_ifaddr_entry}), the socket-address pool counters zero.
     *
     * @param out   a little-endian buffer.
     * @param lcore the lcore whose table holds it (cid).
     */
    void encode(final ByteBuffer out, final int lcore)
    {
        final int at = out.position();
        out.putInt(at + InetAddrConf.AF_OFFSET, InetAddrConf.AF_INET);
        out.putInt(at + InetAddrConf.VALID_LFT_OFFSET, validLft);
        out.putInt(at + InetAddrConf.PREFERED_LFT_OFFSET, preferedLft);
        out.putInt(at + InetAddrConf.FLAGS_OFFSET, flags);
        final byte[] n = ifname.getBytes(StandardCharsets.US_ASCII);
        out.put(at + InetAddrConf.IFNAME_OFFSET, n, 0, Math.min(n.length, InetAddrConf.IFNAME_LENGTH - 1));
        out.putInt(at + InetAddrConf.BCAST_OFFSET, Integer.reverseBytes(bcast));
        out.putInt(at + InetAddrConf.ADDR_OFFSET, Integer.reverseBytes(addr));
        out.put(at + InetAddrConf.PLEN_OFFSET, (byte)plen);
        out.put(at + InetAddrConf.SCOPE_OFFSET, (byte)scope);
        out.put(at + InetAddrConf.CID_OFFSET, (byte)lcore);
        out.position(at + InetAddrConf.DATA_SIZE);
    }

    /** DPVS's {@code ifa_hash_key} for IPv4: the address as stored in memory, times 0x61C88647, top 8 bits. */
    int hashBucket()
    {
        final int fold = Integer.reverseBytes(addr); // s_addr read as a little-endian u32
        return (fold * 0x61C88647) >>> 24;
    }

    static String ip(final int a)
    {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }

    /** As dpip prints it, on one line. */
    @Override
    public String toString()
    {
        return String.format(Locale.ROOT, "inet %s/%d scope %s %s%s valid_lft forever preferred_lft forever",
            ip(addr), plen, scopeName(scope), ifname, 0 == bcast ? "" : " broadcast " + ip(bcast));
    }

    static String scopeName(final int scope)
    {
        return switch (scope)
        {
            case InetAddrConf.IFA_SCOPE_HOST -> "host";
            case InetAddrConf.IFA_SCOPE_LINK -> "link";
            case InetAddrConf.IFA_SCOPE_SITE -> "site";
            case InetAddrConf.IFA_SCOPE_GLOBAL -> "global";
            default -> Integer.toString(scope);
        };
    }
}
