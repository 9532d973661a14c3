package modules.netif.impl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import modules.netif.api.MbufPool;
import modules.netif.api.NetifNicConf;
import platform.lcore.api.Edpvs;
import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.api.SockoptReply;
import platform.sockopt.api.SockoptRequest;
import platform.sockopt.api.SockoptSpec;

/**
 * DPVS's NIC sockopts (src/netif.c {@code netif_sockopt_get}/{@code netif_sockopt_set}, v1.10.2): GET 60 port list,
 * GET 61 port basic, GET 62 port stats and SET 54 set port, byte for byte as {@link NetifNicConf} draws them, so
 * DPVS's own {@code dpip link show [-s]} and {@code dpip link set DEV promisc|link ...} work against the platform.
 * The lcore ids 57..59 belong to modules.stats, so the GET range is 60..62 and the SET range 54..54.
 * <p>
 * The handlers run on the master lcore, one request at a time (the sockopt contract); they read the ports'
 * counters as any thread may (each value whole) and change promiscuity and link state through the device's
 * thread-safe calls. A malformed request is refused with DPVS's code and a message, counted and logged at debug.
 */
final class NetifSockopts
{
    private static final Logger LOG = LoggerFactory.getLogger(NetifSockopts.class);

    private final NetifCore core;
    final AtomicLong refused = new AtomicLong();
    final AtomicLong sets = new AtomicLong();

    NetifSockopts(final NetifCore core)
    {
        this.core = core;
    }

    /**
     * @param registry the control socket's registry.
     * @return the handle that unregisters both ranges.
     */
    SockoptHandle register(final SockoptRegistry registry)
    {
        return registry.register(SockoptSpec.builder("netif")
            .set(NetifNicConf.SOCKOPT_NETIF_SET_PORT, NetifNicConf.SOCKOPT_NETIF_SET_PORT, this::onSet)
            .get(NetifNicConf.SOCKOPT_NETIF_GET_PORT_LIST, NetifNicConf.SOCKOPT_NETIF_GET_PORT_STATS, this::onGet)
            .build());
    }

    private int onGet(final SockoptRequest req, final SockoptReply rep)
    {
        if (NetifNicConf.SOCKOPT_NETIF_GET_PORT_LIST == req.id())
        {
            return portList(rep);
        }
        final ByteBuffer body = req.body();
        if (body.remaining() != NetifNicConf.NAME_REQUEST_SIZE)
        {
            return refuse(req, rep, Edpvs.INVAL, "want a NIC name in " + NetifNicConf.NAME_REQUEST_SIZE
                + " bytes, got " + body.remaining());
        }
        final String name = cString(body, 0, NetifNicConf.NAME_REQUEST_SIZE);
        final int id = core.portId(name);
        final NetifCore.Port p = core.port(id);
        if (null == p)
        {
            // netif_port_get_by_name found nothing: DPVS answers EDPVS_NOTEXIST, an empty name included
            return refuse(req, rep, Edpvs.NOTEXIST, "no NIC '" + name + "'");
        }
        return NetifNicConf.SOCKOPT_NETIF_GET_PORT_BASIC == req.id() ? portBasic(p, rep) : portStats(p, rep);
    }

