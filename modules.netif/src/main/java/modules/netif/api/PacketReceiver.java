package modules.netif.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A feature's receiver for the frames of one ethertype (DPVS's {@code struct pkt_type}: ARP) or for the IPv4
 * packets of one protocol addressed to the data plane itself (DPVS's {@code inet_protocol}: ICMP), called on the
 * forwarding lcore that received the packet. It must not block.
 */
@ConsumerType
@FunctionalInterface
public interface PacketReceiver
{
    /**
     * @param lcoreId the lcore calling.
     * @param port    the port the packet came in on.
     * @param m       the packet, its data starting at the Ethernet header; for an IPv4 protocol
     *                {@link Mbuf#l3Offset()} is the IPv4 header, already checked (version, length, checksum).
     * @return {@link InetHook#STOLEN} when the receiver took the packet (it owns it now: it frees it, sends it
     * or keeps it), {@link InetHook#DROP} to have netif free it and count it, {@link InetHook#ACCEPT} to have
     * netif go on as if no receiver were registered (the packet goes to the port's KNI tap, or is dropped as not
     * handled). Any other value counts as a drop.
     */
    int receive(int lcoreId, int port, Mbuf m);
}
