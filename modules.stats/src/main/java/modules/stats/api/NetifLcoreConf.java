package modules.stats.api;

/**
 * DPVS's netif lcore sockopts (include/conf/netif.h, v1.10.2), as {@code dpip link show cpu [-s]} uses them:
 * GET 57 once, then GET 58 (and with {@code -s} GET 59) for the master, the KNI lcore when its id is not 0, every
 * lcore of the slave mask and every lcore of the isol-rx mask. Little-endian, natural alignment.
 *
 * <pre>
 * GET 57 SOCKOPT_NETIF_GET_LCORE_MASK, empty request; reply netif_lcore_mask_get, 24 bytes
 *  0      1     2         3         4        8                  16                  24
 *  +------+-----+---------+---------+--------+------------------+-------------------+
 *  |master| kni |slave_num|isolrx_num| pad 4 | slave_lcore_mask | isol_rx_lcore_mask|
 *  +------+-----+---------+---------+--------+------------------+-------------------+
 *
 * GET 58 SOCKOPT_NETIF_GET_LCORE_BASIC, request: the lcore id, 1 byte; reply netif_lcore_basic_get, 8 + n bytes
 *  0        1         2      4                 8
 *  +--------+---------+------+-----------------+----------------------------+
 *  |lcore_id|socket_id| pad 2| queue_data_len  | queue_data, n bytes, NUL   |
 *  +--------+---------+------+-----------------+----------------------------+
 *  dpip asserts len >= 8 and prints "queues none" when queue_data_len is 0.
 *
 * GET 59 SOCKOPT_NETIF_GET_LCORE_STATS, request: the lcore id, 1 byte; reply netif_lcore_stats_get, 96 bytes
 *  0        1      8          16        24        32        40          48          56        64       72
 *  +--------+------+----------+---------+---------+---------+-----------+-----------+---------+--------+--
 *  |lcore_id| pad 7|lcore_loop|pktburst |zpktburst|fpktburst|z2hpktburst|h2fpktburst|ipackets |ibytes  |
 *  +--------+------+----------+---------+---------+---------+-----------+-----------+---------+--------+--
 *   72        80       88      96
 *  --+--------+--------+-------+
 *    |opackets| obytes |dropped|
 *  --+--------+--------+-------+
 *  dpip asserts len == 96.
 * </pre>
 */
public final class NetifLcoreConf
{
    public static final int SOCKOPT_NETIF_GET_LCORE_MASK = 57;
    public static final int SOCKOPT_NETIF_GET_LCORE_BASIC = 58;
    public static final int SOCKOPT_NETIF_GET_LCORE_STATS = 59;

    public static final int MASK_SIZE = 24;
    public static final int MASK_MASTER_OFFSET = 0;
    public static final int MASK_KNI_OFFSET = 1;
    public static final int MASK_SLAVE_NUM_OFFSET = 2;
    public static final int MASK_ISOLRX_NUM_OFFSET = 3;
    public static final int MASK_SLAVE_MASK_OFFSET = 8;
    public static final int MASK_ISOLRX_MASK_OFFSET = 16;

    public static final int BASIC_HEADER_SIZE = 8;
    public static final int BASIC_LCORE_OFFSET = 0;
    public static final int BASIC_SOCKET_OFFSET = 1;
    public static final int BASIC_QUEUE_DATA_LEN_OFFSET = 4;

    public static final int STATS_SIZE = 96;
    public static final int STATS_LCORE_OFFSET = 0;
    public static final int STATS_LCORE_LOOP_OFFSET = 8;
    public static final int STATS_PKTBURST_OFFSET = 16;
    public static final int STATS_ZPKTBURST_OFFSET = 24;
    public static final int STATS_FPKTBURST_OFFSET = 32;
    public static final int STATS_Z2HPKTBURST_OFFSET = 40;
    public static final int STATS_H2FPKTBURST_OFFSET = 48;
    public static final int STATS_IPACKETS_OFFSET = 56;
    public static final int STATS_IBYTES_OFFSET = 64;
    public static final int STATS_OPACKETS_OFFSET = 72;
    public static final int STATS_OBYTES_OFFSET = 80;
    public static final int STATS_DROPPED_OFFSET = 88;

    private NetifLcoreConf()
    {
    }
}
