package modules.netif.impl;

/**
 * The kernel structures of {@code PACKET_MMAP} ({@code linux/if_packet.h}, {@code linux/if.h}) as offsets, for the
 * af_packet driver, which reads and writes them as plain memory over the mmap'd rings. Offsets are for the 64-bit
 * Linux ABIs (x86-64, aarch64); values are in host order except where a field says {@code __be16}.
 *
 * <h2>Receive: a TPACKET_V3 block ring</h2>
 * The ring is {@code tp_block_nr} blocks of {@code tp_block_size} bytes. The kernel fills one block at a time with
 * variable-sized frames and hands the whole block over ({@code block_status = TP_STATUS_USER}) when it is full or
 * when {@code tp_retire_blk_tov} ms passed; user space hands it back with {@code TP_STATUS_KERNEL}.
 * <pre>
 * struct tpacket_block_desc (48 bytes at the start of each block)
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                            version                            |  0
 *  |                         offset_to_priv                        |  4
 *  |                   block_status  (hdr.bh1 from here)           |  8   TP_STATUS_KERNEL / TP_STATUS_USER
 *  |                            num_pkts                           | 12
 *  |                      offset_to_first_pkt                      | 16
 *  |                            blk_len                            | 20
 *  |                        seq_num (u64)                          | 24
 *  |                ts_first_pkt (sec, nsec)                       | 32
 *  |                ts_last_pkt (sec, nsec)                        | 40
 *  +---------------------------------------------------------------+ 48
 *
 * struct tpacket3_hdr (48 bytes, TPACKET_ALIGN'd), then struct sockaddr_ll (20 bytes), then the frame at tp_mac
 *  |                         tp_next_offset                        |  0   from this header to the next one
 *  |                             tp_sec                            |  4
 *  |                            tp_nsec                            |  8
 *  |                           tp_snaplen                          | 12   bytes captured
 *  |                             tp_len                            | 16   bytes on the wire
 *  |                           tp_status                           | 20
 *  |            tp_mac             |            tp_net             | 24   from this header to the frame
 *  |                    hv1.tp_rxhash                              | 28
 *  |                    hv1.tp_vlan_tci                            | 32
 *  |        hv1.tp_vlan_tpid       |          hv1.tp_padding       | 36
 *  |                       tp_padding[8]                           | 40
 *  +---------------------------------------------------------------+ 48
 *
 * struct sockaddr_ll (20 bytes)
 *  |         sll_family            |     sll_protocol (__be16)     |  0
 *  |                          sll_ifindex                          |  4
 *  |          sll_hatype           |  sll_pkttype  |   sll_halen   |  8
 *  |                        sll_addr[8]                            | 12
 *  +---------------------------------------------------------------+ 20
 * </pre>
 *
 * <h2>Transmit: a TPACKET_V2 frame ring</h2>
 * Fixed {@code tp_frame_size} slots; user space fills a slot and sets {@code TP_STATUS_SEND_REQUEST}, one
 * {@code sendto} sends every requested slot, and the kernel sets {@code TP_STATUS_AVAILABLE} once the frame left.
 * The frame starts at {@code TPACKET2_HDRLEN - sizeof(sockaddr_ll)} = 32 bytes into the slot.
 * <pre>
 * struct tpacket2_hdr (32 bytes)
 *  |                           tp_status                           |  0   AVAILABLE / SEND_REQUEST / SENDING
 *  |                             tp_len                            |  4
 *  |                           tp_snaplen                          |  8
 *  |            tp_mac             |            tp_net             | 12
 *  |                             tp_sec                            | 16
 *  |                            tp_nsec                            | 20
 *  |          tp_vlan_tci          |          tp_vlan_tpid         | 24
 *  |                         tp_padding[4]                         | 28
 *  +---------------------------------------------------------------+ 32
 * </pre>
 *
 * <h2>Set-up structures</h2>
 * <pre>
 * struct tpacket_req3 (28 bytes; struct tpacket_req is its first 16)
 *  |  tp_block_size  0 |  tp_block_nr  4 |  tp_frame_size  8 |  tp_frame_nr  12 |
 *  |  tp_retire_blk_tov  16 |  tp_sizeof_priv  20 |  tp_feature_req_word  24 |
 *
 * struct packet_mreq (16 bytes)
 *  |  mr_ifindex  0 (int) |  mr_type  4 (u16) |  mr_alen  6 (u16) |  mr_address[8]  8 |
 *
 * struct tpacket_stats_v3 (12 bytes)
 *  |  tp_packets  0 |  tp_drops  4 |  tp_freeze_q_cnt  8 |
 *
 * struct ifreq (40 bytes)
 *  |  ifr_name[16]  0 |  union at 16: ifr_flags (short), ifr_mtu (int),
 *  |                     ifr_hwaddr (struct sockaddr: sa_family u16 at 16, sa_data[14] at 18)   |
 * </pre>
 */
