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
}
