package platform.msgmgr.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A snapshot of one message type on one lcore and its counters (what {@code msg:types} and {@code msg:stats}
 * show). Counters that the lcore keeps itself are read without synchronisation: each is whole, the set is not a
 * snapshot.
 *
 * @param id               type id.
 * @param name             its name.
 * @param lcore            the lcore this entry is on.
 * @param mode             UNICAST or MULTICAST.
 * @param priority         its priority.
 * @param owner            who registered it.
 * @param sent             messages sent to this type on this lcore.
 * @param received         messages the lcore took from its ring.
 * @param finished         messages whose callback succeeded.
 * @param dropped          messages dropped (type closed, ring full, ...).
 * @param timedOut         sync sends that timed out.
 * @param callbackFailures callbacks that failed or threw.
 * @param ringFull         sends refused because the ring was full.
 * @param lateReplies      multicast replies after their multicast ended.
 */
@ProviderType
public record MsgTypeInfo(int id, String name, int lcore, MsgMode mode, MsgPriority priority, String owner,
    long sent, long received, long finished, long dropped, long timedOut, long callbackFailures, long ringFull,
    long lateReplies)
{
}
