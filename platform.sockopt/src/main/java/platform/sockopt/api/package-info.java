/**
 * The control socket API (DPVS's sockopt): a bundle registers a SET id range and a GET id range with their
 * handlers; requests on the Unix-domain control socket reach the handler of the range holding their id, on the
 * master lcore. {@link platform.sockopt.api.Sockopt} draws the wire format.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package platform.sockopt.api;