final class AfPacketDescriptor
{
    // socket(2), sockopt levels and names
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int SOL_PACKET = 263;
    static final int ETH_P_ALL = 0x0003;
    static final int PACKET_ADD_MEMBERSHIP = 1;
    static final int PACKET_DROP_MEMBERSHIP = 2;
    static final int PACKET_RX_RING = 5;
    static final int PACKET_STATISTICS = 6;
    static final int PACKET_VERSION = 10;
    static final int PACKET_TX_RING = 13;
    static final int PACKET_LOSS = 14;
    static final int PACKET_FANOUT = 18;
    static final int PACKET_QDISC_BYPASS = 20;
    static final int PACKET_IGNORE_OUTGOING = 23;
    static final int PACKET_FANOUT_HASH = 0;
    static final int PACKET_FANOUT_FLAG_DEFRAG = 0x8000;
    static final int PACKET_MR_PROMISC = 1;
    static final int TPACKET_V2 = 1;
    static final int TPACKET_V3 = 2;
    static final int PACKET_OUTGOING = 4;
    static final int MSG_DONTWAIT = 0x40;

    // mmap(2)
    static final int PROT_READ_WRITE = 0x1 | 0x2;
    static final int MAP_SHARED = 0x01;
    static final int MAP_POPULATE = 0x8000;
    static final long MAP_FAILED = -1L;

    // ioctl(2) on interfaces
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCSIFMTU = 0x8922;
    static final long SIOCGIFHWADDR = 0x8927;
    static final int IFF_UP = 0x1;
    static final int IFF_RUNNING = 0x40;
    static final int IFNAMSIZ = 16;
    static final int IFREQ_SIZE = 40;
    static final int IFR_FLAGS = 16;
    static final int IFR_MTU = 16;
    static final int IFR_HWADDR_DATA = 18;

    // ring status words
    static final int TP_STATUS_KERNEL = 0;
    static final int TP_STATUS_USER = 1;
    /** The transport checksum was left to offload (the frame came from this host): see Ipv4.completeL4Checksum. */
    static final int TP_STATUS_CSUMNOTREADY = 1 << 3;
    static final int TP_STATUS_VLAN_VALID = 1 << 4;
    static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;
    static final int TP_STATUS_AVAILABLE = 0;
    static final int TP_STATUS_SEND_REQUEST = 1;

    // Ethernet
    static final int ETH_ADDRS_SIZE = 12;
    static final int VLAN_TAG_SIZE = 4;
    static final int ETH_P_8021Q = 0x8100;

    static final int TPACKET_ALIGNMENT = 16;
    static final int SOCKADDR_LL_SIZE = 20;
    static final int SLL_PROTOCOL = 2;
    static final int SLL_IFINDEX = 4;
    static final int SLL_PKTTYPE = 10;

    // struct tpacket_block_desc
    static final int BLOCK_STATUS = 8;
    static final int BLOCK_NUM_PKTS = 12;
    static final int BLOCK_OFFSET_TO_FIRST_PKT = 16;
    static final int BLOCK_DESC_SIZE = 48;

    // struct tpacket3_hdr
    static final int TP3_NEXT_OFFSET = 0;
    static final int TP3_SNAPLEN = 12;
    static final int TP3_LEN = 16;
    static final int TP3_STATUS = 20;
    static final int TP3_MAC = 24;
    static final int TP3_VLAN_TCI = 32;
    static final int TP3_VLAN_TPID = 36;
    static final int TP3_HDR_SIZE = 48;
    /** The sockaddr_ll after the V3 header: {@code TPACKET_ALIGN(sizeof(struct tpacket3_hdr))}. */
    static final int TP3_SLL = TP3_HDR_SIZE;
    /** {@code TPACKET3_HDRLEN}. */
    static final int TPACKET3_HDRLEN = TP3_HDR_SIZE + SOCKADDR_LL_SIZE;

    // struct tpacket2_hdr
    static final int TP2_STATUS = 0;
    static final int TP2_LEN = 4;
    static final int TP2_HDR_SIZE = 32;
    /** {@code TPACKET2_HDRLEN}. */
    static final int TPACKET2_HDRLEN = TP2_HDR_SIZE + SOCKADDR_LL_SIZE;
    /** Where a transmit slot's frame starts: {@code TPACKET2_HDRLEN - sizeof(struct sockaddr_ll)}. */
    static final int TP2_TX_DATA = TPACKET2_HDRLEN - SOCKADDR_LL_SIZE;

    static final int TPACKET_REQ3_SIZE = 28;
    static final int TPACKET_REQ_SIZE = 16;
    static final int PACKET_MREQ_SIZE = 16;
    static final int TPACKET_STATS_V3_SIZE = 12;
    static final int STATS_DROPS = 4;

    private AfPacketDescriptor()
    {
    }
}
