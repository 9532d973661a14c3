package modules.netif.impl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import modules.netif.api.Mbuf;

/**
 * The netif configuration: ports, which forwarding lcore polls which queues (DPVS's {@code worker_defs} port
 * blocks), the KNI pairs and the packet pool, parsed from a line-oriented file:
 *
 * <pre>
 * mbufs &lt;count&gt; [size &lt;bytes&gt;]                       # the packet pool (default 16384 of 2176 bytes)
 * port &lt;name&gt; driver &lt;driver&gt; [&lt;option&gt; &lt;value&gt;]...    # a port; options are the driver's
 * queue &lt;lcore&gt; &lt;port&gt; rx &lt;q&gt;[,&lt;q&gt;...] tx &lt;q&gt;          # a FWD_WORKER lcore polls these queues
 * kni &lt;port&gt; &lt;tap port&gt;                                 # what the data plane does not handle on &lt;port&gt;
 *                                                      # goes to the kernel through &lt;tap port&gt;, and back
 * </pre>
 * Only the syntax is checked here; {@link NetifCore} checks the lcores and queue ranges against the running
 * layout and the opened ports. Every error names the file and the line.
 */
final class NetifConfig
{
    /** A {@code queue} line. */
    record QueueConf(int lcoreId, String port, int[] rxQueues, int txQueue, String where)
    {
    }

    /** A {@code kni} line. */
    record KniConf(String port, String tap, String where)
    {
    }

    static final int DEFAULT_MBUFS = 16384;
    static final int DEFAULT_MBUF_SIZE = 2048 + Mbuf.HEADROOM;
    static final int MAX_PORTS = 32;

    final String source;
    final int mbufs;
    final int mbufSize;
    final List<PortConf> ports;
    final List<QueueConf> queues;
    final List<KniConf> knis;

    private NetifConfig(final String source, final int mbufs, final int mbufSize, final List<PortConf> ports,
        final List<QueueConf> queues, final List<KniConf> knis)
    {
        this.source = source;
        this.mbufs = mbufs;
        this.mbufSize = mbufSize;
        this.ports = Collections.unmodifiableList(ports);
        this.queues = Collections.unmodifiableList(queues);
        this.knis = Collections.unmodifiableList(knis);
    }

    /**
     * The embedded default: one synthetic port with a receive and a transmit queue per forwarding lcore,
     * generating a modest rate so a fresh install shows packets and counters moving without loading the machine.
     *
     * @param workers the FWD_WORKER lcore ids.
     * @return the configuration.
     */
    static NetifConfig defaults(final int[] workers)
    {
        final StringBuilder sb = new StringBuilder();
        final int n = Math.max(1, workers.length);
        sb.append("port syn0 driver synthetic rxq ").append(n).append(" txq ").append(n)
            .append(" rate 1000 src 192.168.100.0/24 dst 10.0.0.0/16 size 60,590,1514 proto udp,tcp,icmp\n");
        for (int i = 0; i < workers.length; i++)
        {
            sb.append("queue ").append(workers[i]).append(" syn0 rx ").append(i).append(" tx ").append(i).append('\n');
        }
        try
        {
            return parse("embedded default", new StringReader(sb.toString()));
        }
        catch (final ConfigException | IOException ex)
        {
            throw new IllegalStateException("the embedded netif default is invalid", ex);
        }
    }

