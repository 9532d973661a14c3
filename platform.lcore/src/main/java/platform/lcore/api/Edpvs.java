package platform.lcore.api;

/**
 * DPVS's error codes ({@code EDPVS_*} in {@code include/conf/common.h}), returned by sends and callbacks.
 */
public final class Edpvs
{
    public static final int OK = 0;
    public static final int INVAL = -1;
    public static final int NOMEM = -2;
    public static final int EXIST = -3;
    public static final int NOTEXIST = -4;
    public static final int INVPKT = -5;
    public static final int DROP = -6;
    public static final int NOPROT = -7;
    public static final int NOROUTE = -8;
    public static final int DEFRAG = -9;
    public static final int FRAG = -10;
    public static final int DPDKAPIFAIL = -11;
    public static final int IDLE = -12;
    public static final int BUSY = -13;
    public static final int NOTSUPP = -14;
    public static final int RESOURCE = -15;
    public static final int OVERLOAD = -16;
    public static final int NOSERV = -17;
    public static final int DISABLED = -18;
    public static final int NOROOM = -19;
    public static final int NONEALCORE = -20;
    public static final int CALLBACKFAIL = -21;
    public static final int IO = -22;
    public static final int MSG_FAIL = -23;
    public static final int MSG_DROP = -24;
    public static final int PKTSTOLEN = -25;
    public static final int SYSCALL = -26;
    public static final int NODEV = -27;

    private static final String[] NAMES = {"OK", "INVAL", "NOMEM", "EXIST", "NOTEXIST", "INVPKT", "DROP", "NOPROT",
        "NOROUTE", "DEFRAG", "FRAG", "DPDKAPIFAIL", "IDLE", "BUSY", "NOTSUPP", "RESOURCE", "OVERLOAD", "NOSERV",
        "DISABLED", "NOROOM", "NONEALCORE", "CALLBACKFAIL", "IO", "MSG_FAIL", "MSG_DROP", "PKTSTOLEN", "SYSCALL",
        "NODEV"};

    /** DPVS's {@code dpvs_strerror} texts, same order. */
    private static final String[] TEXTS = {"OK", "invalid parameter", "no memory", "already exist", "not exist",
        "invalid packet", "packet dropped", "no protocol", "no route", "defragment error", "fragment error",
        "failed dpdk api", "nothing to do", "resource busy", "not support", "no resource", "overloaded",
        "no service", "disabled", "no room", "non-EAL thread lcore", "callback failed", "I/O error",
        "msg callback failed", "msg dropped", "stolen packet", "system call failed", "no such device"};

    private Edpvs()
    {
    }

    /**
     * @param code an EDPVS code.
     * @return its name without the prefix, like {@code MSG_DROP}, or the number.
     */
    public static String name(final int code)
    {
        return code <= 0 && -code < NAMES.length ? NAMES[-code] : Integer.toString(code);
    }

    /**
     * @param code an EDPVS code.
     * @return DPVS's text for it.
     */
    public static String strerror(final int code)
    {
        return code <= 0 && -code < TEXTS.length ? TEXTS[-code] : "<unknow>";
    }
}
