package modules.netif.impl;

/**
 * The classic libpcap capture file (not pcapng): a global header, then one record header and the frame's captured
 * bytes per packet. Every integer is in the byte order of the writer, which the magic number tells; the magic also
 * tells whether the fraction of a timestamp is in microseconds or nanoseconds.
 *
 * <pre>
 * global header, 24 bytes
 *  0               4       6       8               12              16              20              24
 *  +---------------+-------+-------+---------------+---------------+---------------+---------------+
 *  | magic         | major | minor | thiszone      | sigfigs       | snaplen       | linktype      |
 *  | a1b2c3d4 (us) | 2     | 4     | 0             | 0             | max incl_len  | 1 = Ethernet  |
 *  | a1b23c4d (ns) |       |       |               |               |               |               |
 *  +---------------+-------+-------+---------------+---------------+---------------+---------------+
 *
 * record header, 16 bytes, then incl_len bytes of the frame
 *  0               4               8               12              16
 *  +---------------+---------------+---------------+---------------+
 *  | ts_sec        | ts_usec/nsec  | incl_len      | orig_len      |
 *  +---------------+---------------+---------------+---------------+
 * </pre>
 * The link type's low 16 bits name it; the upper bits may carry the FCS length, which is ignored here.
 */
final class PcapFormat
{
    static final int MAGIC_US = 0xa1b2c3d4;
    static final int MAGIC_NS = 0xa1b23c4d;
    /** The pcapng section header block's type, to tell a pcapng file from a broken pcap one. */
    static final int PCAPNG_SHB = 0x0a0d0d0a;

    static final int HEADER_SIZE = 24;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_MAJOR_OFFSET = 4;
    static final int VERSION_MINOR_OFFSET = 6;
    static final int THISZONE_OFFSET = 8;
    static final int SIGFIGS_OFFSET = 12;
    static final int SNAPLEN_OFFSET = 16;
    static final int LINKTYPE_OFFSET = 20;

    static final int RECORD_HEADER_SIZE = 16;
    static final int TS_SEC_OFFSET = 0;
    static final int TS_FRAC_OFFSET = 4;
    static final int INCL_LEN_OFFSET = 8;
    static final int ORIG_LEN_OFFSET = 12;

    static final short VERSION_MAJOR = 2;
    static final short VERSION_MINOR = 4;
    static final int LINKTYPE_ETHERNET = 1;
    /** The snapshot length written: the largest Ethernet frame with headroom for VLAN tags. */
    static final int SNAPLEN = 65535;
    /** libpcap's {@code MAXIMUM_SNAPLEN}: a record claiming more is taken as a corrupt file. */
    static final int MAX_RECORD = 262144;

    private PcapFormat()
    {
    }

    /**
     * @param linktype a link type.
     * @return its name for messages, for the common ones.
     */
    static String linktypeName(final int linktype)
    {
        switch (linktype)
        {
            case 0:
                return "NULL (BSD loopback)";
            case 1:
                return "ETHERNET";
            case 101:
                return "RAW (IP)";
            case 105:
                return "IEEE802_11";
            case 113:
                return "LINUX_SLL (tcpdump -i any)";
            case 127:
                return "IEEE802_11_RADIOTAP";
            case 276:
                return "LINUX_SLL2 (tcpdump -i any)";
            default:
                return "unknown";
        }
    }
}
