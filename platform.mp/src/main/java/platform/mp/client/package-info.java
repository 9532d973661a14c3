/**
 * The channel's wire format and the secondary's side, on the JDK alone, so that a separate JVM (an agent, a second
 * data-plane process, a test) can attach with {@link platform.mp.client.MpSecondary} from a plain class path. Not
 * exported: the primary's bundle uses the same classes privately.
 */
package platform.mp.client;
