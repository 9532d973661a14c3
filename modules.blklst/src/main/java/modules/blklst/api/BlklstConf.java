package modules.blklst.api;

/**
 * DPVS's blacklist sockopts and {@code struct dp_vs_blklst_conf} (include/conf/blklst.h, v1.10.2), as ipvsadm
 * sends them: {@code --add-blklst} SET 73, {@code --del-blklst} SET 74, dpvs-agent's flush SET 75,
 * {@code --get-blklst} GET 76 with an empty body.
 *
 * <pre>
 * dp_vs_blklst_conf, 68 bytes, natural alignment, little-endian host order except where marked
 *  0                   16      18   19   20                  36                                 68
 *  +-------------------+-------+----+----+-------------------+----------------------------------+
 *  | vaddr  inet_addr  | vport |prot| af | subject inet_addr | ipset  char[32], NUL-padded      |
 *  +-------------------+-------+----+----+-------------------+----------------------------------+
 *  vport is in network byte order. For AF_INET only the first 4 bytes of vaddr and subject count:
 *  ipvsadm leaves the other 12 uninitialised (stack garbage was seen there).
 *
 * GETALL reply (GET 76): naddr int32, then naddr records of 68 bytes, no gap: len == 4 + 68 * naddr exactly.
 * </pre>
 */
public final class BlklstConf
{
    public static final int SOCKOPT_SET_BLKLST_ADD = 73;
    public static final int SOCKOPT_SET_BLKLST_DEL = 74;
    public static final int SOCKOPT_SET_BLKLST_FLUSH = 75;
    public static final int SOCKOPT_GET_BLKLST_GETALL = 76;

    /** {@code sizeof(struct dp_vs_blklst_conf)}. */
    public static final int SIZE = 68;
    public static final int VADDR_OFFSET = 0;
    public static final int VPORT_OFFSET = 16;
    public static final int PROTO_OFFSET = 18;
    public static final int AF_OFFSET = 19;
    public static final int SUBJECT_OFFSET = 20;
    public static final int IPSET_OFFSET = 36;
    public static final int IPSET_LENGTH = 32;
    /** The GETALL reply's count header. */
    public static final int ARRAY_HEADER = 4;

    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    private BlklstConf()
    {
    }
}
