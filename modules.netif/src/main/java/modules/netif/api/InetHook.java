package modules.netif.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A function run on every IPv4 packet that passes its {@link HookPoint}, on the lcore that handles the packet.
 * The data starts at the Ethernet header; {@link Mbuf#l3Offset()} gives the IPv4 header. It must not block.
 */
@ConsumerType
@FunctionalInterface
public interface InetHook
{
    /** Drop the packet: the chain stops and netif frees it and counts it (DPVS's {@code INET_DROP}). */
    int DROP = 0;
    /** Let the packet go on to the next hook (DPVS's {@code INET_ACCEPT}). */
    int ACCEPT = 1;
    /** The hook took the packet: the chain stops and the hook owns it now (DPVS's {@code INET_STOLEN}). */
    int STOLEN = 2;

    /**
     * @param lcoreId the lcore calling.
     * @param point   where.
     * @param m       the packet.
     * @return {@link #ACCEPT}, {@link #DROP} or {@link #STOLEN}; any other value counts as a drop.
     */
    int hook(int lcoreId, HookPoint point, Mbuf m);
}
