package platform.msgmgr.api;

import platform.lcore.api.Edpvs;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The inter-lcore message manager (DPVS's {@code src/ctrl.c}). Every lcore that processes messages (the master and
 * the forwarding workers) has one ring per priority; each lcore's type table is written only by that lcore.
 * <p>
 * Results are DPVS's {@link Edpvs} codes. As an OSGi service it is bundle-scoped: types are recorded with the
 * registering bundle as owner, and those a bundle leaves registered are closed when it stops.
 */
@ProviderType
public interface MsgManager
{
    /** A timeout argument meaning "the configured default" (2000 us unless configured otherwise). */
    long DEFAULT_TIMEOUT = -1;

    /**
     * Registers a unicast or multicast-worker callback for one lcore ({@code msg_type_register}).
     *
     * @param spec    the type.
     * @param lcoreId the lcore whose table gets it (the callback runs there).
     * @return the handle.
     * @throws IllegalArgumentException when the lcore processes no messages.
     * @throws IllegalStateException    when (id, lcore) is taken, naming the holder.
     */
    MsgTypeHandle register(MsgTypeSpec spec, int lcoreId);

    /**
     * Registers a multicast type ({@code msg_type_mc_register}): the master gets the multicast callback (a default
     * that completes when none is given), every forwarding worker the unicast callback.
     *
     * @param spec a MULTICAST spec.
     * @return the handle, which unregisters from every lcore.
     */
    MsgTypeHandle registerMulticast(MsgTypeSpec spec);

    /**
     * Sends a message and returns once it is enqueued. Allocates nothing in the steady state.
     *
     * @param type    type id.
     * @param lcoreId destination lcore.
     * @param payload attached object, shared with the receiver.
     * @return OK; NOTEXIST when the type is not registered there; NOROOM when the ring is full (the message was
     * not accepted); INVAL for a bad lcore or type id.
     */
    int sendAsync(int type, int lcoreId, Object payload);

    /**
     * Sends a message and waits until it was handled, dropped, or the timeout passed. On an lcore it keeps draining
     * that lcore's own rings while it waits, so sending to oneself cannot deadlock; elsewhere it parks.
     *
     * @param type      type id.
     * @param lcoreId   destination lcore.
     * @param payload   attached object.
     * @param timeoutUs microseconds, or {@link #DEFAULT_TIMEOUT}.
     * @param out       receives the result, the final flags and the reply.
     * @return OK, MSG_FAIL (callback failed), MSG_DROP (dropped or timed out), NOTEXIST, NOROOM or INVAL.
     */
    int sendSync(int type, int lcoreId, Object payload, long timeoutUs, MsgReply out);

    /**
     * Multicasts from the master to every forwarding worker and waits for all replies (or the timeout). Called on
     * the master it drains the master's rings while waiting; from another thread the master does the fan-out.
     *
     * @param type      a multicast type id.
     * @param payload   attached object, shared by every worker.
     * @param timeoutUs microseconds, or {@link #DEFAULT_TIMEOUT}.
     * @param out       receives the code and every reply.
     * @return OK, MSG_FAIL (some callback failed), MSG_DROP (timeout or unregistered), NOTEXIST, NOROOM or INVAL.
     */
    int multicastSync(int type, Object payload, long timeoutUs, MulticastResult out);

    /**
     * Multicasts and returns once the request is accepted; {@code completion} is called exactly once, on the
     * master lcore.
     *
     * @param type       a multicast type id.
     * @param payload    attached object.
     * @param timeoutUs  microseconds, or {@link #DEFAULT_TIMEOUT}.
     * @param completion called on completion, timeout or drop.
     * @return OK when accepted (the completion will be called), else NOTEXIST, NOROOM or INVAL (it will not).
     */
    int multicastAsync(int type, Object payload, long timeoutUs, MulticastCompletion completion);

    /**
     * @return the master lcore's id.
     */
    int masterLcoreId();

    /**
     * @return ids of the forwarding workers, the targets of multicasts.
     */
    int[] workerLcoreIds();

    /**
     * @return every registered message type on every lcore, with its counters, by lcore then id.
     */
    java.util.List<MsgTypeInfo> types();

    /**
     * @return the synchronous-send latency of every registered type on every lcore that recorded one, by lcore then
     * id.
     * @since 2.1
     */
    default java.util.List<MsgLatencyInfo> latencies()
    {
        return java.util.List.of();
    }

    /**
     * @return the fill level of every lcore's rings, by lcore then priority (HIGH, NORM, LOW).
     * @since 2.1
     */
    default java.util.List<MsgRingInfo> rings()
    {
        return java.util.List.of();
    }
}
