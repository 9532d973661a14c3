package modules.route.cli;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * IPv6 addresses as text, both ways, on the JDK alone (dplanectl runs outside OSGi; the route bundle's Gogo
 * commands use it too). {@link #format} writes what glibc's {@code inet_ntop(AF_INET6)} writes, so a route prints as
 * {@code dpip -6 route show} prints it: lowercase hex groups without leading zeros, the longest run of two or more
 * zero groups (the first of equal runs) as "::", and the last 32 bits dotted for IPv4-compatible ({@code ::a.b.c.d})
 * and IPv4-mapped ({@code ::ffff:a.b.c.d}) addresses. An address is two longs: its first 8 bytes big-endian, then
 * its last 8.
 */
public final class Ipv6Text
{
    private Ipv6Text()
    {
    }

    /**
     * @param hi the first 8 bytes, big-endian.
     * @param lo the last 8 bytes.
     * @return the address as inet_ntop prints it.
     */
    public static String format(final long hi, final long lo)
    {
        final int[] w = new int[8];
        for (int i = 0; i < 4; i++)
        {
            w[i] = (int)(hi >>> (48 - 16 * i)) & 0xffff;
            w[4 + i] = (int)(lo >>> (48 - 16 * i)) & 0xffff;
        }
        int bestBase = -1;
        int bestLen = 0;
        int curBase = -1;
        int curLen = 0;
        for (int i = 0; i < 8; i++)
        {
            if (0 == w[i])
            {
                if (curBase < 0)
                {
                    curBase = i;
                    curLen = 0;
                }
                curLen++;
                if (curLen > bestLen)
                {
                    bestBase = curBase;
                    bestLen = curLen;
                }
            }
            else
            {
                curBase = -1;
            }
        }
        if (bestLen < 2)
        {
            bestBase = -1;
        }
        final StringBuilder sb = new StringBuilder(40);
        for (int i = 0; i < 8; i++)
        {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen)
            {
                if (i == bestBase)
                {
                    sb.append(':');
                }
                continue;
            }
            if (0 != i)
            {
                sb.append(':');
            }
            if (6 == i && 0 == bestBase && (6 == bestLen || 5 == bestLen && 0xffff == w[5]))
            {
                sb.append(w[6] >>> 8).append('.').append(w[6] & 0xff).append('.').append(w[7] >>> 8).append('.')
                    .append(w[7] & 0xff);
                return sb.toString();
            }
            sb.append(Integer.toHexString(w[i]));
        }
        if (bestBase >= 0 && 8 == bestBase + bestLen)
        {
            sb.append(':');
        }
        return sb.toString();
    }

    /**
     * @param b  16 bytes of an in6_addr, network order.
     * @param at where they start.
     * @return the address as inet_ntop prints it.
     */
    public static String format(final byte[] b, final int at)
    {
        return format(read(b, at), read(b, at + 8));
    }

    /**
     * @param b  bytes.
     * @param at where 8 big-endian bytes start.
     * @return them as a long.
     */
    public static long read(final byte[] b, final int at)
    {
        long v = 0;
        for (int i = 0; i < 8; i++)
        {
            v = v << 8 | (b[at + i] & 0xffL);
        }
        return v;
    }

    /**
     * @param text an IPv6 literal ("2001:db8::1", "::ffff:10.0.0.1"); never a host name, never DNS.
     * @return its 16 bytes, network order.
     * @throws IllegalArgumentException when it is not one.
     */
    public static byte[] parse(final String text)
    {
        if (null == text || !text.contains(":") || !text.matches("[0-9A-Fa-f:.]+"))
        {
            throw new IllegalArgumentException("not an IPv6 address: " + text);
        }
        try
        {
            final InetAddress a = InetAddress.getByName(text);
            if (a instanceof Inet6Address)
            {
                return a.getAddress();
            }
            // the JDK turns ::ffff:a.b.c.d into an Inet4Address: it is still that IPv6 address
            final byte[] v6 = new byte[16];
            v6[10] = (byte)0xff;
            v6[11] = (byte)0xff;
            System.arraycopy(a.getAddress(), 0, v6, 12, 4);
            return v6;
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("not an IPv6 address: " + text);
        }
    }

    /**
     * @param text an IPv4 literal in dotted decimal; never DNS.
     * @return its 4 bytes, network order.
     * @throws IllegalArgumentException when it is not one.
     */
    public static byte[] parse4(final String text)
    {
        final String[] p = null == text ? new String[0] : text.split("\\.", -1);
        if (4 != p.length)
        {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        final byte[] b = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            if (!p[i].matches("\\d{1,3}") || Integer.parseInt(p[i]) > 255)
            {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            b[i] = (byte)Integer.parseInt(p[i]);
        }
        return b;
    }

    /**
     * @param b  bytes.
     * @param at where 4 bytes of an IPv4 address start, network order.
     * @return dotted decimal.
     */
    public static String format4(final byte[] b, final int at)
    {
        return String.format(Locale.ROOT, "%d.%d.%d.%d", b[at] & 0xff, b[at + 1] & 0xff, b[at + 2] & 0xff,
            b[at + 3] & 0xff);
    }
}
