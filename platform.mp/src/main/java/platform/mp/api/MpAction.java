package platform.mp.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What runs for a named message ({@code rte_mp_t}). Runs on the channel's one I/O thread, as DPDK's
 * {@code mp_handle} thread runs it: one action call at a time, in arrival order per peer. It holds every peer's later
 * messages and replies while it runs, so it should be short (hand long work to a thread of your own); a synchronous
 * request from it is refused ({@link MpException#IN_CALLBACK}), {@code requestAsync} works.
 */
@ConsumerType
@FunctionalInterface
public interface MpAction
{
    /**
     * @param msg the message, {@link MpMessage#kind()} MSG or REQ.
     * @return for a REQ the reply's parameters (null: an empty reply); ignored for a MSG.
     * @throws Exception when the message cannot be handled: it is logged and, as in DPDK, no reply is sent (the
     *                   requester counts the peer in nbSent without a reply).
     */
    byte[] handle(MpMessage msg) throws Exception;

    /**
     * What the channel calls. Override it (and leave {@link #handle} unused) to reply with file descriptors, as
     * DPDK's primary answers a secondary's request for a VFIO container fd; a peer that cannot take fds gets no
     * reply (counted as an action error).
     *
     * @param msg the message.
     * @return the reply (null: an empty reply); ignored for a MSG.
     * @throws Exception as {@link #handle}.
     * @since 1.1
     */
    default MpResponse respond(final MpMessage msg) throws Exception
    {
        return new MpResponse(handle(msg), null);
    }
}