    /** GET 60: as DPVS's get_port_list; without bonding, bond_pid_base and bond_pid_end stay (portid_t)-1. */
    private int portList(final SockoptReply rep)
    {
        int n = 0;
        for (int id = 0; id < core.portCount(); id++)
        {
            n += null == core.port(id) ? 0 : 1;
        }
        final ByteBuffer out = rep.body(NetifNicConf.listEntryOffset(n));
        out.putShort(NetifNicConf.LIST_NIC_NUM_OFFSET, (short)n);
        out.putShort(NetifNicConf.LIST_PHY_PID_BASE_OFFSET, (short)0);
        out.putShort(NetifNicConf.LIST_PHY_PID_END_OFFSET, (short)core.portCount());
        out.putShort(NetifNicConf.LIST_BOND_PID_BASE_OFFSET, (short)NetifNicConf.PORT_ID_NONE);
        out.putShort(NetifNicConf.LIST_BOND_PID_END_OFFSET, (short)NetifNicConf.PORT_ID_NONE);
        int i = 0;
        for (int id = 0; id < core.portCount() && i < n; id++)
        {
            final NetifCore.Port p = core.port(id);
            if (null != p)
            {
                final int at = NetifNicConf.listEntryOffset(i++);
                out.putShort(at + NetifNicConf.LIST_ENTRY_ID_OFFSET, (short)id);
                putCString(out, at + NetifNicConf.LIST_ENTRY_NAME_OFFSET, NetifNicConf.LIST_ENTRY_NAME_SIZE,
                    p.conf.name);
            }
        }
        return Edpvs.OK;
    }

    /** GET 61: as DPVS's get_port_basic, with what the driver knows of its link. */
    private int portBasic(final NetifCore.Port p, final SockoptReply rep)
    {
        final ByteBuffer out = rep.body(NetifNicConf.BASIC_SIZE);
        putCString(out, NetifNicConf.BASIC_NAME_OFFSET, NetifNicConf.BASIC_NAME_SIZE, p.conf.name);
        putCString(out, NetifNicConf.BASIC_ADDR_OFFSET, NetifNicConf.BASIC_ADDR_SIZE, NetifCore.info(p).macText());
        putCString(out, NetifNicConf.BASIC_LINK_STATUS_OFFSET, NetifNicConf.BASIC_TEXT_SIZE,
            p.dev.linkUp() ? NetifNicConf.LINK_UP : NetifNicConf.LINK_DOWN);
        // software ports: full duplex at a fixed speed, as DPDK's af_packet and ring PMDs report their link
        putCString(out, NetifNicConf.BASIC_LINK_DUPLEX_OFFSET, NetifNicConf.BASIC_TEXT_SIZE,
            NetifNicConf.DUPLEX_FULL);
        putCString(out, NetifNicConf.BASIC_LINK_AUTONEG_OFFSET, NetifNicConf.BASIC_TEXT_SIZE,
            NetifNicConf.AUTONEG_FIXED);
        out.putInt(NetifNicConf.BASIC_LINK_SPEED_OFFSET, p.dev.linkSpeedMbps());
        out.put(NetifNicConf.BASIC_NRXQ_OFFSET, (byte)p.dev.rxQueues());
        out.put(NetifNicConf.BASIC_NTXQ_OFFSET, (byte)p.dev.txQueues());
        out.put(NetifNicConf.BASIC_SOCKET_ID_OFFSET, (byte)0);
        out.putShort(NetifNicConf.BASIC_PORT_ID_OFFSET, (short)p.conf.id);
        out.putShort(NetifNicConf.BASIC_MTU_OFFSET, (short)p.dev.mtu());
        out.put(NetifNicConf.BASIC_FLAGS_OFFSET, (byte)(p.dev.promisc() ? NetifNicConf.FLAG_PROMISC : 0));
        return Edpvs.OK;
    }

