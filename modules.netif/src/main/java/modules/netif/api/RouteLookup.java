package modules.netif.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The IPv4 route lookup a routing bundle offers as a service; netif picks it up and drops it as it comes and
 * goes. Called on the forwarding lcores; each lcore may keep its own table.
 */
@ConsumerType
public interface RouteLookup
{
    /**
     * @param lcoreId the lcore calling.
     * @param daddr   the destination, in network order as an int (the bytes of the header, big-endian).
     * @param out     filled in when found.
     * @return true when a route was found.
     */
    boolean lookup4(int lcoreId, int daddr, Route4 out);
}