    /**
     * @param source the file's name, for errors.
     * @param in     its text.
     * @return the configuration.
     * @throws ConfigException naming the line when a line is wrong.
     * @throws IOException     when reading fails.
     */
    static NetifConfig parse(final String source, final Reader in) throws ConfigException, IOException
    {
        int mbufs = DEFAULT_MBUFS;
        int mbufSize = DEFAULT_MBUF_SIZE;
        final List<PortConf> ports = new ArrayList<>();
        final List<QueueConf> queues = new ArrayList<>();
        final List<KniConf> knis = new ArrayList<>();
        final BufferedReader r = new BufferedReader(in);
        String line;
        int no = 0;
        while (null != (line = r.readLine()))
        {
            no++;
            final String where = source + ":" + no;
            final int hash = line.indexOf('#');
            final String text = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (text.isEmpty())
            {
                continue;
            }
            final String[] w = text.split("\\s+");
            switch (w[0])
            {
                case "mbufs":
                    if (2 != w.length && !(4 == w.length && "size".equals(w[2])))
                    {
                        throw new ConfigException(where, "want: mbufs <count> [size <bytes>]");
                    }
                    mbufs = (int)number(where, "mbufs", w[1], 64, 1 << 22);
                    if (4 == w.length)
                    {
                        mbufSize = (int)number(where, "size", w[3], Mbuf.HEADROOM + 64, 65_535 + Mbuf.HEADROOM);
                    }
                    break;
                case "port":
                    ports.add(port(where, w, ports));
                    break;
                case "queue":
                    queues.add(queue(where, w));
                    break;
                case "kni":
                    if (3 != w.length)
                    {
                        throw new ConfigException(where, "want: kni <port> <tap port>");
                    }
                    knis.add(new KniConf(w[1], w[2], where));
                    break;
                default:
                    throw new ConfigException(where, "unknown keyword " + w[0]
                        + " (want mbufs, port, queue or kni)");
            }
        }
        return new NetifConfig(source, mbufs, mbufSize, ports, queues, knis);
    }

    private static PortConf port(final String where, final String[] w, final List<PortConf> ports)
        throws ConfigException
    {
        if (w.length < 4 || !"driver".equals(w[2]) || 0 != (w.length - 4) % 2)
        {
            throw new ConfigException(where, "want: port <name> driver <driver> [<option> <value>]...");
        }
        final String name = w[1];
        // DPVS's port_id_name carries a 16-byte name, NUL included
        if (name.length() > 15 || !name.matches("[A-Za-z0-9_.:-]+"))
        {
            throw new ConfigException(where, "port name " + name
                + ": 1..15 characters of letters, digits, '_', '.', ':' or '-'");
        }
        for (final PortConf p : ports)
        {
            if (p.name.equals(name))
            {
                throw new ConfigException(where, "port " + name + " is already defined at " + p.where);
            }
        }
        if (ports.size() == MAX_PORTS)
        {
            throw new ConfigException(where, "at most " + MAX_PORTS + " ports");
        }
        final Map<String, String> options = new LinkedHashMap<>();
        for (int i = 4; i < w.length; i += 2)
        {
            if (null != options.put(w[i], w[i + 1]))
            {
                throw new ConfigException(where, "option " + w[i] + " given twice");
            }
        }
        return new PortConf(ports.size(), name, w[3], options, where);
    }

    private static QueueConf queue(final String where, final String[] w) throws ConfigException
    {
        if (7 != w.length || !"rx".equals(w[3]) || !"tx".equals(w[5]))
        {
            throw new ConfigException(where, "want: queue <lcore> <port> rx <q>[,<q>...] tx <q>");
        }
        final int lcore = (int)number(where, "lcore", w[1], 0, 63);
        final String[] rx = w[4].split(",");
        final int[] rxq = new int[rx.length];
        for (int i = 0; i < rx.length; i++)
        {
            rxq[i] = (int)number(where, "rx queue", rx[i], 0, 255);
        }
        final int txq = (int)number(where, "tx queue", w[6], 0, 255);
        return new QueueConf(lcore, w[2], rxq, txq, where);
    }

    private static long number(final String where, final String what, final String v, final long min,
        final long max) throws ConfigException
    {
        final long n;
        try
        {
            n = Long.parseLong(v.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigException(where, what + " " + v + ": not a number");
        }
        if (n < min || n > max)
        {
            throw new ConfigException(where, what + " " + v + ": want " + min + ".." + max);
        }
        return n;
    }

    /** A configuration error, naming the file and line. */
    static final class ConfigException extends Exception
    {
        private static final long serialVersionUID = 1L;

        ConfigException(final String where, final String why)
        {
            super(where + ": " + why);
        }
    }
}
