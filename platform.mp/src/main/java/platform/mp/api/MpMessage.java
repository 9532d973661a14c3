package platform.mp.api;

/**
 * A message as an action or a requester sees it ({@code struct rte_mp_msg} without fds).
 *
 * @param kind   what it is.
 * @param name   the action name.
 * @param params the parameters (a copy the receiver owns).
 * @param peer   the peer it came from: a secondary's id on the primary, 0 for the primary.
 */
public record MpMessage(MpKind kind, String name, byte[] params, int peer)
{
}
