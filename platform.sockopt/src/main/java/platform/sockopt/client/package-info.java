/**
 * A client of the control socket, with timeouts, on the JDK alone: usable from a plain class path (the jar's
 * {@code dplanectl} command line) as well as from a bundle.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package platform.sockopt.client;
