package modules.netif.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import modules.stats.api.LcoreStats;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;

/**
 * DPVS's netif lcore configuration applied to the opened ports: the KNI pairs, which forwarding lcore polls which
 * receive queues and owns which transmit queue, checked as a whole before anything runs (an lcore that is not a
 * FWD_WORKER, a queue out of range, polled twice or by nobody, a transmit queue owned twice, a tap polled by a
 * worker). Lines naming a port that was refused are left out with a warning.
 */
final class QueueAssignment
{
    private static final Logger LOG = LoggerFactory.getLogger(QueueAssignment.class);

    private final NetifConfig config;
    private final NetifCore.Port[] ports;
    private final Map<String, Integer> portIds;
    private final LcoreNetif[] perLcore;
    private final LcoreScheduler lcores;
    private final LcoreStats lcoreStats;

    QueueAssignment(final NetifConfig config, final NetifCore.Port[] ports, final Map<String, Integer> portIds,
        final LcoreNetif[] perLcore, final LcoreScheduler lcores, final LcoreStats lcoreStats)
    {
        this.config = config;
        this.ports = ports;
        this.portIds = portIds;
        this.perLcore = perLcore;
        this.lcores = lcores;
        this.lcoreStats = lcoreStats;
    }

    /**
     * Ties the KNI pairs, gives each forwarding lcore its queues and checks the whole assignment.
     *
     * @throws NetifConfig.ConfigException naming the line at fault.
     */
    void assign() throws NetifConfig.ConfigException
    {
        final int[] workers = lcores.lcoreIds(LcoreRole.FWD_WORKER);
        for (final NetifConfig.KniConf k : config.knis)
        {
            final Integer p = portIds.get(k.port());
            final Integer t = portIds.get(k.tap());
            if (null == p || null == t)
            {
                if (!isRefused(k.port()) && !isRefused(k.tap()))
                {
                    throw new NetifConfig.ConfigException(k.where(), "no port " + (null == p ? k.port() : k.tap()));
                }
                LOG.warn("{}: kni {} {} left out: a port of it was refused", k.where(), k.port(), k.tap());
                continue;
            }
            if (p.equals(t) || ports[p].kniTap >= 0 || ports[t].kniOf >= 0 || ports[p].kniOf >= 0
                || ports[t].kniTap >= 0)
            {
                throw new NetifConfig.ConfigException(k.where(), "kni " + k.port() + " " + k.tap()
                    + ": each port has at most one KNI tap, and a tap serves one port");
            }
            ports[p].kniTap = t;
            ports[t].kniOf = p;
            ports[p].kniRing = new MpscArrayQueue<>(NetifCore.KNI_RING);
        }
        final Map<String, String> rxTaken = new HashMap<>();
        for (final NetifConfig.QueueConf q : config.queues)
        {
            final Integer pid = portIds.get(q.port());
            if (null == pid)
            {
                if (isRefused(q.port()))
                {
                    LOG.warn("{}: queue line for port {} left out: the port was refused", q.where(), q.port());
                    continue;
                }
                throw new NetifConfig.ConfigException(q.where(), "no port " + q.port());
            }
            if (Arrays.stream(workers).noneMatch(w -> w == q.lcoreId()))
            {
                throw new NetifConfig.ConfigException(q.where(), "lcore " + q.lcoreId()
                    + " is not a FWD_WORKER (the workers are " + Arrays.toString(workers) + ")");
            }
            final NetifCore.Port port = ports[pid];
            if (port.kniOf >= 0)
            {
                throw new NetifConfig.ConfigException(q.where(), "port " + q.port()
                    + " is a KNI tap: the kni job serves it, no worker polls it");
            }
            final LcoreNetif l = lcore(q.lcoreId());
            if (l.txQueue[pid] >= 0)
            {
                throw new NetifConfig.ConfigException(q.where(), "lcore " + q.lcoreId() + " already has port "
                    + q.port() + " (one queue line per lcore and port)");
            }
            for (final int rxq : q.rxQueues())
            {
                if (rxq >= port.dev.rxQueues())
                {
                    throw new NetifConfig.ConfigException(q.where(), "port " + q.port() + " has "
                        + port.dev.rxQueues() + " rx queues, no rx queue " + rxq);
                }
                final String prev = rxTaken.put(pid + "/" + rxq, q.where());
                if (null != prev)
                {
                    throw new NetifConfig.ConfigException(q.where(), "rx queue " + rxq + " of port " + q.port()
                        + " is already polled (" + prev + ")");
                }
                l.addRx(pid, rxq);
            }
            if (q.txQueue() >= port.dev.txQueues())
            {
                throw new NetifConfig.ConfigException(q.where(), "port " + q.port() + " has " + port.dev.txQueues()
                    + " tx queues, no tx queue " + q.txQueue());
            }
            if (port.txOwner[q.txQueue()] >= 0)
            {
                throw new NetifConfig.ConfigException(q.where(), "tx queue " + q.txQueue() + " of port " + q.port()
                    + " already belongs to lcore " + port.txOwner[q.txQueue()]);
            }
            port.txOwner[q.txQueue()] = q.lcoreId();
            l.txQueue[pid] = q.txQueue();
        }
        for (final NetifCore.Port p : ports)
        {
            if (null == p || p.kniOf >= 0)
            {
                continue;
            }
            for (int rxq = 0; rxq < p.dev.rxQueues(); rxq++)
            {
                if (!rxTaken.containsKey(p.conf.id + "/" + rxq))
                {
                    throw new NetifConfig.ConfigException(config.source, "rx queue " + rxq + " of port "
                        + p.conf.name + " is polled by no lcore: add a queue line");
                }
            }
            if (Arrays.stream(p.txOwner).allMatch(o -> o < 0))
            {
                throw new NetifConfig.ConfigException(config.source, "port " + p.conf.name
                    + " has no tx queue on any lcore: add a queue line");
            }
        }
    }

