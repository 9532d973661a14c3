package modules.netif.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;
import platform.lcore.api.Edpvs;

/**
 * A port over capture files ({@link PcapFormat}). Receive parses records out of a direct read buffer filled from
 * the input file's channel, copying each frame into an mbuf; transmit appends records to a direct write buffer,
 * written to the output channel when full and at close. Both buffers are made at open, so the bursts allocate
 * nothing. Pacing ({@code rate}) compares the packets received with what {@link System#nanoTime()} allows since the
 * first poll, never sleeping on the lcore; credit saved while not polled is capped at one burst.
 * <p>
 * Receive is correct for one lcore (queue 0's), transmit for one lcore; {@link #close()} runs when neither polls.
 */
final class PcapDevice implements PortDevice
{
    private static final Logger LOG = LoggerFactory.getLogger(PcapDevice.class);
    /** Read and write buffer size; the read buffer is larger when the pool's buffers are. */
    static final int BUFFER_SIZE = 1 << 20;

    private final PortConf conf;
    private final MbufPool pool;
    private final byte[] mac;
    private final int mtu;
    private final String device;

    // input
    private final Path inPath;
    private final FileChannel in;
    private final ByteBuffer rbuf;
    private final boolean loop;
    /** Packets per nanosecond, 0 for no pacing. */
    private final double ratePerNs;
    private final int dataRoom;
    /** The channel returned end of file since the buffer was last refilled from the start of the records. */
    private boolean inEof;
    /** No more input: the end (without loop), a truncated or corrupt file, a read error. */
    private boolean inEnded;
    private long passPackets;
    private long paceStartNs;
    private long pacedPackets;

    // output
    private final Path outPath;
    private final FileChannel out;
    private final ByteBuffer wbuf;
    private final long wallBaseUs;
    private final long nanoBase;

    private volatile boolean adminUp = true;
    private volatile boolean promiscOn;
    private volatile long rxErrors;
    private volatile long txErrors;
    private boolean closed;

