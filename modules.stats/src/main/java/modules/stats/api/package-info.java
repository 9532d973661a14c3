/**
 * Lcore statistics (DPVS's netif lcore statistics): the per-lcore packet counters the data path updates on its
 * own lcore ({@link modules.stats.api.LcoreCounters}), and the wire format of DPVS's netif lcore sockopts GET 57
 * to 59 that serve them with the lcores' loop counts ({@link modules.stats.api.NetifLcoreConf}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package modules.stats.api;
