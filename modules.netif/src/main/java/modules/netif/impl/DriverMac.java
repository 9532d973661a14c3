package modules.netif.impl;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code mac} option of the tap and pcap drivers: parsed from {@code aa:bb:cc:dd:ee:ff}, or, when not given, a
 * random locally administered unicast address (as the kernel gives a new tap).
 */
final class DriverMac
{
    private DriverMac()
    {
    }

    /**
     * @param conf the port.
     * @return the {@code mac} option, or a random locally administered unicast address.
     * @throws PortException when the option is not a unicast MAC address.
     */
    static byte[] option(final PortConf conf) throws PortException
    {
        final String v = conf.string("mac", null);
        if (null == v)
        {
            final byte[] mac = new byte[6];
            ThreadLocalRandom.current().nextBytes(mac);
            mac[0] = (byte)((mac[0] & 0xfe) | 0x02);
            return mac;
        }
        final byte[] mac = parse(v);
        if (null == mac)
        {
            throw new PortException(conf, "mac " + v + ": want six hex bytes as aa:bb:cc:dd:ee:ff");
        }
        if (0 != (mac[0] & 1))
        {
            throw new PortException(conf, "mac " + v + ": a multicast address cannot be a port's");
        }
        if (0 == (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
        {
            throw new PortException(conf, "mac " + v + ": the zero address cannot be a port's");
        }
        return mac;
    }

    /**
     * @param s aa:bb:cc:dd:ee:ff (or with dashes).
     * @return the 6 bytes, or null when not that form.
     */
    static byte[] parse(final String s)
    {
        final String[] parts = s.split("[:-]", -1);
        if (6 != parts.length)
        {
            return null;
        }
        final byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++)
        {
            final String p = parts[i];
            if (p.isEmpty() || p.length() > 2)
            {
                return null;
            }
            final int hi = 2 == p.length() ? Character.digit(p.charAt(0), 16) : 0;
            final int lo = Character.digit(p.charAt(p.length() - 1), 16);
            if (hi < 0 || lo < 0)
            {
                return null;
            }
            mac[i] = (byte)(hi << 4 | lo);
        }
        return mac;
    }

    /**
     * @param mac 6 bytes.
     * @return aa:bb:cc:dd:ee:ff.
     */
    static String format(final byte[] mac)
    {
        final StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < mac.length; i++)
        {
            if (i > 0)
            {
                sb.append(':');
            }
            sb.append(Character.forDigit((mac[i] >> 4) & 0xf, 16)).append(Character.forDigit(mac[i] & 0xf, 16));
        }
        return sb.toString();
    }
}
