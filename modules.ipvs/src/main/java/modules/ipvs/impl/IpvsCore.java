package modules.ipvs.impl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.api.SockoptReply;
import platform.sockopt.api.SockoptRequest;
import platform.sockopt.api.SockoptSpec;

/**
 * The GET half of DPVS's ipvs service sockopts ({@code dp_vs_service_get} in {@code src/ipvs/ip_vs_service.c},
 * v1.10.2) for a platform that holds no virtual service yet. Every ipvsadm invocation starts with GET 18
 * ({@code dpvs_ctrl_init}) and gives up when it is not answered; {@code --get-blklst} and {@code -ln} go on with
 * GET 19. The answers are DPVS's with zero services:
 * <ul>
 * <li>GET 17: 64 bytes, {@code "dpvs:v" DPVS_VERSION}, NUL-padded (the request body is not read).</li>
 * <li>GET 18: {@code dp_vs_getinfo}: the version code DPVS's {@code version_parse} makes of DPVS_VERSION, size 0
 * (DPVS reports no connection table size), 0 services, the number of forwarding lcores (the request body is not
 * read).</li>
 * <li>GET 19: the 8-byte front, with the answering lcore's id as cid (DPVS overwrites the cid, which ipvsadm
 * leaves uninitialised), the request's index and count 0. A count other than 0 is refused with EDPVS_INVAL, as
 * DPVS's workers refuse a count that differs from theirs.</li>
 * <li>GET 20, GET 21: EDPVS_NOTEXIST (no such service), after DPVS's length and lcore index checks.</li>
 * <li>GET 22 (dpvs-agent): the front with count 0; for the master lcore with its cid and index, for a worker the
 * request's front echoed, as DPVS does.</li>
 * </ul>
 * The lcore index of a request counts the master as 0, then the forwarding lcores in id order (DPVS's
 * {@code g_lcore_index2id}); an index beyond them is EDPVS_INVAL. A body of the wrong length is EDPVS_INVAL with a
 * message saying what was expected, and counted.
 * <p>
 * Handlers run on the master lcore, one request at a time (the control socket's contract); counters are atomics
 * so the Gogo commands can read them from any thread.
 */
final class IpvsCore
{
    private static final Logger LOG = LoggerFactory.getLogger(IpvsCore.class);

    /** What DPVS v1.10.2 reports as {@code dp_vs_getinfo.size}: always 0. */
    static final int CONN_TABLE_SIZE = 0;

    private final LcoreScheduler lcores;
    private final String version;
    private final int versionCode;
    private final byte[] versionReply;

    /** Requests answered per id, index {@code id - SO_GET_VERSION}. */
    final AtomicLongArray requests = new AtomicLongArray(IpvsWire.AGENT_SO_GET_SERVICES - IpvsWire.SO_GET_VERSION + 1);
    /** Requests refused for their length or an lcore index out of range. */
    final AtomicLong malformed = new AtomicLong();
    /** GET 19 with a count other than the number of services. */
    final AtomicLong countMismatch = new AtomicLong();
    /** GET 20 and 21 answered EDPVS_NOTEXIST. */
    final AtomicLong notExist = new AtomicLong();

    private SockoptHandle handle;

    /**
     * @param lcores  the lcores: the master answers, the forwarding lcores are counted and indexed.
     * @param version DPVS_VERSION as DPVS's build writes it ({@code "1.10-2"} for v1.10.2).
     */
    IpvsCore(final LcoreScheduler lcores, final String version)
    {
        this.lcores = lcores;
        this.version = version;
        this.versionCode = versionCode(version);
        final byte[] text = ("dpvs:v" + version).getBytes(StandardCharsets.US_ASCII);
        this.versionReply = new byte[IpvsWire.VERSION_LENGTH];
        System.arraycopy(text, 0, versionReply, 0, Math.min(text.length, IpvsWire.VERSION_LENGTH - 1));
    }

    /**
     * DPVS's {@code version_parse} ({@code src/global_data.c}): an optional leading v, then up to three numbers
     * separated by '.' or '-', one byte each, the first in bits 16..23; parsing stops at any other character.
     *
     * @param version e.g. {@code "1.10-2"}.
     * @return e.g. {@code 0x010a02}.
     */
    static int versionCode(final String version)
    {
        int i = version.startsWith("v") || version.startsWith("V") ? 1 : 0;
        int code = 0;
        int parts = 0;
        while (parts < 3)
        {
            int n = 0;
            while (i < version.length() && Character.isDigit(version.charAt(i)))
            {
                n = n * 10 + version.charAt(i) - '0';
                i++;
            }
            code = (code << 8) | (n & 0xff);
            parts++;
            if (i >= version.length() || (version.charAt(i) != '.' && version.charAt(i) != '-'))
            {
                break;
            }
            i++;
        }
        return code;
    }

    /** Registers GET 17..22; SET 8..16 stay unregistered (EDPVS_NOTSUPP) until a service bundle takes them. */
    void start(final SockoptRegistry sockopts)
    {
        handle = sockopts.register(SockoptSpec.builder("ipvs")
            .get(IpvsWire.SO_GET_VERSION, IpvsWire.AGENT_SO_GET_SERVICES, this::onGet)
            .build());
        LOG.info("ipvs service sockopts GET 17..22 served as DPVS {} (version code 0x{}, {} services)", version,
            Integer.toHexString(versionCode), numServices());
    }

    void stop()
    {
        if (null != handle)
        {
            handle.close();
            handle = null;
        }
    }

    int versionCode()
    {
        return versionCode;
    }

    /** @return the number of virtual services: none until a service bundle exists. */
    int numServices()
    {
        return 0;
    }

    int numLcores()
    {
        return lcores.lcoreIds(LcoreRole.FWD_WORKER).length;
    }

