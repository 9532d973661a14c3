package modules.netif.api;

/**
 * Where on an IPv4 packet's way a hook runs, DPVS's {@code INET_HOOK_*} (netfilter's points).
 *
 * <pre>
 *  rx --> PRE_ROUTING --> route --+--> LOCAL_IN --> local delivery (KNI)
 *                                 |
 *                                 +--> FORWARD --> POST_ROUTING --> neighbour --> tx
 *  local output --> LOCAL_OUT --> route --> POST_ROUTING --> neighbour --> tx
 * </pre>
 */
public enum HookPoint
{
    PRE_ROUTING, LOCAL_IN, FORWARD, LOCAL_OUT, POST_ROUTING
}
