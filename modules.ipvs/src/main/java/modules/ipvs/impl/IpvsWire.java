package modules.ipvs.impl;

/**
 * The ipvs service sockopts of DPVS v1.10.2 ({@code include/conf/sockopts.h}, {@code include/conf/service.h},
 * {@code include/conf/dest.h}, {@code src/ipvs/ip_vs_service.c}), as offsets into the little-endian bodies. Sizes
 * are those of x86_64 (see dpvs-reference.md part C, "IPVS stats").
 *
 * <pre>
 * GET 18 DPVS_SO_GET_INFO reply: struct dp_vs_getinfo, 16 bytes
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    version (u32, 0x00AABBCC)                  |  0
 * +---------------------------------------------------------------+
 * |                 size (u32, conn table size; 0)                |  4
 * +---------------------------------------------------------------+
 * |                     num_services (u32)                        |  8
 * +---------------------------------------------------------------+
 * |              num_lcores (u32, DPVS's g_slave_lcore_num)       | 12
 * +---------------------------------------------------------------+
 *
 * GET 19 / GET 22 request and reply front: dpvs_services_front_t, 8 bytes (then count x 264-byte entries)
 * +---------------+---------------+-------------------------------+
 * |   cid (u8)    |  index (u8)   |          count (u16)          |  0
 * +---------------+---------------+-------------------------------+
 * |                        padding (4 bytes)                      |  4
 * +---------------------------------------------------------------+
 *
 * GET 20 request: dpvs_service_compat_t, 264 bytes; cid (u8) at 184, index (u8) at 185.
 * GET 21 request: struct dp_vs_get_dests, 144 bytes; cid (u8) at 140, index (u8) at 141.
 * GET 17 reply:   char[64], "dpvs:v" DPVS_VERSION, NUL-padded.
 * </pre>
 */
final class IpvsWire
{
    /** {@code DPVS_SO_SET_FLUSH}: the first SET id of the range (8..16), left to a service bundle. */
    static final int SO_SET_FLUSH = 8;
    /** {@code DPVS_SO_SET_GRATARP}: the last SET id of the range. */
    static final int SO_SET_GRATARP = 16;
    /** {@code DPVS_SO_GET_VERSION}. */
    static final int SO_GET_VERSION = 17;
    /** {@code DPVS_SO_GET_INFO}: ipvsadm's first request. */
    static final int SO_GET_INFO = 18;
    /** {@code DPVS_SO_GET_SERVICES}. */
    static final int SO_GET_SERVICES = 19;
    /** {@code DPVS_SO_GET_SERVICE}. */
    static final int SO_GET_SERVICE = 20;
    /** {@code DPVS_SO_GET_DESTS}. */
    static final int SO_GET_DESTS = 21;
    /** {@code DPVSAGENT_SO_GET_SERVICES}. */
    static final int AGENT_SO_GET_SERVICES = 22;

    /** GET 17's reply: a zero-filled 64-byte buffer holding at most 63 characters. */
    static final int VERSION_LENGTH = 64;

    static final int GETINFO_LENGTH = 16;
    static final int GETINFO_VERSION_OFFSET = 0;
    static final int GETINFO_SIZE_OFFSET = 4;
    static final int GETINFO_NUM_SERVICES_OFFSET = 8;
    static final int GETINFO_NUM_LCORES_OFFSET = 12;

    static final int FRONT_LENGTH = 8;
    static final int FRONT_CID_OFFSET = 0;
    static final int FRONT_INDEX_OFFSET = 1;
    static final int FRONT_COUNT_OFFSET = 2;

    static final int SERVICE_ENTRY_LENGTH = 264;
    static final int SERVICE_ENTRY_INDEX_OFFSET = 185;

    static final int DEST_TABLE_LENGTH = 144;
    static final int DEST_TABLE_INDEX_OFFSET = 141;

    private IpvsWire()
    {
    }
}
