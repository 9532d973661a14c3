package modules.netif.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The netif service: the ports, the packet pool, the hook chain and transmission.
 * <p>
 * As an OSGi service it is bundle-scoped: hooks are recorded with the registering bundle as owner, and the hooks
 * a bundle still has when it releases the service (it stopped) are closed for it.
 */
@ProviderType
public interface Netif
{
    /**
     * Adds a hook. It runs on every forwarding lcore from their next burst on, after the hooks of the same point
     * with a lower priority (and after those of equal priority registered earlier).
     *
     * @param point    where.
     * @param priority lower runs first (DPVS's convention).
     * @param name     for listings and logs, unique per point.
     * @param hook     the hook.
     * @return the handle whose {@code close()} removes it.
     * @throws IllegalArgumentException when an argument is null or the name is taken at that point.
     */
    HookHandle registerHook(HookPoint point, int priority, String name, InetHook hook);

    /** @return the ports, by id. */
    List<PortInfo> ports();

    /**
     * @param name a port name.
     * @return its id, or -1 when there is no such port.
     */
    int portId(String name);

    /** @return the pool packets come from; a feature that builds a packet allocates it here. */
    MbufPool pool();

    /**
     * Queues a packet whose data starts at a complete Ethernet header for transmission on a port. On a forwarding
     * lcore it goes into that lcore's burst for the port, sent at the end of the burst or by the {@code xmit} job;
     * from any other thread it travels as a MASTER_XMIT message to the lcore that owns a transmit queue of the
     * port. The caller gives up ownership in every case.
     *
     * @param lcoreId the calling lcore, or -1.
     * @param m       the packet.
     * @param port    the port id.
     * @return an {@code Edpvs} code: OK when queued, NOTEXIST for an unknown port (the packet is freed), NOROOM
     * when the queue is full (the packet is freed and counted as dropped).
     */
    int xmit(int lcoreId, Mbuf m, int port);

    /**
     * Registers the receiver of a non-IPv4 ethertype (DPVS's {@code netif_register_pkt}), e.g. 0x0806 for ARP.
     * Frames of an ethertype without a receiver go to the port's KNI tap as before.
     *
     * @param ethertype the ethertype, 0..0xffff, not 0x0800 (IPv4 has the hook points and
     *                  {@link #registerProtocol}).
     * @param name      for listings and logs.
     * @param receiver  the receiver.
     * @return the handle whose {@code close()} removes it.
     * @throws IllegalArgumentException when an argument is wrong or the ethertype has a receiver already.
     * @since 1.1
     */
    ReceiverHandle registerPacketType(int ethertype, String name, PacketReceiver receiver);

    /**
     * Registers the receiver of the IPv4 packets of one protocol whose route is local (DPVS's
     * {@code ipv4_register_protocol}), called after the LOCAL_IN hooks. Local packets of a protocol without a
     * receiver go to the port's KNI tap as before.
     *
     * @param protocol the IPv4 protocol number, 0..255 (1 for ICMP).
     * @param name     for listings and logs.
     * @param receiver the receiver.
     * @return the handle whose {@code close()} removes it.
     * @throws IllegalArgumentException when an argument is wrong or the protocol has a receiver already.
     * @since 1.1
     */
    ReceiverHandle registerProtocol(int protocol, String name, PacketReceiver receiver);

    /**
     * Sends an IPv4 packet the data plane built itself (DPVS's {@code ipv4_local_out}): the LOCAL_OUT hooks, the
     * route lookup of its destination, the POST_ROUTING hooks and the neighbour output, as a forwarded packet
     * after routing. The packet's data starts at room for an Ethernet header (14 bytes, filled in by the
     * neighbour output), {@link Mbuf#l3Offset()} is 14, and the IPv4 header is complete with its checksum. On a
     * forwarding lcore it runs there; from any other thread it travels to a forwarding lcore as a message. The
     * caller gives up ownership in every case.
     *
     * @param lcoreId the calling lcore, or -1.
     * @param m       the packet.
     * @return an {@code Edpvs} code: OK when handed on (a hook or the neighbour output may still drop it, counted
     * there), NOROUTE when no route matched (the packet is freed and counted), NOTSUPP when no forwarding lcore
     * runs (freed).
     * @since 1.1
     */
    int output4(int lcoreId, Mbuf m);
}
