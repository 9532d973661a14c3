/**
 * The netif API: ports, pooled packet buffers and the INET hook chain of the forwarding lcores.
 * <p>
 * Packets are {@link modules.netif.api.Mbuf}s from an {@link modules.netif.api.MbufPool}, received and sent in
 * bursts by the {@code recv_fwd} and {@code xmit} jobs of the FWD_WORKER lcores. A feature adds an
 * {@link modules.netif.api.InetHook} at a {@link modules.netif.api.HookPoint} through the
 * {@link modules.netif.api.Netif} service and closes the returned handle when it stops; once {@code close()}
 * returns, the hook is never called again. Route lookup and neighbour output are services other bundles offer
 * ({@link modules.netif.api.RouteLookup}, {@link modules.netif.api.NeighOutput}); while none is there, packets
 * are counted as no-route or no-neighbour drops. Since 1.1 a feature can also receive a non-IPv4 ethertype (ARP)
 * or the local IPv4 packets of one protocol (ICMP) with a {@link modules.netif.api.PacketReceiver}, and send the
 * IPv4 packets it builds through the routing path ({@link modules.netif.api.Netif#output4}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package modules.netif.api;
