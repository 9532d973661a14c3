package modules.inetaddr.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The interface addresses as other bundles read them. Addresses are the big-endian values of their network-order
 * bytes (10.0.0.1 is {@code 0x0a000001}).
 */
@ProviderType
public interface InetAddrs
{
    /**
     * Called on a forwarding lcore: whether an address is one of the data plane's own, in that lcore's own table.
     * Allocates nothing and takes no lock.
     *
     * @param lcoreId the calling lcore.
     * @param addr    the address.
     * @return true when some port holds it.
     */
    boolean isLocal(int lcoreId, int addr);

    /** @return the number of addresses the master lcore holds (what GET 51 lists). */
    int size();

    /** @return the master's addresses as dpip prints them ("inet 10.0.1.1/24 scope global dpdk0"); allocates. */
    List<String> list();
}
