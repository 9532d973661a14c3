package modules.stats.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import modules.stats.api.LcoreCounters;
import modules.stats.api.LcoreStats;
import modules.stats.api.NetifLcoreConf;
import platform.lcore.api.LcoreInfo;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.Edpvs;
import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.api.SockoptReply;
import platform.sockopt.api.SockoptRequest;
import platform.sockopt.api.SockoptSpec;

/**
 * The lcores' statistics behind DPVS's netif lcore sockopts GET 57..59: the lcore masks by role, each lcore's
 * NUMA socket, its loop count (from the scheduler) and its packet counters (single-writer {@link LcoreCounters}
 * the data path updates on its own lcore). The handlers only read, so they take no message: every value is read
 * whole, and the lcores never wait for the control plane.
 */
final class StatsCore implements LcoreStats
{
    private static final Logger LOG = LoggerFactory.getLogger(StatsCore.class);

    private final LcoreScheduler lcores;
    private final LcoreCounters[] counters = new LcoreCounters[LcoreScheduler.MAX_LCORES];
    private final int[] socketIds = new int[LcoreScheduler.MAX_LCORES];
    private SockoptHandle handle;

    final AtomicLong refused = new AtomicLong();

    StatsCore(final LcoreScheduler lcores)
    {
        this.lcores = lcores;
        for (final LcoreInfo l : lcores.lcores())
        {
            counters[l.id()] = new LcoreCounters(l.id());
            socketIds[l.id()] = numaNode(l.cpu());
        }
    }

