package platform.msgmgr.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Message type ids, with DPVS's numbers for DPVS's meanings ({@code MSG_TYPE_*} in {@code include/ctrl.h}).
 * Ids run from 1 to {@link #MAX_TYPE_ID}; per lcore, a type is found by indexing an array with its id.
 */
@ProviderType
public final class MsgIds
{
    /** Built in: enter a type in the receiving lcore's table (sent to that lcore). */
    public static final int REG = 1;
    /** Built in: remove a type from the receiving lcore's table. */
    public static final int UNREG = 2;
    /** Built in: ping; the reply is the lcore id that answered. */
    public static final int HELLO = 3;
    /** Built in (multicast): every forwarding worker replies with its lcore id. */
    public static final int GET_ALL_SLAVE_ID = 4;
    public static final int MASTER_XMIT = 5;
    public static final int ROUTE_ADD = 6;
    public static final int ROUTE_DEL = 7;
    public static final int NETIF_LCORE_STATS = 8;
    public static final int BLKLST_ADD = 9;
    public static final int BLKLST_DEL = 10;
    public static final int STATS_GET = 11;
    public static final int CONN_GET = 14;
    public static final int CONN_GET_ALL = 15;
    public static final int IPV6_STATS = 16;
    public static final int ROUTE6 = 17;
    public static final int NEIGH_GET = 18;
    public static final int LLDP_RECV = 19;
    public static final int IFA_GET = 22;
    public static final int IFA_SET = 23;
    public static final int IFA_SYNC = 24;
    public static final int WHTLST_ADD = 25;
    public static final int WHTLST_DEL = 26;
    public static final int TC_QSCH_GET = 27;
    public static final int TC_QSCH_SET = 28;
    public static final int TC_CLS_GET = 29;
    public static final int TC_CLS_SET = 30;
    public static final int IPSET_SET = 40;
    public static final int DEST_CHECK_NOTIFY_MASTER = 41;
    public static final int DEST_CHECK_NOTIFY_SLAVES = 42;
    public static final int IFA_IDEVINIT = 43;
    public static final int ROUTE_FLUSH = 44;
    /** First id of DPVS's IPVS range (service, laddr, dest). */
    public static final int IPVS_RANGE_START = 100;

    /** Largest type id; ids index per-lcore arrays of {@code MAX_TYPE_ID + 1} slots. */
    public static final int MAX_TYPE_ID = 1023;

    private MsgIds()
    {
    }
}
