package platform.mp.api;

/**
 * A reply with file descriptors, from {@link MpAction#respond}.
 *
 * @param params the reply's parameters (null: empty).
 * @param fds    at most 8 fds of this process, sent as copies (SCM_RIGHTS): the action still owns them and closes
 *               them when it likes (null: none).
 * @since 1.1
 */
public record MpResponse(byte[] params, int[] fds)
{
}
