package modules.neigh.impl;

/**
 * A neighbour learned from an ARP frame, reported by a worker to the master (NEIGH_REPORT) and multicast by the
 * master to every worker (NEIGH_LEARN); immutable, shared by the lcores.
 *
 * @param ip         the neighbour's address (network order as an int).
 * @param port       the port it was seen on.
 * @param mac        its MAC, the low 48 bits.
 * @param updateOnly only refresh the lcores that already have the entry (gratuitous or third-party ARP).
 */
record Learn(int ip, int port, long mac, boolean updateOnly)
{
    long key()
    {
        return NeighTable.key(ip, port);
    }

    @Override
    public String toString()
    {
        return Arp.ip(ip) + " lladdr " + Arp.macText(mac) + " port " + port + (updateOnly ? " (update)" : "");
    }
}
