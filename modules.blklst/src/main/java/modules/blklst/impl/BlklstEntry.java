package modules.blklst.impl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

import modules.blklst.api.BlklstConf;

/**
 * One blacklist entry, normalised: for AF_INET the address halves hold the 4 address bytes only (ipvsadm's
 * garbage in the other 12 is dropped), so equal entries are equal keys. Immutable; travels as the payload of the
 * blacklist's messages.
 *
 * @param af      AF_INET 2 or AF_INET6 10.
 * @param proto   the service protocol.
 * @param vport   the service port, a plain number.
 * @param vaddrHi service address: IPv4 as its 32-bit value, IPv6 bytes 0..7.
 * @param vaddrLo 0 for IPv4, IPv6 bytes 8..15.
 * @param saddrHi blacklisted address, same form.
 * @param saddrLo blacklisted address, same form.
 */
record BlklstEntry(int af, int proto, int vport, long vaddrHi, long vaddrLo, long saddrHi, long saddrLo)
{
    /** Protocols a DPVS service can have: TCP, UDP, SCTP, ICMP, ICMPv6. */
    static boolean knownProto(final int proto)
    {
        return 6 == proto || 17 == proto || 132 == proto || 1 == proto || 58 == proto;
    }

    /**
     * Reads a {@code dp_vs_blklst_conf} at the buffer's position (its order is ignored: fields are read as laid
     * out). Checks nothing but the address family, which decides how many address bytes count.
     *
     * @param b at least {@link BlklstConf#SIZE} bytes.
     * @return the entry.
     */
    static BlklstEntry decode(final ByteBuffer b)
    {
        final int at = b.position();
        final ByteBuffer be = b.duplicate().order(ByteOrder.BIG_ENDIAN);
        final int af = b.get(at + BlklstConf.AF_OFFSET) & 0xff;
        final int proto = b.get(at + BlklstConf.PROTO_OFFSET) & 0xff;
        final int vport = be.getShort(at + BlklstConf.VPORT_OFFSET) & 0xffff;
        if (BlklstConf.AF_INET6 == af)
        {
            return new BlklstEntry(af, proto, vport, be.getLong(at + BlklstConf.VADDR_OFFSET),
                be.getLong(at + BlklstConf.VADDR_OFFSET + 8), be.getLong(at + BlklstConf.SUBJECT_OFFSET),
                be.getLong(at + BlklstConf.SUBJECT_OFFSET + 8));
        }
        return new BlklstEntry(af, proto, vport, be.getInt(at + BlklstConf.VADDR_OFFSET) & 0xffffffffL, 0,
            be.getInt(at + BlklstConf.SUBJECT_OFFSET) & 0xffffffffL, 0);
    }

    /**
     * @param b where the 68-byte record goes, at its position, which advances by {@link BlklstConf#SIZE}.
     */
    void encode(final ByteBuffer b)
    {
        final int at = b.position();
        final ByteBuffer be = b.duplicate().order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < BlklstConf.SIZE; i++)
        {
            b.put(at + i, (byte)0);
        }
        if (BlklstConf.AF_INET6 == af)
        {
            be.putLong(at + BlklstConf.VADDR_OFFSET, vaddrHi).putLong(at + BlklstConf.VADDR_OFFSET + 8, vaddrLo);
            be.putLong(at + BlklstConf.SUBJECT_OFFSET, saddrHi).putLong(at + BlklstConf.SUBJECT_OFFSET + 8, saddrLo);
        }
        else
        {
            be.putInt(at + BlklstConf.VADDR_OFFSET, (int)vaddrHi);
            be.putInt(at + BlklstConf.SUBJECT_OFFSET, (int)saddrHi);
        }
        be.putShort(at + BlklstConf.VPORT_OFFSET, (short)vport);
        b.put(at + BlklstConf.PROTO_OFFSET, (byte)proto);
        b.put(at + BlklstConf.AF_OFFSET, (byte)af);
        b.position(at + BlklstConf.SIZE);
    }

    /** @return e.g. "TCP 10.0.0.1:80 1.2.3.4" or "UDP [2001:db8::1]:53 2001:db8::7". */
    @Override
    public String toString()
    {
        final String p = switch (proto)
        {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 132 -> "SCTP";
            case 1 -> "ICMP";
            case 58 -> "ICMPv6";
            default -> "proto " + proto;
        };
        final String v = address(vaddrHi, vaddrLo);
        return String.format(Locale.ROOT, "%s %s:%d %s", p, BlklstConf.AF_INET6 == af ? "[" + v + "]" : v, vport,
            address(saddrHi, saddrLo));
    }

    private String address(final long hi, final long lo)
    {
        final byte[] raw;
        if (BlklstConf.AF_INET6 == af)
        {
            raw = ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
        }
        else
        {
            raw = ByteBuffer.allocate(4).putInt((int)hi).array();
        }
        try
        {
            return InetAddress.getByAddress(raw).getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex); // 4 or 16 bytes are always an address
        }
    }
}