    /** GET 62: as DPVS's get_port_stats over rte_eth_stats, from the port's per-queue counters. */
    private int portStats(final NetifCore.Port p, final SockoptReply rep)
    {
        final PortStats s = p.stats;
        final MbufPool pool = core.pool();
        final ByteBuffer out = rep.body(NetifNicConf.STATS_SIZE);
        // read once, so that avail + inuse is the pool's size as with rte_mempool_avail_count/in_use_count
        final int avail = pool.available();
        out.putInt(NetifNicConf.STATS_MBUF_AVAIL_OFFSET, avail);
        out.putInt(NetifNicConf.STATS_MBUF_INUSE_OFFSET, pool.capacity() - avail);
        long ip = 0;
        long op = 0;
        long ib = 0;
        long ob = 0;
        long ie = 0;
        long oe = 0;
        final int queues = Math.max(NetifNicConf.QUEUE_STAT_COUNTERS, Math.max(s.rxQueues(), s.txQueues()));
        for (int q = 0; q < queues; q++)
        {
            // each queue read once, so the totals are the sums of the queues sent
            final long qip = s.rxQueue(q, PortStats.IPACKETS);
            final long qib = s.rxQueue(q, PortStats.IBYTES);
            final long qie = s.rxQueue(q, PortStats.IERRORS);
            final long qop = s.txQueue(q, PortStats.OPACKETS);
            final long qob = s.txQueue(q, PortStats.OBYTES);
            oe += s.txQueue(q, PortStats.OERRORS);
            ip += qip;
            ib += qib;
            ie += qie;
            op += qop;
            ob += qob;
            if (q >= NetifNicConf.QUEUE_STAT_COUNTERS)
            {
                // DPDK keeps RTE_ETHDEV_QUEUE_STAT_CNTRS queues' counters; the totals have them all
                continue;
            }
            out.putLong(NetifNicConf.statsQueueOffset(NetifNicConf.STATS_Q_IPACKETS_OFFSET, q), qip);
            out.putLong(NetifNicConf.statsQueueOffset(NetifNicConf.STATS_Q_OPACKETS_OFFSET, q), qop);
            out.putLong(NetifNicConf.statsQueueOffset(NetifNicConf.STATS_Q_IBYTES_OFFSET, q), qib);
            out.putLong(NetifNicConf.statsQueueOffset(NetifNicConf.STATS_Q_OBYTES_OFFSET, q), qob);
            out.putLong(NetifNicConf.statsQueueOffset(NetifNicConf.STATS_Q_ERRORS_OFFSET, q), qie);
        }
        out.putLong(NetifNicConf.STATS_IPACKETS_OFFSET, ip);
        out.putLong(NetifNicConf.STATS_OPACKETS_OFFSET, op);
        out.putLong(NetifNicConf.STATS_IBYTES_OFFSET, ib);
        out.putLong(NetifNicConf.STATS_OBYTES_OFFSET, ob);
        out.putLong(NetifNicConf.STATS_IMISSED_OFFSET, p.dev.rxMissed());
        out.putLong(NetifNicConf.STATS_IERRORS_OFFSET, ie + p.dev.rxErrors());
        out.putLong(NetifNicConf.STATS_OERRORS_OFFSET, oe);
        out.putLong(NetifNicConf.STATS_RX_NOMBUF_OFFSET, pool.allocFailures());
        out.putShort(NetifNicConf.STATS_PORT_ID_OFFSET, (short)p.conf.id);
        return Edpvs.OK;
    }

