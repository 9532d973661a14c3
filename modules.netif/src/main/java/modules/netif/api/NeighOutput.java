package modules.netif.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Neighbour resolution and output, offered as a service by a neighbour bundle: it writes the Ethernet header
 * (its own MAC as source, the next hop's as destination) and hands the packet to {@link Netif#xmit}, or holds
 * it until the next hop is resolved, or drops it.
 */
@ConsumerType
public interface NeighOutput
{
    /**
     * @param lcoreId the lcore calling.
     * @param m       the packet; its data starts at the Ethernet header, {@link Mbuf#l3Offset()} at the IPv4
     *                header; the caller gives up ownership.
     * @param port    the port to send on.
     * @param nextHop the next hop's IPv4 address (network order as an int).
     * @return {@link InetHook#ACCEPT} when sent or held, {@link InetHook#DROP} when dropped (the callee freed it).
     */
    int output(int lcoreId, Mbuf m, int port, int nextHop);
}
