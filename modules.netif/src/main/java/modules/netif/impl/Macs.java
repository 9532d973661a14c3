package modules.netif.impl;

/** MAC addresses as 6-byte arrays. */
final class Macs
{
    private Macs()
    {
    }

    /**
     * @param s {@code aa:bb:cc:dd:ee:ff}.
     * @return the 6 bytes.
     * @throws IllegalArgumentException when malformed.
     */
    static byte[] parse(final String s)
    {
        final String[] p = s.split(":");
        if (6 != p.length)
        {
            throw new IllegalArgumentException(s + ": not a MAC address (want aa:bb:cc:dd:ee:ff)");
        }
        final byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++)
        {
            if (p[i].isEmpty() || p[i].length() > 2)
            {
                throw new IllegalArgumentException(s + ": not a MAC address (want aa:bb:cc:dd:ee:ff)");
            }
            try
            {
                mac[i] = (byte)Integer.parseInt(p[i], 16);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(s + ": not a MAC address (want aa:bb:cc:dd:ee:ff)");
            }
        }
        return mac;
    }

    /**
     * @param portId a port id.
     * @return a locally administered unicast address for a port with no hardware address: 02:00:00:00:00:id+1.
     */
    static byte[] local(final int portId)
    {
        return new byte[] {0x02, 0, 0, 0, (byte)((portId + 1) >> 8), (byte)(portId + 1)};
    }
}