    /**
     * SET 54: as DPVS's set_port, in its order (promisc, then link). What the platform cannot do (allmulticast,
     * forward2kni, tc, lldp, a new MAC) is refused with EDPVS_NOTSUPP before anything changes; DPVS logs a failed
     * change and answers OK, the platform answers with the driver's code so that dpip shows it.
     */
    private int onSet(final SockoptRequest req, final SockoptReply rep)
    {
        final ByteBuffer body = req.body();
        if (body.remaining() != NetifNicConf.SET_SIZE)
        {
            return refuse(req, rep, Edpvs.INVAL, "netif_nic_set is " + NetifNicConf.SET_SIZE + " bytes, got "
                + body.remaining());
        }
        final String name = cString(body, NetifNicConf.SET_PNAME_OFFSET, NetifNicConf.SET_PNAME_SIZE);
        final NetifCore.Port p = core.port(core.portId(name));
        if (null == p)
        {
            // netif_sockopt_set answers EDPVS_INVAL for an unknown name (GETs answer EDPVS_NOTEXIST)
            return refuse(req, rep, Edpvs.INVAL, "no NIC '" + name + "'");
        }
        final int flags = body.getShort(body.position() + NetifNicConf.SET_FLAGS_OFFSET) & 0xffff;
        final String mac = cString(body, NetifNicConf.SET_MACADDR_OFFSET, NetifNicConf.SET_MACADDR_SIZE);
        final String unsupported = unsupported(flags, mac);
        if (null != unsupported)
        {
            return refuse(req, rep, Edpvs.NOTSUPP, unsupported + " not supported on " + name);
        }
        if (0 != (flags & (NetifNicConf.SET_PROMISC_ON | NetifNicConf.SET_PROMISC_OFF)))
        {
            final boolean on = 0 != (flags & NetifNicConf.SET_PROMISC_ON);
            final int rc = p.dev.promisc(on);
            if (Edpvs.OK != rc)
            {
                return refuse(req, rep, rc, "promisc " + (on ? "on" : "off") + " on " + name + ": driver "
                    + p.dev.driver() + " cannot");
            }
            LOG.info("promiscuous mode for {} {}", name, on ? "enabled" : "disabled");
        }
        if (0 != (flags & (NetifNicConf.SET_LINK_UP | NetifNicConf.SET_LINK_DOWN)))
        {
            final boolean up = 0 != (flags & NetifNicConf.SET_LINK_UP);
            final int rc = p.dev.up(up);
            if (Edpvs.OK != rc)
            {
                return refuse(req, rep, rc, "link " + (up ? "up" : "down") + " on " + name + ": driver "
                    + p.dev.driver() + " cannot");
            }
            LOG.info("set {} link {}", name, up ? "up" : "down");
        }
        sets.incrementAndGet();
        return Edpvs.OK;
    }

    private static String unsupported(final int flags, final String mac)
    {
        if (0 != (flags & (NetifNicConf.SET_ALLMULTICAST_ON | NetifNicConf.SET_ALLMULTICAST_OFF)))
        {
            return "allmulticast";
        }
        if (0 != (flags & (NetifNicConf.SET_FORWARD2KNI_ON | NetifNicConf.SET_FORWARD2KNI_OFF)))
        {
            return "forward2kni";
        }
        if (0 != (flags & (NetifNicConf.SET_TC_EGRESS_ON | NetifNicConf.SET_TC_EGRESS_OFF
            | NetifNicConf.SET_TC_INGRESS_ON | NetifNicConf.SET_TC_INGRESS_OFF)))
        {
            return "tc";
        }
        if (0 != (flags & (NetifNicConf.SET_LLDP_ON | NetifNicConf.SET_LLDP_OFF)))
        {
            return "lldp";
        }
        if (0 != (flags & ~0x3fff))
        {
            return String.format("flags 0x%04x", flags & ~0x3fff);
        }
        return mac.isEmpty() ? null : "setting the MAC address";
    }

    private int refuse(final SockoptRequest req, final SockoptReply rep, final int code, final String why)
    {
        refused.incrementAndGet();
        rep.message(why);
        LOG.debug("netif sockopt {} refused: {} ({})", req.id(), why, Edpvs.strerror(code));
        return code;
    }

    /** The bytes up to the first NUL (or all of them), as ASCII. */
    static String cString(final ByteBuffer b, final int offset, final int max)
    {
        final int at = b.position() + offset;
        int n = 0;
        while (n < max && 0 != b.get(at + n))
        {
            n++;
        }
        final byte[] s = new byte[n];
        for (int i = 0; i < n; i++)
        {
            s[i] = b.get(at + i);
        }
        return new String(s, StandardCharsets.US_ASCII);
    }

    /** Writes text NUL-padded into a zero-filled field, truncated to size - 1 bytes as snprintf does. */
    private static void putCString(final ByteBuffer out, final int offset, final int size, final String s)
    {
        final byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < Math.min(b.length, size - 1); i++)
        {
            out.put(offset + i, b[i]);
        }
    }
}
