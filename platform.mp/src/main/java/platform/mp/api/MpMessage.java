package platform.mp.api;

/**
 * A message as an action or a requester sees it ({@code struct rte_mp_msg}).
 *
 * @param kind   what it is.
 * @param name   the action name.
 * @param params the parameters (a copy the receiver owns).
 * @param peer   the peer it came from: a secondary's id on the primary, 0 for the primary.
 * @param fds    the file descriptors that came with it (DPDK's {@code fds[num_fds]}, at most 8, passed with
 *               SCM_RIGHTS): new fds of this process, owned by the receiver, which closes them (e.g.
 *               {@code platform.mp.client.MpFds.close}); empty for most messages.
 * @since 1.1
 */
public record MpMessage(MpKind kind, String name, byte[] params, int peer, int[] fds)
{
    private static final int[] NO_FDS = new int[0];

    /**
     * A message without fds.
     *
     * @param kind   what it is.
     * @param name   the action name.
     * @param params the parameters.
     * @param peer   the peer it came from.
     */
    public MpMessage(final MpKind kind, final String name, final byte[] params, final int peer)
    {
        this(kind, name, params, peer, NO_FDS);
    }

    /**
     * @param kind   what it is.
     * @param name   the action name.
     * @param params the parameters.
     * @param peer   the peer it came from.
     * @param fds    the fds (null: none).
     */
    public MpMessage
    {
        fds = null == fds ? NO_FDS : fds;
    }
}
