/**
 * DPDK's multi-process channel (rte_mp) between the platform (the primary) and secondary JVMs: named one-way
 * messages (MSG), requests (REQ) answered by replies (REP) or "ignore" (IGN) from a peer with no action for the name.
 * {@link platform.mp.api.MpChannel} is the primary's side; {@code platform.mp.client.MpSecondary} the secondary's.
 * 1.1: file descriptors with a message ({@link platform.mp.api.MpMessage#fds()}, the {@code send}/{@code request}
 * overloads, {@link platform.mp.api.MpAction#respond}), shared regions of the primary's own
 * ({@link platform.mp.api.MpChannel#alloc}, {@link platform.mp.api.MpChannel#free}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package platform.mp.api;
