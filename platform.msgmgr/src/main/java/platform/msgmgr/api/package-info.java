/**
 * The inter-lcore message manager API (DPVS's {@code src/ctrl.c} message part): message types registered per
 * lcore, unicast and multicast messages over per-lcore rings, synchronous and asynchronous sends. Since 2.1 the
 * latency percentiles of the synchronous sends per type and the rings' fill levels are read through
 * {@link platform.msgmgr.api.MsgManager#latencies()} and {@link platform.msgmgr.api.MsgManager#rings()}. Since 2.2 a result's latency is measured for the sampled sends only
 * ({@link platform.msgmgr.api.MsgReply#UNTIMED} for the others).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.2.0")
package platform.msgmgr.api;