    /** @return the NUMA node of the CPU from sysfs, 0 for an unpinned lcore or when sysfs does not say. */
    static int numaNode(final int cpu)
    {
        if (cpu < 0)
        {
            return 0;
        }
        try (DirectoryStream<Path> nodes = Files.newDirectoryStream(Path.of("/sys/devices/system/cpu/cpu" + cpu),
            "node[0-9]*"))
        {
            for (final Path n : nodes)
            {
                return Integer.parseInt(n.getFileName().toString().substring(4));
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            LOG.debug("no NUMA node for CPU {}: {}", cpu, ex.toString());
        }
        return 0;
    }

    void start(final SockoptRegistry sockopts)
    {
        handle = sockopts.register(SockoptSpec.builder("netif_lcore")
            .get(NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_MASK, NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_STATS, this::onGet)
            .build());
        LOG.info("lcore statistics served on GET {}..{} for {} lcores", NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_MASK,
            NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_STATS, lcores.lcores().size());
    }

    void stop()
    {
        if (null != handle)
        {
            handle.close();
            handle = null;
        }
    }

    @Override
    public LcoreCounters counters(final int lcoreId)
    {
        final LcoreCounters c = lcoreId >= 0 && lcoreId < LcoreScheduler.MAX_LCORES ? counters[lcoreId] : null;
        if (null == c)
        {
            throw new IllegalArgumentException("no lcore " + lcoreId);
        }
        return c;
    }

    private int onGet(final SockoptRequest req, final SockoptReply rep)
    {
        if (NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_MASK == req.id())
        {
            return mask(rep);
        }
        final ByteBuffer body = req.body();
        if (body.remaining() < 1)
        {
            refused.incrementAndGet();
            rep.message("want the lcore id, 1 byte");
            return Edpvs.INVAL;
        }
        final int id = body.get(body.position()) & 0xff;
        final LcoreInfo info = info(id);
        if (null == info)
        {
            refused.incrementAndGet();
            rep.message("no lcore " + id);
            return Edpvs.INVAL;
        }
        if (NetifLcoreConf.SOCKOPT_NETIF_GET_LCORE_BASIC == req.id())
        {
            // the packet I/O bundle (netif) sets the queue list; with none, dpip prints "queues none". As DPVS,
            // a non-empty list is sent with its NUL and counted in queue_data_len
            final String queues = counters[id].queues();
            final byte[] text = queues.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            final int len = text.length == 0 ? 0 : text.length + 1;
            final ByteBuffer out = rep.body(NetifLcoreConf.BASIC_HEADER_SIZE + len);
            out.put(NetifLcoreConf.BASIC_LCORE_OFFSET, (byte)id);
            out.put(NetifLcoreConf.BASIC_SOCKET_OFFSET, (byte)socketIds[id]);
            out.putInt(NetifLcoreConf.BASIC_QUEUE_DATA_LEN_OFFSET, len);
            if (len > 0)
            {
                out.put(NetifLcoreConf.BASIC_HEADER_SIZE, text);
            }
            return Edpvs.OK;
        }
        final LcoreCounters c = counters[id];
        final ByteBuffer out = rep.body(NetifLcoreConf.STATS_SIZE);
        out.put(NetifLcoreConf.STATS_LCORE_OFFSET, (byte)id);
        out.putLong(NetifLcoreConf.STATS_LCORE_LOOP_OFFSET, info.loops());
        out.putLong(NetifLcoreConf.STATS_PKTBURST_OFFSET, c.pktburst());
        out.putLong(NetifLcoreConf.STATS_ZPKTBURST_OFFSET, c.zpktburst());
        out.putLong(NetifLcoreConf.STATS_FPKTBURST_OFFSET, c.fpktburst());
        out.putLong(NetifLcoreConf.STATS_Z2HPKTBURST_OFFSET, c.z2hpktburst());
        out.putLong(NetifLcoreConf.STATS_H2FPKTBURST_OFFSET, c.h2fpktburst());
        out.putLong(NetifLcoreConf.STATS_IPACKETS_OFFSET, c.ipackets());
        out.putLong(NetifLcoreConf.STATS_IBYTES_OFFSET, c.ibytes());
        out.putLong(NetifLcoreConf.STATS_OPACKETS_OFFSET, c.opackets());
        out.putLong(NetifLcoreConf.STATS_OBYTES_OFFSET, c.obytes());
        out.putLong(NetifLcoreConf.STATS_DROPPED_OFFSET, c.dropped());
        return Edpvs.OK;
    }

    private LcoreInfo info(final int id)
    {
        for (final LcoreInfo l : lcores.lcores())
        {
            if (l.id() == id)
            {
                return l;
            }
        }
        return null;
    }

    private int mask(final SockoptReply rep)
    {
        long slaves = 0;
        long isolRx = 0;
        int kni = 0;
        for (final LcoreInfo l : lcores.lcores())
        {
            if (LcoreRole.FWD_WORKER == l.role())
            {
                slaves |= 1L << l.id();
            }
            else if (LcoreRole.ISOLRX_WORKER == l.role())
            {
                isolRx |= 1L << l.id();
            }
            else if (LcoreRole.KNI_WORKER == l.role() && 0 == kni)
            {
                kni = l.id();
            }
        }
        final ByteBuffer out = rep.body(NetifLcoreConf.MASK_SIZE);
        out.put(NetifLcoreConf.MASK_MASTER_OFFSET, (byte)lcores.masterLcoreId());
        out.put(NetifLcoreConf.MASK_KNI_OFFSET, (byte)kni);
        out.put(NetifLcoreConf.MASK_SLAVE_NUM_OFFSET, (byte)Long.bitCount(slaves));
        out.put(NetifLcoreConf.MASK_ISOLRX_NUM_OFFSET, (byte)Long.bitCount(isolRx));
        out.putLong(NetifLcoreConf.MASK_SLAVE_MASK_OFFSET, slaves);
        out.putLong(NetifLcoreConf.MASK_ISOLRX_MASK_OFFSET, isolRx);
        return Edpvs.OK;
    }

    /** @return one line per lcore: id, role, socket, loops and the packet counters. */
    String table()
    {
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
            "%-5s %-13s %-6s %14s %12s %12s %14s %12s %14s %10s%n", "LCORE", "ROLE", "SOCKET", "LOOPS", "PKTBURST",
            "IPACKETS", "IBYTES", "OPACKETS", "OBYTES", "DROPPED"));
        final List<LcoreInfo> all = new ArrayList<>(lcores.lcores());
        for (final LcoreInfo l : all)
        {
            final LcoreCounters c = counters[l.id()];
            sb.append(String.format(Locale.ROOT, "%-5d %-13s %-6d %14d %12d %12d %14d %12d %14d %10d%n", l.id(),
                l.role(), socketIds[l.id()], l.loops(), c.pktburst(), c.ipackets(), c.ibytes(), c.opackets(),
                c.obytes(), c.dropped()));
        }
        return sb.toString();
    }
}
