/**
 * The interface addresses (DPVS's inetaddr): the control socket's wire format for SET 47..50 and GET 51..52
 * ({@link modules.inetaddr.api.InetAddrConf}) and the data path's question "is this one of our addresses?"
 * ({@link modules.inetaddr.api.InetAddrs}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package modules.inetaddr.api;
