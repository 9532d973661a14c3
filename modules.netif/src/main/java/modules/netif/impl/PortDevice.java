package modules.netif.impl;

import modules.netif.api.Mbuf;

/**
 * What a driver opened for one port (DPDK's {@code rte_eth_dev} with its burst functions). Each receive queue is
 * polled by one lcore and each transmit queue used by one lcore, as the queue configuration assigns them, so a
 * queue's state needs no synchronisation; the device-wide calls (promisc, up, stats) may come from any thread.
 * <p>
 * Bursts allocate nothing: receive takes buffers from the port's pool with the calling lcore's id; transmit
 * returns the buffers it took to their pool.
 */
interface PortDevice extends AutoCloseable
{
    /** The most packets one burst moves (DPVS's {@code NETIF_MAX_PKT_BURST}). */
    int MAX_BURST = 32;

    /** @return the driver's name: af_packet, tap, synthetic or pcap. */
    String driver();

    /** @return what it opened (an interface name, a file), "" when nothing. */
    String device();

    /** @return its MAC address, 6 bytes. */
    byte[] mac();

    /** @return its MTU. */
    int mtu();

    /** @return receive queues. */
    int rxQueues();

    /** @return transmit queues. */
    int txQueues();

    /**
     * Receives a burst.
     *
     * @param lcoreId the calling lcore (for the pool's cache).
     * @param queue   the receive queue, polled by this lcore only.
     * @param pkts    where to put the packets, from index 0; each with its data at the Ethernet header and
     *                {@link Mbuf#from(int, int)} set.
     * @param max     at most this many, at most {@link #MAX_BURST}.
     * @return how many were received, 0 when none waits.
     */
    int rxBurst(int lcoreId, int queue, Mbuf[] pkts, int max);

    /**
     * Sends a burst. The buffers it takes are freed by the device (now or once sent); those it does not take stay
     * the caller's, who frees and counts them.
     *
     * @param lcoreId the calling lcore.
     * @param queue   the transmit queue, used by this lcore only.
     * @param pkts    the packets, from index 0, each with its data at the Ethernet header.
     * @param n       how many.
     * @return how many it took: {@code pkts[0..return)}.
     */
    int txBurst(int lcoreId, int queue, Mbuf[] pkts, int n);

    /**
     * @return the link speed in Mbps as DPDK's {@code rte_eth_link.link_speed} gives it, 0 when unknown.
     */
    default int linkSpeedMbps()
    {
        return 0;
    }

    /** @return true when the link is up. */
    boolean linkUp();

    /** @return true when administratively up. */
    boolean up();

    /** @return true when promiscuous. */
    boolean promisc();

    /**
     * @param on promiscuous or not.
     * @return an {@code Edpvs} code: OK, or NOTSUPP when the driver cannot.
     */
    int promisc(boolean on);

    /**
     * @param up administratively up or down.
     * @return an {@code Edpvs} code: OK, or NOTSUPP when the driver cannot.
     */
    int up(boolean up);

    /** @return packets the device dropped before the data plane saw them (ring full), DPDK's imissed. */
    long rxMissed();

    /** @return receive errors the device saw (bad frames), DPDK's ierrors. */
    long rxErrors();

    /** Releases what it opened; the port's queues are no longer polled when this is called. */
    @Override
    void close();
}
