package platform.sockopt.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The sockopt wire format, byte-compatible with DPVS v1.10.2 ({@code include/ctrl.h}: {@code struct dpvs_sock_msg}
 * and {@code struct dpvs_sock_msg_reply}). Every integer is little-endian (x86_64 host order).
 *
 * <pre>
 * request header, 24 bytes                      reply header, 88 bytes
 *  0      4      8      12     16          24    0      4      8      12     16            80          88
 *  +------+------+------+------+-----------+     +------+------+------+------+-- ... ------+-----------+
 *  |versn |  id  | type | pad  |  len u64  |     |versn |  id  | type |errcod| errstr[64]  |  len u64  |
 *  +------+------+------+------+-----------+     +------+------+------+------+-- ... ------+-----------+
 *  then len bytes of request body                then len bytes of reply body (none when errcode != 0)
 * </pre>
 *
 * The client connects, sends one request, reads the reply and closes (DPVS's tools): with {@code pad} 0, as they
 * send it, the server closes the connection after the reply, as DPVS does, and needs no further wake-up for it.
 * A client that sets {@code pad} to {@link #KEEP_ALIVE} (the platform's own, for a kept connection) may send the
 * next request on the same connection.
 */
@ProviderType
public final class Sockopt
{
    /** {@code SOCKOPT_VERSION}: (1 &lt;&lt; 16) + (0 &lt;&lt; 8) + 0. */
    public static final int VERSION = 0x010000;

    /** {@code SOCKOPT_GET}. */
    public static final int GET = 0;
    /** {@code SOCKOPT_SET}. */
    public static final int SET = 1;

    public static final int REQ_VERSION_OFFSET = 0;
    public static final int REQ_ID_OFFSET = 4;
    public static final int REQ_TYPE_OFFSET = 8;
    /** The 4 bytes DPVS's tools zero; {@link #KEEP_ALIVE} there keeps the connection open after the reply. */
    public static final int REQ_PAD_OFFSET = 12;
    /** "keep" in ASCII, little-endian: this request is not the connection's last. */
    public static final int KEEP_ALIVE = 0x7065656b;
    public static final int REQ_LEN_OFFSET = 16;
    public static final int REQUEST_HEADER_LENGTH = 24;

    public static final int REPLY_VERSION_OFFSET = 0;
    public static final int REPLY_ID_OFFSET = 4;
    public static final int REPLY_TYPE_OFFSET = 8;
    public static final int REPLY_ERRCODE_OFFSET = 12;
    public static final int REPLY_ERRSTR_OFFSET = 16;
    /** {@code SOCKOPT_ERRSTR_LEN}: NUL-terminated, so at most 63 characters of text. */
    public static final int ERRSTR_LENGTH = 64;
    public static final int REPLY_LEN_OFFSET = 80;
    public static final int REPLY_HEADER_LENGTH = 88;

    /**
     * The platform's own ids, above every DPVS id (DPVS v1.10.2 ends at 108, and its EAL memory ids at 7401..):
     * 9000..9099 belong to {@code platform.sockopt}.
     */
    public static final int PLATFORM_ID_MIN = 9000;
    public static final int PLATFORM_ID_MAX = 9099;
    /** GET: the registered ranges, see {@link #RANGES_ENTRY_LENGTH}. */
    public static final int GET_RANGES = 9000;

    /**
     * Reply body of {@link #GET_RANGES}: a u32 count, 4 bytes of padding, then {@code count} entries of 128 bytes:
     *
     * <pre>
     *  0      4      8      12     16              48                             112           128
     *  +------+------+------+------+---- ... ------+------------- ... -------------+---- ... ----+
     *  | type | min  | max  |versn | name[32]      | owner[64]                     | calls u64,  |
     *  |      |      |      |      |               |                               | errors u64  |
     *  +------+------+------+------+---- ... ------+------------- ... -------------+---- ... ----+
     * </pre>
     *
     * Strings are UTF-8, NUL-padded, truncated to leave at least one NUL.
     */
    public static final int RANGES_HEADER_LENGTH = 8;
    public static final int RANGES_ENTRY_LENGTH = 128;
    public static final int RANGE_TYPE_OFFSET = 0;
    public static final int RANGE_MIN_OFFSET = 4;
    public static final int RANGE_MAX_OFFSET = 8;
    public static final int RANGE_VERSION_OFFSET = 12;
    public static final int RANGE_NAME_OFFSET = 16;
    public static final int RANGE_NAME_LENGTH = 32;
    public static final int RANGE_OWNER_OFFSET = 48;
    public static final int RANGE_OWNER_LENGTH = 64;
    public static final int RANGE_CALLS_OFFSET = 112;
    public static final int RANGE_ERRORS_OFFSET = 120;

    /** GET: every lcore with its loop statistics (what {@code lcore:list} shows), see {@link #LCORE_ENTRY_LENGTH}. */
    public static final int GET_LCORES = 9001;
    /**
     * GET: the jobs and their statistics (what {@code lcore:jobs} shows), of every lcore for an empty request, of
     * one lcore for a u32 lcore id; see {@link #JOB_ENTRY_LENGTH}.
     */
    public static final int GET_JOBS = 9002;

    /**
     * Reply body of {@link #GET_LCORES}: a u32 count, 4 bytes of padding, then {@code count} entries of 128 bytes:
     *
     * <pre>
     *  0      4      8       16        24          32          40            48        56         64         80         96          128
     *  +------+------+-------+---------+-----------+-----------+-------------+---------+----------+----------+----------+-- ... ----+
     *  |  id  | cpu  |pinned | loops   |loops/s u64|idle% f64  |longest ns   |big loops|big ns u64| role[16] |state[16] | idle[32]  |
     *  | u32  | i32  |u8+7pad| u64     |           |           |u64          |u64      |          |          |          |           |
     *  +------+------+-------+---------+-----------+-----------+-------------+---------+----------+----------+----------+-- ... ----+
     * </pre>
     *
     * cpu is -1 for an lcore configured without a CPU. Strings as in {@link #RANGES_ENTRY_LENGTH}.
     */
    public static final int LCORE_ENTRY_LENGTH = 128;
    public static final int LCORE_ID_OFFSET = 0;
    public static final int LCORE_CPU_OFFSET = 4;
    public static final int LCORE_PINNED_OFFSET = 8;
    public static final int LCORE_LOOPS_OFFSET = 16;
    public static final int LCORE_LOOPS_PER_SEC_OFFSET = 24;
    public static final int LCORE_IDLE_PERCENT_OFFSET = 32;
    public static final int LCORE_LONGEST_NS_OFFSET = 40;
    public static final int LCORE_BIG_LOOPS_OFFSET = 48;
    public static final int LCORE_BIG_LOOP_NS_OFFSET = 56;
    public static final int LCORE_ROLE_OFFSET = 64;
    public static final int LCORE_ROLE_LENGTH = 16;
    public static final int LCORE_STATE_OFFSET = 80;
    public static final int LCORE_STATE_LENGTH = 16;
    public static final int LCORE_IDLE_OFFSET = 96;
    public static final int LCORE_IDLE_LENGTH = 32;

    /**
     * Reply body of {@link #GET_JOBS}: a u32 count, 4 bytes of padding, then {@code count} entries of 176 bytes:
     *
     * <pre>
     *  0      4         8        16        24       32         40         56       64         80            112                176
     *  +------+---------+--------+---------+--------+----------+----------+--------+----------+-- ... -------+------- ... -------+
     *  |lcore |skipLoops|calls   |total ns |max ns  |failures  | role[16] |type[8] |state[16] | name[32]     | owner[64]         |
     *  | i32  | u32     |u64     |u64      |u64     |u64       |          |        |          |              |                   |
     *  +------+---------+--------+---------+--------+----------+----------+--------+----------+-- ... -------+------- ... -------+
     * </pre>
     */
    public static final int JOB_ENTRY_LENGTH = 176;
    public static final int JOB_LCORE_OFFSET = 0;
    public static final int JOB_SKIP_LOOPS_OFFSET = 4;
    public static final int JOB_CALLS_OFFSET = 8;
    public static final int JOB_TOTAL_NS_OFFSET = 16;
    public static final int JOB_MAX_NS_OFFSET = 24;
    public static final int JOB_FAILURES_OFFSET = 32;
    public static final int JOB_ROLE_OFFSET = 40;
    public static final int JOB_ROLE_LENGTH = 16;
    public static final int JOB_TYPE_OFFSET = 56;
    public static final int JOB_TYPE_LENGTH = 8;
    public static final int JOB_STATE_OFFSET = 64;
    public static final int JOB_STATE_LENGTH = 16;
    public static final int JOB_NAME_OFFSET = 80;
    public static final int JOB_NAME_LENGTH = 32;
    public static final int JOB_OWNER_OFFSET = 112;
    public static final int JOB_OWNER_LENGTH = 64;

    /** GET: every message type on every lcore with its counters (what {@code msg:stats} shows). */
    public static final int GET_MSG_TYPES = 9003;

    /**
     * Reply body of {@link #GET_MSG_TYPES}: a u32 count, 4 bytes of padding, then {@code count} entries of 176
     * bytes; EDPVS_NOTSUPP while no message manager runs.
     *
     * <pre>
     *  0     4      8     16     24    32     40      48      56       64     72       84     92   96        128        176
     *  +-----+------+-----+------+-----+------+-------+-------+--------+------+--------+------+----+-- ... ---+-- ... ---+
     *  | id  |lcore |sent |recvd |fin  |drop  |timeout|cb fail|ringfull|late  |mode[12]|prio[8]|pad |name[32]  |owner[48] |
     *  | u32 | i32  | u64 | u64  | u64 | u64  | u64   | u64   | u64    | u64  |        |      |    |          |          |
     *  +-----+------+-----+------+-----+------+-------+-------+--------+------+--------+------+----+-- ... ---+-- ... ---+
     * </pre>
     */
    public static final int MSG_ENTRY_LENGTH = 176;
    public static final int MSG_ID_OFFSET = 0;
    public static final int MSG_LCORE_OFFSET = 4;
    public static final int MSG_SENT_OFFSET = 8;
    public static final int MSG_RECEIVED_OFFSET = 16;
    public static final int MSG_FINISHED_OFFSET = 24;
    public static final int MSG_DROPPED_OFFSET = 32;
    public static final int MSG_TIMED_OUT_OFFSET = 40;
    public static final int MSG_CALLBACK_FAILURES_OFFSET = 48;
    public static final int MSG_RING_FULL_OFFSET = 56;
    public static final int MSG_LATE_REPLIES_OFFSET = 64;
    public static final int MSG_MODE_OFFSET = 72;
    public static final int MSG_MODE_LENGTH = 12;
    public static final int MSG_PRIORITY_OFFSET = 84;
    public static final int MSG_PRIORITY_LENGTH = 8;
    public static final int MSG_NAME_OFFSET = 96;
    public static final int MSG_NAME_LENGTH = 32;
    public static final int MSG_OWNER_OFFSET = 128;
    public static final int MSG_OWNER_LENGTH = 48;

    /**
     * GET: the control socket's own counters (what {@code sockopt:stats} shows), see {@link #SERVER_STATS_LENGTH}.
     * Since 1.2.
     */
    public static final int GET_SERVER_STATS = 9004;

    /**
     * Reply body of {@link #GET_SERVER_STATS}: 19 u64, no count (fields may be added at the end: read what the
     * length holds):
     *
     * <pre>
     *  0        8         16       24          32        40        48        56       64       72
     *  +--------+---------+--------+-----------+---------+---------+---------+--------+--------+
     *  |open    |accepted |refused |no header  |stalled  |conn     |requests |not     |version |
     *  |conns   |         |at limit|in time    |closed   |failures |         |suppd   |mismatch|
     *  +--------+---------+--------+-----------+---------+---------+---------+--------+--------+
     *  72       80        88       96          104       112       120       128      136      144     152
     *  +--------+---------+--------+-----------+---------+---------+---------+--------+--------+-------+
     *  |malformd|no memory|handler |handler    |I/O      |body     |body     |doorbell|doorbell|one-   |
     *  |        |(NOMEM)  |errors  |threw      |errors   |bytes    |budget   |rings   |timeouts|shot   |
     *  +--------+---------+--------+-----------+---------+---------+---------+--------+--------+-------+
     * </pre>
     */
    public static final int SERVER_STATS_LENGTH = 152;
    public static final int STATS_OPEN_OFFSET = 0;
    public static final int STATS_ACCEPTED_OFFSET = 8;
    public static final int STATS_REFUSED_OFFSET = 16;
    public static final int STATS_HEADER_TIMEOUTS_OFFSET = 24;
    public static final int STATS_STALLED_OFFSET = 32;
    public static final int STATS_CONNECTION_FAILURES_OFFSET = 40;
    public static final int STATS_REQUESTS_OFFSET = 48;
    public static final int STATS_NOT_SUPPORTED_OFFSET = 56;
    public static final int STATS_VERSION_MISMATCH_OFFSET = 64;
    public static final int STATS_MALFORMED_OFFSET = 72;
    public static final int STATS_NO_MEMORY_OFFSET = 80;
    public static final int STATS_HANDLER_ERRORS_OFFSET = 88;
    public static final int STATS_HANDLER_THREW_OFFSET = 96;
    public static final int STATS_IO_ERRORS_OFFSET = 104;
    public static final int STATS_BODY_BYTES_OFFSET = 112;
    public static final int STATS_BODY_BUDGET_OFFSET = 120;
    public static final int STATS_DOORBELL_RINGS_OFFSET = 128;
    public static final int STATS_DOORBELL_TIMEOUTS_OFFSET = 136;
    public static final int STATS_ONE_SHOT_OFFSET = 144;

    private Sockopt()
    {
    }

    /**
     * @param type {@link #GET} or {@link #SET}.
     * @return "GET", "SET" or the number.
     */
    public static String typeName(final int type)
    {
        return GET == type ? "GET" : SET == type ? "SET" : Integer.toString(type);
    }
}
