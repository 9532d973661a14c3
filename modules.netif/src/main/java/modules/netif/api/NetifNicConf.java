package modules.netif.api;

/**
 * DPVS's NIC sockopts (include/conf/netif.h and src/netif.c, v1.10.2), as {@code dpip link show [-s]} and
 * {@code dpip link set} use them: {@code link show} sends GET 60 once, then GET 61 (and with {@code -s} GET 62) per
 * NIC with the NIC's name in a 32-byte NUL-padded buffer; {@code link set DEV promisc|link ...} sends SET 54.
 * Little-endian, natural alignment; names and texts are NUL-padded.
 *
 * <pre>
 * GET 60 SOCKOPT_NETIF_GET_PORT_LIST, empty request; reply netif_nic_list_get, 10 + 18 * nic_num bytes
 *  0        2            4           6             8            10                      28
 *  +--------+------------+-----------+-------------+------------+-----+-----------------+-----
 *  |nic_num |phy_pid_base|phy_pid_end|bond_pid_base|bond_pid_end| id  | name[16]        | ...
 *  +--------+------------+-----------+-------------+------------+-----+-----------------+-----
 *  entries are port_id_name, packed: id u16, name char[IFNAMSIZ]. dpip prints "Fail to get configured NIC list"
 *  on an error or an empty reply.
 *
 * GET 61 SOCKOPT_NETIF_GET_PORT_BASIC, request: char[32] name; reply netif_nic_basic_get, 128 bytes
 *  0          32         64            80            96             112        116  117  118   121
 *  +----------+----------+-------------+-------------+--------------+----------+----+----+-----+------+--
 *  | name[32] | addr[32] |link_status16|link_duplex16|link_autoneg16|link_speed|nrxq|ntxq|pad 3|socket|
 *  +----------+----------+-------------+-------------+--------------+----------+----+----+-----+------+--
 *   122       124   126        127
 *  --+-------+-----+----------+----------+
 *    |port_id| mtu |flags lo  |flags hi  |
 *  --+-------+-----+----------+----------+
 *  flags lo: 0x01 promisc, 0x02 allmulticast, 0x04 fwd2kni, 0x08 tc_egress, 0x10 tc_ingress, 0x20 ol_rx_ip_csum,
 *            0x40 ol_tx_ip_csum, 0x80 ol_tx_tcp_csum; flags hi: 0x01 ol_tx_udp_csum, 0x02 lldp.
 *  Unknown name: EDPVS_NOTEXIST.
 *
 * GET 62 SOCKOPT_NETIF_GET_PORT_STATS, request: char[32] name; reply netif_nic_stats_get, 720 bytes
 *  0          4          8        16       24     32     40      48      56      64        72
 *  +----------+----------+--------+--------+------+------+-------+-------+-------+---------+--
 *  |mbuf_avail|mbuf_inuse|ipackets|opackets|ibytes|obytes|imissed|ierrors|oerrors|rx_nombuf|
 *  +----------+----------+--------+--------+------+------+-------+-------+-------+---------+--
 *   72              200             328           456           584           712     718
 *  --+--------------+---------------+-------------+-------------+-------------+-------+-------+
 *    |q_ipackets[16]|q_opackets[16] |q_ibytes[16] |q_obytes[16] |q_errors[16] | pad 6 |port_id|
 *  --+--------------+---------------+-------------+-------------+-------------+-------+-------+
 *  dpip asserts len == 720.
 *
 * SET 54 SOCKOPT_NETIF_SET_PORT, request netif_nic_set, 52 bytes; no reply body
 *  0            32             50       52
 *  +------------+--------------+--------+
 *  | pname[32]  | macaddr[18]  | flags  |
 *  +------------+--------------+--------+
 *  flags (u16 bit-field): 0x0001 promisc_on, 0x0002 promisc_off, 0x0004 allmulticast_on, 0x0008 allmulticast_off,
 *  0x0010 link_status_up, 0x0020 link_status_down, 0x0040 forward2kni_on, 0x0080 forward2kni_off,
 *  0x0100 tc_egress_on, 0x0200 tc_egress_off, 0x0400 tc_ingress_on, 0x0800 tc_ingress_off, 0x1000 lldp_on,
 *  0x2000 lldp_off. macaddr is text ("aa:bb:cc:dd:ee:ff"), all zero unless {@code dpip link set DEV addr MAC}.
 *  Wrong length or unknown name: EDPVS_INVAL (DPVS's netif_sockopt_set).
 * </pre>
 */
public final class NetifNicConf
{
    public static final int SOCKOPT_NETIF_SET_PORT = 54;
    public static final int SOCKOPT_NETIF_GET_PORT_LIST = 60;
    public static final int SOCKOPT_NETIF_GET_PORT_BASIC = 61;
    public static final int SOCKOPT_NETIF_GET_PORT_STATS = 62;

    /** A NIC name in a GET 61/62 request: dpip sends {@code char dev_name[32]}. */
    public static final int NAME_REQUEST_SIZE = 32;
    /** RTE_ETHDEV_QUEUE_STAT_CNTRS: the per-queue arrays' length. */
    public static final int QUEUE_STAT_COUNTERS = 16;
    /** DPVS's portid_t is u16; -1 is "none" (bond_pid_base/end without bonding). */
    public static final int PORT_ID_NONE = 0xffff;

