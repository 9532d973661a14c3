/**
 * The IPv4 routing table (DPVS's route): the control socket's wire format for SET 28..31 and GET 32
 * ({@link modules.route.api.RouteConf}) and a read-only view of the table ({@link modules.route.api.Routes}). The
 * data path reaches the table through netif's {@code RouteLookup}, which this bundle offers.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package modules.route.api;
