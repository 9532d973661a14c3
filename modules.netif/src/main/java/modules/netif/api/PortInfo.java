package modules.netif.api;

/**
 * A port as configured and its state now.
 *
 * @param id      port id, 0.., in configuration order.
 * @param name    its name (DPVS: {@code dpdk0}), at most 15 bytes.
 * @param driver  af_packet, tap, synthetic or pcap.
 * @param device  what the driver opened (an interface, a file), or "" for synthetic.
 * @param mac     its MAC address, 6 bytes.
 * @param mtu     its MTU.
 * @param rxQueues receive queues.
 * @param txQueues transmit queues.
 * @param up      administratively up.
 * @param linkUp  the link is up.
 * @param promisc promiscuous.
 */
public record PortInfo(int id, String name, String driver, String device, byte[] mac, int mtu, int rxQueues,
    int txQueues, boolean up, boolean linkUp, boolean promisc)
{
    /** @return the MAC as text, {@code aa:bb:cc:dd:ee:ff}. */
    public String macText()
    {
        final StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++)
        {
            if (i > 0)
            {
                sb.append(':');
            }
            sb.append(Character.forDigit((mac[i] >> 4) & 0xf, 16)).append(Character.forDigit(mac[i] & 0xf, 16));
        }
        return sb.toString();
    }
}