    public static final int LIST_HEADER_SIZE = 10;
    public static final int LIST_NIC_NUM_OFFSET = 0;
    public static final int LIST_PHY_PID_BASE_OFFSET = 2;
    public static final int LIST_PHY_PID_END_OFFSET = 4;
    public static final int LIST_BOND_PID_BASE_OFFSET = 6;
    public static final int LIST_BOND_PID_END_OFFSET = 8;
    public static final int LIST_ENTRY_SIZE = 18;
    public static final int LIST_ENTRY_ID_OFFSET = 0;
    public static final int LIST_ENTRY_NAME_OFFSET = 2;
    /** IFNAMSIZ. */
    public static final int LIST_ENTRY_NAME_SIZE = 16;

    public static final int BASIC_SIZE = 128;
    public static final int BASIC_NAME_OFFSET = 0;
    public static final int BASIC_NAME_SIZE = 32;
    public static final int BASIC_ADDR_OFFSET = 32;
    public static final int BASIC_ADDR_SIZE = 32;
    public static final int BASIC_LINK_STATUS_OFFSET = 64;
    public static final int BASIC_LINK_DUPLEX_OFFSET = 80;
    public static final int BASIC_LINK_AUTONEG_OFFSET = 96;
    public static final int BASIC_TEXT_SIZE = 16;
    public static final int BASIC_LINK_SPEED_OFFSET = 112;
    public static final int BASIC_NRXQ_OFFSET = 116;
    public static final int BASIC_NTXQ_OFFSET = 117;
    public static final int BASIC_SOCKET_ID_OFFSET = 121;
    public static final int BASIC_PORT_ID_OFFSET = 122;
    public static final int BASIC_MTU_OFFSET = 124;
    public static final int BASIC_FLAGS_OFFSET = 126;
    public static final int BASIC_FLAGS_HI_OFFSET = 127;
    public static final int FLAG_PROMISC = 0x01;
    public static final int FLAG_ALLMULTICAST = 0x02;
    public static final int FLAG_FWD2KNI = 0x04;
    public static final int FLAG_TC_EGRESS = 0x08;
    public static final int FLAG_TC_INGRESS = 0x10;
    public static final int FLAG_OL_RX_IP_CSUM = 0x20;
    public static final int FLAG_OL_TX_IP_CSUM = 0x40;
    public static final int FLAG_OL_TX_TCP_CSUM = 0x80;
    /** In byte {@link #BASIC_FLAGS_HI_OFFSET}. */
    public static final int FLAG_HI_OL_TX_UDP_CSUM = 0x01;

    public static final String LINK_UP = "UP";
    public static final String LINK_DOWN = "DOWN";
    public static final String DUPLEX_FULL = "full-duplex";
    public static final String DUPLEX_HALF = "half-duplex";
    public static final String AUTONEG_FIXED = "fixed-nego";
    public static final String AUTONEG_AUTO = "auto-nego";

    public static final int STATS_SIZE = 720;
    public static final int STATS_MBUF_AVAIL_OFFSET = 0;
    public static final int STATS_MBUF_INUSE_OFFSET = 4;
    public static final int STATS_IPACKETS_OFFSET = 8;
    public static final int STATS_OPACKETS_OFFSET = 16;
    public static final int STATS_IBYTES_OFFSET = 24;
    public static final int STATS_OBYTES_OFFSET = 32;
    public static final int STATS_IMISSED_OFFSET = 40;
    public static final int STATS_IERRORS_OFFSET = 48;
    public static final int STATS_OERRORS_OFFSET = 56;
    public static final int STATS_RX_NOMBUF_OFFSET = 64;
    public static final int STATS_Q_IPACKETS_OFFSET = 72;
    public static final int STATS_Q_OPACKETS_OFFSET = 200;
    public static final int STATS_Q_IBYTES_OFFSET = 328;
    public static final int STATS_Q_OBYTES_OFFSET = 456;
    public static final int STATS_Q_ERRORS_OFFSET = 584;
    public static final int STATS_PORT_ID_OFFSET = 718;

    public static final int SET_SIZE = 52;
    public static final int SET_PNAME_OFFSET = 0;
    public static final int SET_PNAME_SIZE = 32;
    public static final int SET_MACADDR_OFFSET = 32;
    public static final int SET_MACADDR_SIZE = 18;
    public static final int SET_FLAGS_OFFSET = 50;
    public static final int SET_PROMISC_ON = 0x0001;
    public static final int SET_PROMISC_OFF = 0x0002;
    public static final int SET_ALLMULTICAST_ON = 0x0004;
    public static final int SET_ALLMULTICAST_OFF = 0x0008;
    public static final int SET_LINK_UP = 0x0010;
    public static final int SET_LINK_DOWN = 0x0020;
    public static final int SET_FORWARD2KNI_ON = 0x0040;
    public static final int SET_FORWARD2KNI_OFF = 0x0080;
    public static final int SET_TC_EGRESS_ON = 0x0100;
    public static final int SET_TC_EGRESS_OFF = 0x0200;
    public static final int SET_TC_INGRESS_ON = 0x0400;
    public static final int SET_TC_INGRESS_OFF = 0x0800;
    public static final int SET_LLDP_ON = 0x1000;
    public static final int SET_LLDP_OFF = 0x2000;

    /**
     * @param index an entry of GET 60's reply.
     * @return the entry's offset.
     */
    public static int listEntryOffset(final int index)
    {
        return LIST_HEADER_SIZE + index * LIST_ENTRY_SIZE;
    }

    /**
     * @param arrayOffset one of the STATS_Q_..._OFFSET constants.
     * @param queue       0..15.
     * @return the queue's slot.
     */
    public static int statsQueueOffset(final int arrayOffset, final int queue)
    {
        return arrayOffset + 8 * queue;
    }

    private NetifNicConf()
    {
    }
}
