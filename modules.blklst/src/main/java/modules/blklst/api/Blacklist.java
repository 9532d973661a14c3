package modules.blklst.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The blacklist as the data path sees it: each lcore looks up its own table, which only that lcore touches (the
 * master lcore changes them by multicast). Lookups allocate nothing and take no lock.
 * <p>
 * Addresses are the values of their network-order bytes read big-endian: 10.0.0.1 is {@code 0x0a000001}; an IPv6
 * address is two such longs, high then low. Ports are plain numbers (80), not byte-swapped.
 */
@ProviderType
public interface Blacklist
{
    /**
     * Called on an lcore: is {@code saddr} blacklisted for the IPv4 service {@code vaddr:vport/proto}?
     *
     * @param proto IPPROTO_TCP 6, IPPROTO_UDP 17, IPPROTO_SCTP 132, ...
     * @param vaddr the service's address.
     * @param vport the service's port.
     * @param saddr the client's address.
     * @return true when the calling lcore's table has the entry; false on a thread that is not an lcore.
     */
    boolean containsV4(int proto, int vaddr, int vport, int saddr);

    /**
     * The IPv6 form of {@link #containsV4}.
     *
     * @param proto   the protocol.
     * @param vaddrHi the service address, bytes 0..7.
     * @param vaddrLo the service address, bytes 8..15.
     * @param vport   the service's port.
     * @param saddrHi the client's address, bytes 0..7.
     * @param saddrLo the client's address, bytes 8..15.
     * @return true when the calling lcore's table has the entry.
     */
    boolean containsV6(int proto, long vaddrHi, long vaddrLo, int vport, long saddrHi, long saddrLo);

    /**
     * @return the number of entries the master lcore holds (what GET 76 lists).
     */
    int size();
}
