package platform.msgmgr.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The fill level of one of an lcore's message rings now; what {@code msg:rings} shows. Read without
 * synchronisation: the level may change while the list is built.
 *
 * @param lcore    the lcore that drains the ring.
 * @param priority the ring's priority (HIGH, NORM or LOW; IGN messages travel on the HIGH ring).
 * @param fill     messages waiting in it.
 * @param capacity the most it holds.
 * @since 2.1
 */
@ProviderType
public record MsgRingInfo(int lcore, MsgPriority priority, int fill, int capacity)
{
}
