package modules.neigh.impl;

/**
 * A static neighbour (SET 70, or the configuration's {@code static}): kept on the master, multicast to every worker,
 * never aged. Immutable, shared by the lcores.
 *
 * @param ip     the address (network order as an int).
 * @param port   the port id.
 * @param mac    the MAC, the low 48 bits.
 * @param ifname the port's name.
 */
record StaticEntry(int ip, int port, long mac, String ifname)
{
    long key()
    {
        return NeighTable.key(ip, port);
    }

    @Override
    public String toString()
    {
        return Arp.ip(ip) + " lladdr " + Arp.macText(mac) + " dev " + ifname;
    }
}
