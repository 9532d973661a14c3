/**
 * The inter-lcore message manager API (DPVS's {@code src/ctrl.c} message part): message types registered per
 * lcore, unicast and multicast messages over per-lcore rings, synchronous and asynchronous sends.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package platform.msgmgr.api;
