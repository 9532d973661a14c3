/**
 * The neighbour (ARP) table, DPVS's neigh: the control socket's wire format for SET 70..71 and GET 72
 * ({@link modules.neigh.api.NeighConf}). The data path reaches the table through netif's
 * {@code modules.netif.api.NeighOutput}, which this bundle offers.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package modules.neigh.api;
