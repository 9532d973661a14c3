/**
 * The routing tables (DPVS's route and route6): the control socket's wire formats for SET 28..31 and GET 32
 * ({@link modules.route.api.RouteConf}) and, since 1.1, for IPv6's SET 33..34 and GET 35
 * ({@link modules.route.api.Route6Conf}); the tables' service ({@link modules.route.api.Routes}: read them, since
 * 1.1 add and delete IPv4 routes from another bundle, as the interface addresses do with their connected routes,
 * and, through {@link modules.route.api.Routes6}, look IPv6 destinations up on an lcore into a
 * {@link modules.route.api.Route6}). The IPv4 data path reaches the table through netif's {@code RouteLookup},
 * which this bundle offers.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package modules.route.api;
