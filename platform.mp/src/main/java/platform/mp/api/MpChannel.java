package platform.mp.api;

import java.time.Duration;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The primary's end of the multi-process channel (DPDK's {@code rte_mp_*} on the primary). Each bundle gets its own
 * instance: the actions it registered are unregistered when it releases the service.
 * <p>
 * Actions run on the channel's one I/O thread (as DPDK's {@code mp_handle} thread), one at a time, async callbacks
 * on the channel's dispatch thread. A synchronous request from either is rejected with
 * {@link MpException#IN_CALLBACK} (DPDK forbids it too: it would wait for replies the blocked thread may be needed
 * to deliver); {@link #requestAsync} works from anywhere.
 */
@ProviderType
public interface MpChannel
{
    /**
     * Registers the action run for MSG and REQ messages of this name from any secondary
     * ({@code rte_mp_action_register}).
     *
     * @param name   1 to 64 bytes of UTF-8.
     * @param action what to run.
     * @return the handle; closing it unregisters the action, and once {@code close()} returned it is not called again.
     * @throws MpException {@link MpException#EXISTS} when the name is taken, {@link MpException#INVALID} for a bad name.
     */
    MpRegistration register(String name, MpAction action);

    /**
     * Sends a one-way MSG to every attached secondary ({@code rte_mp_sendmsg} from the primary).
     *
     * @param name   the action name.
     * @param params at most {@link #maxParamLen()} bytes.
     * @return how many secondaries it was written to.
     */
    int send(String name, byte[] params);

    /**
     * Sends a one-way MSG to the secondaries that registered an action of this name, i.e. its subscribers (a
     * secondary announces its actions to the primary when it registers them).
     *
     * @param name   the action (event) name.
     * @param params at most {@link #maxParamLen()} bytes.
     * @return how many secondaries it was written to.
     */
    int publish(String name, byte[] params);

    /**
     * Sends a REQ to every attached secondary and waits for their replies ({@code rte_mp_request_sync}). A peer
     * answering IGN is not counted in {@code nbSent}; a peer that disconnects or does not answer in time is, with
     * no reply.
     *
     * @param name    the action name.
     * @param params  at most {@link #maxParamLen()} bytes.
     * @param timeout how long to wait for every reply.
     * @return what arrived.
     * @throws MpException {@link MpException#IN_CALLBACK} from an action or callback, {@link MpException#TOO_BIG}.
     */
    MpReply request(String name, byte[] params, Duration timeout);

    /**
     * As {@link #request} without waiting ({@code rte_mp_request_async}): the callback runs exactly once on the
     * dispatch thread, when every peer answered, disconnected or the timeout passed, also when no send succeeded.
     *
     * @param name     the action name.
     * @param params   at most {@link #maxParamLen()} bytes.
     * @param timeout  how long to wait for every reply.
     * @param callback run once with what arrived.
     */
    void requestAsync(String name, byte[] params, Duration timeout, MpCallback callback);

    /**
     * As {@link #send(String, byte[])}, with file descriptors (SCM_RIGHTS): each secondary gets its own copies; a
     * secondary that cannot take fds (no JNA in its JVM) is not sent the message.
     *
     * @param name   the action name.
     * @param params at most {@link #maxParamLen()} bytes.
     * @param fds    at most 8 open fds of this process; they stay open here (null or empty: none).
     * @return how many secondaries it was written to.
     * @throws MpException {@link MpException#INVALID} for more than 8 fds, {@link MpException#NOT_SUPPORTED} when
     *                     this JVM cannot pass fds.
     * @since 1.1
     */
    default int send(final String name, final byte[] params, final int[] fds)
    {
        if (null == fds || 0 == fds.length)
        {
            return send(name, params);
        }
        throw new MpException(MpException.NOT_SUPPORTED, "this channel passes no fds");
    }

    /**
     * As {@link #request(String, byte[], Duration)}, with file descriptors; secondaries that cannot take fds are
     * not sent the request (not counted in {@code nbSent}).
     *
     * @param name    the action name.
     * @param params  at most {@link #maxParamLen()} bytes.
     * @param timeout how long to wait for every reply.
     * @param fds     at most 8 open fds of this process; they stay open here (null or empty: none).
     * @return what arrived; the replies' fds belong to the caller.
     * @throws MpException as {@link #send(String, byte[], int[])}, and as {@link #request(String, byte[], Duration)}.
     * @since 1.1
     */
    default MpReply request(final String name, final byte[] params, final Duration timeout, final int[] fds)
    {
        if (null == fds || 0 == fds.length)
        {
            return request(name, params, timeout);
        }
        throw new MpException(MpException.NOT_SUPPORTED, "this channel passes no fds");
    }

    /**
     * As {@link #requestAsync(String, byte[], Duration, MpCallback)}, with file descriptors; secondaries that cannot
     * take fds are not sent the request (not counted in {@code nbSent}).
     *
     * @param name     the action name.
     * @param params   at most {@link #maxParamLen()} bytes.
     * @param timeout  how long to wait for every reply.
     * @param fds      at most 8 open fds of this process; they stay open here (null or empty: none).
     * @param callback run once with what arrived; the replies' fds belong to it.
     * @throws MpException as {@link #send(String, byte[], int[])}.
     * @since 1.1
     */
    default void requestAsync(final String name, final byte[] params, final Duration timeout, final int[] fds,
        final MpCallback callback)
    {
        if (null == fds || 0 == fds.length)
        {
            requestAsync(name, params, timeout, callback);
            return;
        }
        throw new MpException(MpException.NOT_SUPPORTED, "this channel passes no fds");
    }

    /**
     * Creates a shared region of the primary's own ({@code <runtime dir>/region_<name>}) and has every attached
     * secondary map it before this returns (a sync request; when one does not in time, the region is rolled back:
     * the others unmap it and the file is removed). A secondary attaching later maps it with
     * {@code MpSecondary.lookup(name)}. The region is the calling bundle's: freed when it releases the channel.
     *
     * @param name    1..48 of {@code [A-Za-z0-9._-]}.
     * @param size    bytes, 1..64 MiB.
     * @param timeout how long to wait for the secondaries (null: the default).
     * @return the primary's mapping.
     * @throws MpException EINVAL, EEXIST, ETIMEDOUT (a secondary did not map it; rolled back), EIO, and
     *                     {@link MpException#IN_CALLBACK} from an action or callback.
     * @since 1.1
     */
    default java.nio.MappedByteBuffer alloc(final String name, final int size, final Duration timeout)
    {
        throw new MpException(MpException.NOT_SUPPORTED, "this channel allocates no regions");
    }

    /**
     * Frees a region this bundle allocated: every secondary unmaps it, the file is removed.
     *
     * @param name    the region.
     * @param timeout how long to wait for the secondaries (null: the default).
     * @throws MpException ENOENT when this bundle has no such region.
     * @since 1.1
     */
    default void free(final String name, final Duration timeout)
    {
        throw new MpException(MpException.NOT_SUPPORTED, "this channel allocates no regions");
    }

    /**
     * @return the attached secondaries.
     */
    List<MpPeerInfo> peers();

    /**
     * @return the registered action names of the primary and of each secondary, as "name -> owner".
     */
    List<MpActionInfo> actions();

    /**
     * @return the longest parameter block a message may carry, bytes.
     */
    int maxParamLen();
}
