/**
 * DPDK's multi-process channel (rte_mp) between the platform (the primary) and secondary JVMs: named one-way
 * messages (MSG), requests (REQ) answered by replies (REP) or "ignore" (IGN) from a peer with no action for the name.
 * {@link platform.mp.api.MpChannel} is the primary's side; {@code platform.mp.client.MpSecondary} the secondary's.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package platform.mp.api;