    private PcapDevice(final PortConf conf, final MbufPool pool, final Path inPath, final FileChannel in,
        final ByteOrder inOrder, final Path outPath, final FileChannel out, final boolean loop, final long rate,
        final byte[] mac, final int mtu)
    {
        this.conf = conf;
        this.pool = pool;
        this.mac = mac.clone();
        this.mtu = mtu;
        this.inPath = inPath;
        this.in = in;
        this.outPath = outPath;
        this.out = out;
        this.loop = loop;
        this.ratePerNs = rate / 1e9;
        this.dataRoom = pool.get(0).dataRoom();
        this.device = (null == inPath ? "" : "in " + inPath) + (null != inPath && null != outPath ? " " : "")
            + (null == outPath ? "" : "out " + outPath);
        if (null != in)
        {
            final int size = Math.max(BUFFER_SIZE, PcapFormat.RECORD_HEADER_SIZE + dataRoom);
            this.rbuf = ByteBuffer.allocateDirect(size).order(inOrder);
            rbuf.limit(0);
        }
        else
        {
            this.rbuf = null;
        }
        this.wbuf = null == out ? null : ByteBuffer.allocateDirect(BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        this.wallBaseUs = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        this.nanoBase = System.nanoTime();
    }

    /**
     * Opens the input (checking its header) and creates the output (writing its header).
     *
     * @throws PortException naming the port and the file when one cannot be opened, is not a pcap file or its link
     *                       type is not Ethernet.
     */
    static PcapDevice open(final PortConf conf, final MbufPool pool, final Path inPath, final Path outPath,
        final boolean loop, final long rate, final byte[] mac, final int mtu) throws PortException
    {
        FileChannel in = null;
        FileChannel out = null;
        try
        {
            ByteOrder order = ByteOrder.BIG_ENDIAN;
            if (null != inPath)
            {
                in = openChannel(conf, "in", inPath, StandardOpenOption.READ);
                order = readHeader(conf, inPath, in);
            }
            if (null != outPath)
            {
                out = openChannel(conf, "out", outPath, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            }
            final PcapDevice dev = new PcapDevice(conf, pool, inPath, in, order, outPath, out, loop, rate, mac, mtu);
            if (null != out)
            {
                dev.writeHeader();
            }
            return dev;
        }
        catch (final PortException ex)
        {
            closeQuietly(in);
            closeQuietly(out);
            throw ex;
        }
    }

    private static FileChannel openChannel(final PortConf conf, final String key, final Path path,
        final StandardOpenOption... options) throws PortException
    {
        try
        {
            return FileChannel.open(path, options);
        }
        catch (final NoSuchFileException ex)
        {
            throw new PortException(conf, key + " " + path + ": no such file" + (StandardOpenOption.READ == options[0]
                ? "" : " or directory"));
        }
        catch (final AccessDeniedException ex)
        {
            throw new PortException(conf, key + " " + path + ": permission denied");
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            throw new PortException(conf, key + " " + path + ": cannot open: " + ex, ex);
        }
    }

    /** Reads and checks the global header; leaves the channel at the first record. */
    private static ByteOrder readHeader(final PortConf conf, final Path path, final FileChannel ch)
        throws PortException
    {
        final ByteBuffer h = ByteBuffer.allocate(PcapFormat.HEADER_SIZE);
        try
        {
            while (h.hasRemaining() && ch.read(h) >= 0)
            {
                // until full or end of file
            }
        }
        catch (final IOException ex)
        {
            throw new PortException(conf, "in " + path + ": cannot read: " + ex, ex);
        }
        if (h.hasRemaining())
        {
            throw new PortException(conf, "in " + path + ": not a pcap file (" + h.position()
                + " bytes, shorter than the 24-byte header)");
        }
        final int magic = h.getInt(PcapFormat.MAGIC_OFFSET);
        final ByteOrder order;
        if (PcapFormat.MAGIC_US == magic || PcapFormat.MAGIC_NS == magic)
        {
            order = ByteOrder.BIG_ENDIAN;
        }
        else if (PcapFormat.MAGIC_US == Integer.reverseBytes(magic) || PcapFormat.MAGIC_NS == Integer.reverseBytes(magic))
        {
            order = ByteOrder.LITTLE_ENDIAN;
        }
        else if (PcapFormat.PCAPNG_SHB == magic)
        {
            throw new PortException(conf, "in " + path + ": a pcapng file; only classic pcap files can be replayed"
                + " (convert it: editcap -F pcap in.pcapng out.pcap)");
        }
        else
        {
            throw new PortException(conf, "in " + path + ": not a pcap file (magic "
                + String.format("%08x", magic) + ")");
        }
        h.order(order);
        final int linktype = h.getInt(PcapFormat.LINKTYPE_OFFSET) & 0xffff;
        if (PcapFormat.LINKTYPE_ETHERNET != linktype)
        {
            throw new PortException(conf, "in " + path + ": link type " + linktype + " ("
                + PcapFormat.linktypeName(linktype) + "); only Ethernet (link type 1) frames can be replayed");
        }
        return order;
    }

    private void writeHeader() throws PortException
    {
        final ByteBuffer w = wbuf;
        w.putInt(PcapFormat.MAGIC_US);
        w.putShort(PcapFormat.VERSION_MAJOR);
        w.putShort(PcapFormat.VERSION_MINOR);
        w.putInt(0);
        w.putInt(0);
        w.putInt(PcapFormat.SNAPLEN);
        w.putInt(PcapFormat.LINKTYPE_ETHERNET);
        try
        {
            flush();
        }
        catch (final IOException ex)
        {
            throw new PortException(conf, "out " + outPath + ": cannot write: " + ex, ex);
        }
    }

    @Override
    public String driver()
    {
        return PcapDriver.NAME;
    }

    @Override
    public String device()
    {
        return device;
    }

    @Override
    public byte[] mac()
    {
        return mac.clone();
    }

    @Override
    public int mtu()
    {
        return mtu;
    }

    @Override
    public int rxQueues()
    {
        return 1;
    }

    @Override
    public int txQueues()
    {
        return 1;
    }

    /**
     * Copies the next records into mbufs, as many as {@code max}, the pacing and the pool allow. A record larger
     * than the pool's buffers is counted as an error and skipped; a truncated last record is counted and ends the
     * pass; at the end of a pass the input starts again (loop) or ends. Correct for one lcore.
     */
    @Override
    public int rxBurst(final int lcoreId, final int queue, final Mbuf[] pkts, final int max)
    {
        if (null == in || inEnded || !adminUp)
        {
            return 0;
        }
        final int want = 0 == ratePerNs ? max : paced(max);
        final ByteBuffer b = rbuf;
        final MbufPool pool = this.pool;
        final int port = conf.id;
        int n = 0;
        while (n < want)
        {
            if (b.remaining() < PcapFormat.RECORD_HEADER_SIZE && !fill(PcapFormat.RECORD_HEADER_SIZE))
            {
                if (b.hasRemaining())
                {
                    // a partial record header at the end
                    rxErrors++;
                }
                if (endOfPass())
                {
                    continue;
                }
                break;
            }
            final int incl = b.getInt(b.position() + PcapFormat.INCL_LEN_OFFSET);
            if (incl < 0 || incl > PcapFormat.MAX_RECORD)
            {
                corrupt();
                break;
            }
            final int total = PcapFormat.RECORD_HEADER_SIZE + incl;
            if (incl > dataRoom)
            {
                rxErrors++;
                if (!skip(total) && !endOfPass())
                {
                    break;
                }
                continue;
            }
            if (b.remaining() < total && !fill(total))
            {
                // the last record is cut short
                rxErrors++;
                if (endOfPass())
                {
                    continue;
                }
                break;
            }
            final Mbuf m = pool.alloc(lcoreId);
            if (null == m)
            {
                // the record waits for the next poll
                break;
            }
            final int pos = b.position();
            b.get(pos + PcapFormat.RECORD_HEADER_SIZE, m.array(), m.offset(), incl);
            b.position(pos + total);
            m.length(incl);
            m.from(port, queue);
            pkts[n++] = m;
            passPackets++;
        }
        pacedPackets += n;
        return n;
    }

    /** @return how many packets the rate allows now, at most {@code max}. */
    private int paced(final int max)
    {
        final long now = System.nanoTime();
        if (0 == paceStartNs)
        {
            paceStartNs = now - 1;
        }
        final long allowed = (long)((now - paceStartNs) * ratePerNs);
        long credit = allowed - pacedPackets;
        if (credit > MAX_BURST)
        {
            // not polled for a while: do not catch up in a flood
            pacedPackets = allowed - MAX_BURST;
            credit = MAX_BURST;
        }
        return credit <= 0 ? 0 : (int)Math.min(max, credit);
    }

    /**
     * Makes {@code need} bytes readable at the buffer's position, reading from the channel.
     *
     * @return false when the file ends first (or cannot be read: counted, and the input ends).
     */
    private boolean fill(final int need)
    {
        final ByteBuffer b = rbuf;
        if (inEof)
        {
            return false;
        }
        b.compact();
        try
        {
            while (b.position() < need)
            {
                if (in.read(b) < 0)
                {
                    inEof = true;
                    break;
                }
            }
        }
        catch (final IOException ex)
        {
            readError(ex);
        }
        b.flip();
        return b.remaining() >= need;
    }

    /**
     * Passes over a record of {@code total} bytes, header included, part of which may not be read yet.
     *
     * @return false when the file ends within it (the pass is over).
     */
    private boolean skip(final int total)
    {
        final ByteBuffer b = rbuf;
        if (b.remaining() >= total)
        {
            b.position(b.position() + total);
            return true;
        }
        final long beyond = total - b.remaining();
        b.position(b.limit());
        try
        {
            final long target = in.position() + beyond;
            if (inEof || target > in.size())
            {
                inEof = true;
                return false;
            }
            in.position(target);
            return true;
        }
        catch (final IOException ex)
        {
            readError(ex);
            return false;
        }
    }

    /** @return true when the input starts again (loop, and the pass gave packets), false when it ended. */
    private boolean endOfPass()
    {
        if (!loop || 0 == passPackets || inEnded)
        {
            inEnded = true;
            return false;
        }
        try
        {
            in.position(PcapFormat.HEADER_SIZE);
        }
        catch (final IOException ex)
        {
            readError(ex);
            return false;
        }
        rbuf.clear().limit(0);
        inEof = false;
        passPackets = 0;
        return true;
    }

    private void corrupt()
    {
        rxErrors++;
        inEnded = true;
        LOG.warn("{}: in {}: a record claims more than {} bytes: a corrupt file; its input ends", conf, inPath,
            PcapFormat.MAX_RECORD);
    }

    private void readError(final IOException ex)
    {
        rxErrors++;
        inEnded = true;
        inEof = true;
        LOG.warn("{}: in {}: read failed, its input ends: {}", conf, inPath, ex.toString());
    }

    /**
     * Appends each frame as a record (timestamped now, cut to the snaplen) and frees it; without an output file
     * the frames are only freed. A write error is counted and the frames dropped. Correct for one lcore.
     */
    @Override
    public int txBurst(final int lcoreId, final int queue, final Mbuf[] pkts, final int n)
    {
        if (!adminUp)
        {
            return 0;
        }
        final ByteBuffer w = wbuf;
        for (int i = 0; i < n; i++)
        {
            final Mbuf m = pkts[i];
            if (null != w)
            {
                append(w, m);
            }
            m.pool().free(lcoreId, m);
            pkts[i] = null;
        }
        return n;
    }

    private void append(final ByteBuffer w, final Mbuf m)
    {
        final int len = m.length();
        final int incl = Math.min(len, PcapFormat.SNAPLEN);
        if (w.remaining() < PcapFormat.RECORD_HEADER_SIZE + incl && !flushQuietly())
        {
            return;
        }
        final long us = wallBaseUs + (System.nanoTime() - nanoBase) / 1000;
        w.putInt((int)(us / 1_000_000));
        w.putInt((int)(us % 1_000_000));
        w.putInt(incl);
        w.putInt(len);
        w.put(m.array(), m.offset(), incl);
    }

    private boolean flushQuietly()
    {
        try
        {
            flush();
            return true;
        }
        catch (final IOException ex)
        {
            txErrors++;
            wbuf.clear();
            LOG.warn("{}: out {}: write failed, records lost: {}", conf, outPath, ex.toString());
            return false;
        }
    }

    private void flush() throws IOException
    {
        final ByteBuffer w = wbuf;
        w.flip();
        while (w.hasRemaining())
        {
            out.write(w);
        }
        w.clear();
    }

    @Override
    public boolean linkUp()
    {
        return adminUp;
    }

    @Override
    public boolean up()
    {
        return adminUp;
    }

    @Override
    public boolean promisc()
    {
        return promiscOn;
    }

    @Override
    public int promisc(final boolean on)
    {
        promiscOn = on;
        return Edpvs.OK;
    }

    @Override
    public int up(final boolean up)
    {
        adminUp = up;
        return Edpvs.OK;
    }

    /** @return 0: records wait in the file when the pool is empty, nothing is lost. */
    @Override
    public long rxMissed()
    {
        return 0;
    }

    /** @return records larger than the pool's buffers, a truncated last record, a corrupt file, read errors. */
    @Override
    public long rxErrors()
    {
        return rxErrors;
    }

    /** @return writes to the output file that failed. */
    long txErrors()
    {
        return txErrors;
    }

    /** @return true when the input ended (end of file without loop, a corrupt file, a read error). */
    boolean inputEnded()
    {
        return inEnded;
    }

    /** Writes what the output buffer holds and closes the files; a second call does nothing. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (null != out)
        {
            flushQuietly();
            try
            {
                out.force(false);
            }
            catch (final IOException ex)
            {
                LOG.warn("{}: out {}: {}", conf, outPath, ex.toString());
            }
        }
        closeQuietly(in);
        closeQuietly(out);
    }

    private static void closeQuietly(final FileChannel ch)
    {
        if (null != ch)
        {
            try
            {
                ch.close();
            }
            catch (final IOException ex)
            {
                LOG.warn("closing a capture file: {}", ex.toString());
            }
        }
    }

    @Override
    public String toString()
    {
        return "pcap " + device + " (" + conf + ")";
    }
}
