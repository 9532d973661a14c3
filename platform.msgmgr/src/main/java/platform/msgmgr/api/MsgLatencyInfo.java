package platform.msgmgr.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The latency of one message type's synchronous sends on one lcore (for a multicast type, on the master's entry:
 * the whole multicast), since the type was registered; what {@code msg:latency} shows. The histogram behind it
 * records a sample of the round trips (and every dropped one), with two significant digits.
 *
 * @param id     type id.
 * @param name   its name.
 * @param lcore  the lcore this entry is on.
 * @param count  round trips recorded.
 * @param p50Ns  median, nanoseconds.
 * @param p90Ns  90th percentile, nanoseconds.
 * @param p99Ns  99th percentile, nanoseconds.
 * @param p999Ns 99.9th percentile, nanoseconds.
 * @param maxNs  longest, nanoseconds.
 * @since 2.1
 */
@ProviderType
public record MsgLatencyInfo(int id, String name, int lcore, long count, long p50Ns, long p90Ns, long p99Ns,
    long p999Ns, long maxNs)
{
}