    private boolean isRefused(final String port)
    {
        for (final PortConf pc : config.ports)
        {
            if (pc.name.equals(port))
            {
                return null == ports[pc.id];
            }
        }
        return false;
    }

    private LcoreNetif lcore(final int lcoreId)
    {
        if (null == perLcore[lcoreId])
        {
            perLcore[lcoreId] = new LcoreNetif(lcoreId, ports.length, lcoreStats.counters(lcoreId));
        }
        return perLcore[lcoreId];
    }

    /**
     * @param l     a worker's state, or null.
     * @param ports the ports by id.
     * @return its queues as DPVS's {@code netif_lcore_basic_get} text shows them: "dpdk0:rx0 tx0 ...".
     */
    static String queueText(final LcoreNetif l, final NetifCore.Port[] ports)
    {
        if (null == l)
        {
            return "";
        }
        final StringBuilder sb = new StringBuilder();
        for (int p = 0; p < ports.length; p++)
        {
            if (l.txQueue[p] < 0 && !l.pollsPort(p))
            {
                continue;
            }
            if (sb.length() > 0)
            {
                sb.append(' ');
            }
            sb.append(ports[p].conf.name).append(':');
            for (int i = 0; i < l.rxCount; i++)
            {
                if (l.rxPort[i] == p)
                {
                    sb.append("rx").append(l.rxQueue[i]).append(' ');
                }
            }
            sb.append("tx").append(l.txQueue[p]);
        }
        return sb.toString();
    }

    /**
     * @param l     a worker's state, or null.
     * @param ports the ports by id.
     * @return its queues as DPVS's {@code netif_print_lcore_queue_conf} writes them for GET 58: per port, per
     * queue index, "port:rxN" and "port:txN" each padded to 16 characters, "--" where there is none.
     */
    static String dpvsQueueText(final LcoreNetif l, final NetifCore.Port[] ports)
    {
        if (null == l)
        {
            return "";
        }
        final StringBuilder sb = new StringBuilder();
        for (int p = 0; p < ports.length; p++)
        {
            final List<Integer> rx = new ArrayList<>();
            for (int i = 0; i < l.rxCount; i++)
            {
                if (l.rxPort[i] == p)
                {
                    rx.add(l.rxQueue[i]);
                }
            }
            final int ntx = l.txQueue[p] >= 0 ? 1 : 0;
            final int max = Math.max(rx.size(), ntx);
            for (int j = 0; j < max; j++)
            {
                final String name = ports[p].conf.name;
                sb.append(String.format(Locale.ROOT, "%-16s", j < rx.size() ? name + ":rx" + rx.get(j) : "--"));
                sb.append(String.format(Locale.ROOT, "%-16s", j < ntx ? name + ":tx" + l.txQueue[p] : "--"));
            }
        }
        return sb.toString();
    }
}
