/**
 * The IPv4 routing table (DPVS's route): the control socket's wire format for SET 28..31 and GET 32
 * ({@link modules.route.api.RouteConf}) and the table's service ({@link modules.route.api.Routes}: read it, and
 * since 1.1 add and delete routes from another bundle, as the interface addresses do with their connected routes).
 * The data path reaches the table through netif's {@code RouteLookup}, which this bundle offers.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package modules.route.api;