    /** @return ipvsadm's first line for this platform, e.g. "IP Virtual Server version 1.10.2 (size=0)". */
    String versionLine()
    {
        return String.format(Locale.ROOT, "IP Virtual Server version %d.%d.%d (size=%d)", versionCode >>> 16 & 0xff,
            versionCode >>> 8 & 0xff, versionCode & 0xff, CONN_TABLE_SIZE);
    }

    /** @return the lcore id of DPVS's lcore index, or -1: 0 is the master, then the forwarding lcores. */
    private int lcoreOfIndex(final int index)
    {
        if (0 == index)
        {
            return lcores.masterLcoreId();
        }
        final int[] workers = lcores.lcoreIds(LcoreRole.FWD_WORKER);
        return index <= workers.length ? workers[index - 1] : -1;
    }

    private int onGet(final SockoptRequest req, final SockoptReply rep)
    {
        final int id = req.id();
        requests.incrementAndGet(id - IpvsWire.SO_GET_VERSION);
        final ByteBuffer in = req.body();
        switch (id)
        {
            case IpvsWire.SO_GET_VERSION:
                rep.body(IpvsWire.VERSION_LENGTH).put(versionReply);
                return Edpvs.OK;
            case IpvsWire.SO_GET_INFO:
                rep.body(IpvsWire.GETINFO_LENGTH)
                    .putInt(IpvsWire.GETINFO_VERSION_OFFSET, versionCode)
                    .putInt(IpvsWire.GETINFO_SIZE_OFFSET, CONN_TABLE_SIZE)
                    .putInt(IpvsWire.GETINFO_NUM_SERVICES_OFFSET, numServices())
                    .putInt(IpvsWire.GETINFO_NUM_LCORES_OFFSET, numLcores());
                return Edpvs.OK;
            case IpvsWire.SO_GET_SERVICES:
                return services(in, rep);
            case IpvsWire.SO_GET_SERVICE:
                return noService(in, rep, "dpvs_service_compat", IpvsWire.SERVICE_ENTRY_LENGTH,
                    IpvsWire.SERVICE_ENTRY_INDEX_OFFSET);
            case IpvsWire.SO_GET_DESTS:
                return noService(in, rep, "dp_vs_get_dests", IpvsWire.DEST_TABLE_LENGTH,
                    IpvsWire.DEST_TABLE_INDEX_OFFSET);
            default:
                return agentServices(in, rep);
        }
    }

    /** GET 19. */
    private int services(final ByteBuffer in, final SockoptReply rep)
    {
        final int index = frontIndex(in, rep);
        if (index < 0)
        {
            return Edpvs.INVAL;
        }
        final int cid = lcoreOfIndex(index);
        final int count = Short.toUnsignedInt(in.getShort(IpvsWire.FRONT_COUNT_OFFSET));
        if (count != numServices())
        {
            countMismatch.incrementAndGet();
            rep.message(String.format(Locale.ROOT, "asked for %d services, lcore %d has %d", count, cid,
                numServices()));
            return Edpvs.INVAL;
        }
        rep.body(IpvsWire.FRONT_LENGTH)
            .put(IpvsWire.FRONT_CID_OFFSET, (byte)cid)
            .put(IpvsWire.FRONT_INDEX_OFFSET, (byte)index)
            .putShort(IpvsWire.FRONT_COUNT_OFFSET, (short)count);
        return Edpvs.OK;
    }

    /** GET 22: the count is the lcore's own; a worker's answer starts with the request's front, as in DPVS. */
    private int agentServices(final ByteBuffer in, final SockoptReply rep)
    {
        final int index = frontIndex(in, rep);
        if (index < 0)
        {
            return Edpvs.INVAL;
        }
        final ByteBuffer out = rep.body(IpvsWire.FRONT_LENGTH);
        if (0 == index)
        {
            out.put(IpvsWire.FRONT_CID_OFFSET, (byte)lcores.masterLcoreId()).put(IpvsWire.FRONT_INDEX_OFFSET, (byte)0);
        }
        else
        {
            out.put(0, in, 0, IpvsWire.FRONT_LENGTH);
        }
        out.putShort(IpvsWire.FRONT_COUNT_OFFSET, (short)numServices());
        return Edpvs.OK;
    }

    /** @return the front's lcore index, or -1 after refusing the request. */
    private int frontIndex(final ByteBuffer in, final SockoptReply rep)
    {
        if (in.remaining() != IpvsWire.FRONT_LENGTH)
        {
            return malformed(rep, "dpvs_services_front is " + IpvsWire.FRONT_LENGTH + " bytes, got " + in.remaining());
        }
        return index(in, IpvsWire.FRONT_INDEX_OFFSET, rep);
    }

    /** GET 20 and 21: DPVS's checks, then no such service. */
    private int noService(final ByteBuffer in, final SockoptReply rep, final String what, final int length,
        final int indexOffset)
    {
        if (in.remaining() != length)
        {
            malformed(rep, what + " is " + length + " bytes, got " + in.remaining());
            return Edpvs.INVAL;
        }
        if (index(in, indexOffset, rep) < 0)
        {
            return Edpvs.INVAL;
        }
        notExist.incrementAndGet();
        return Edpvs.NOTEXIST;
    }

    private int index(final ByteBuffer in, final int offset, final SockoptReply rep)
    {
        final int index = Byte.toUnsignedInt(in.get(offset));
        if (lcoreOfIndex(index) < 0)
        {
            return malformed(rep, "lcore index " + index + ": want 0.." + numLcores());
        }
        return index;
    }

    private int malformed(final SockoptReply rep, final String why)
    {
        malformed.incrementAndGet();
        rep.message(why);
        LOG.debug("ipvs GET refused: {}", why);
        return -1;
    }
}
