package modules.netif.impl;

import static modules.netif.impl.AfPacketDescriptor.*;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;

import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;
import platform.lcore.api.Edpvs;

/**
 * A Linux interface opened through {@code PACKET_MMAP} rings, the design of DPDK's af_packet PMD
 * ({@code drivers/net/af_packet}): one packet socket per queue, rings read and written as plain memory, a system
 * call only to kick a transmit burst.
 * <ul>
 * <li><b>Receive</b>: per receive queue a socket with a TPACKET_V3 block ring, joined in one
 * {@code PACKET_FANOUT} group ({@code FANOUT_HASH | FLAG_DEFRAG}) when the port has several, so a flow stays on one
 * queue (and one lcore) as with RSS. {@link #rxBurst} walks the current block's frames and copies each into an
 * {@link Mbuf}; a burst may end in the middle of a block, which stays ours (position kept) until all its frames are
 * read, then goes back to the kernel with a release store of {@code TP_STATUS_KERNEL}. Frames this host sends
 * are skipped ({@code PACKET_IGNORE_OUTGOING}, and by packet type on older kernels); an 802.1Q tag the kernel took
 * off into the header is put back in the frame, as DPDK's PMD does.</li>
 * <li><b>Transmit</b>: per transmit queue a socket bound with protocol 0 (it never receives) and a TPACKET_V2
 * frame ring. {@link #txBurst} copies frames into free slots ({@code TP_STATUS_AVAILABLE}), marks them
 * {@code TP_STATUS_SEND_REQUEST} with a release store, and sends them all with one
 * {@code sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0)}; a slot still owned by the kernel means the ring is full.</li>
 * </ul>
 * Thread contract: each receive queue is polled by one lcore and each transmit queue used by one lcore (the
 * queue state is unsynchronised); the device-wide calls may come from any thread.
 */
final class AfPacketDevice implements PortDevice
{
    /** Status words of the rings, with acquire/release ordering against the kernel. */
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    /** One receive queue: its socket and block ring, and where the reader is. */
    static final class RxQueue
    {
        int fd = -1;
        long addr = MAP_FAILED;
        long size;
        ByteBuffer ring;
        int blocks;
        int blockSize;
        /** The block being read. */
        int block;
        /** Frames of that block not read yet; 0 when the block is not ours. */
        int left;
        /** Offset of the next frame's tpacket3_hdr in the ring. */
        int pos;
        long errors;
        long noMbuf;
        /** Frames whose transport checksum was completed here (TP_STATUS_CSUMNOTREADY). */
        long csumCompleted;
        /** Drops read from PACKET_STATISTICS so far (the kernel resets them on read). */
        long missed;
    }

    /** One transmit queue: its socket, frame ring and next slot. */
    static final class TxQueue
    {
        int fd = -1;
        long addr = MAP_FAILED;
        long size;
        ByteBuffer ring;
        int[] slots;
        int next;
        int maxFrame;
        long errors;
        long kickFails;
        /** The last kick failed: slots may wait flagged for the next one. */
        boolean unkicked;
    }

    private final PortConf conf;
    private final String iface;
    private final int ifindex;
    private final int port;
    private final MbufPool pool;
    private final AfPacketSyscalls sys;
    private final RxQueue[] rx;
    private final TxQueue[] tx;
    private final byte[] mac = new byte[6];
    private volatile int mtu;
    private volatile boolean promisc;
    private boolean closed;

    private AfPacketDevice(final PortConf conf, final String iface, final int ifindex, final MbufPool pool,
        final int rxq, final int txq)
    {
        this.conf = conf;
        this.iface = iface;
        this.ifindex = ifindex;
        this.port = conf.id;
        this.pool = pool;
        this.sys = new AfPacketSyscalls(conf, iface, ifindex);
        this.rx = new RxQueue[rxq];
        this.tx = new TxQueue[txq];
    }

    /**
     * Opens the interface: sockets, rings, fanout group, promiscuous membership, MTU.
     *
     * @return the open device; on failure nothing stays open.
     * @throws PortException naming the port, the interface and the failed step with its errno text.
     */
    static AfPacketDevice open(final PortConf conf, final MbufPool pool, final AfPacketDriver.Options o)
        throws PortException
    {
        final int ifindex = AfPacketLibC.if_nametoindex(o.iface);
        if (0 == ifindex)
        {
            throw new PortException(conf, "iface " + o.iface + ": no such interface");
        }
        final AfPacketDevice dev = new AfPacketDevice(conf, o.iface, ifindex, pool, o.rxq, o.txq);
        try
        {
            final int fanoutId = AfPacketDriver.nextFanoutId(ifindex);
            for (int q = 0; q < o.rxq; q++)
            {
                dev.rx[q] = new RxQueue();
                dev.openRx(dev.rx[q], q, o, o.rxq > 1 ? fanoutId : -1);
            }
            for (int q = 0; q < o.txq; q++)
            {
                dev.tx[q] = new TxQueue();
                dev.openTx(dev.tx[q], q, o);
            }
            if (o.mtu > 0)
            {
                final byte[] ifr = dev.ifreq();
                ByteBuffer.wrap(ifr).order(ByteOrder.nativeOrder()).putInt(IFR_MTU, (int)o.mtu);
                dev.ioctl(SIOCSIFMTU, ifr, "SIOCSIFMTU " + o.mtu);
            }
            byte[] ifr = dev.ifreq();
            dev.ioctl(SIOCGIFHWADDR, ifr, "SIOCGIFHWADDR");
            System.arraycopy(ifr, IFR_HWADDR_DATA, dev.mac, 0, 6);
            ifr = dev.ifreq();
            dev.ioctl(SIOCGIFMTU, ifr, "SIOCGIFMTU");
            dev.mtu = ByteBuffer.wrap(ifr).order(ByteOrder.nativeOrder()).getInt(IFR_MTU);
            if (o.promisc)
            {
                try
                {
                    dev.membership(PACKET_ADD_MEMBERSHIP);
                }
                catch (final LastErrorException ex)
                {
                    throw dev.sys.failed("PACKET_ADD_MEMBERSHIP promisc", ex);
                }
                dev.promisc = true;
            }
            return dev;
        }
        catch (final PortException ex)
        {
            dev.close();
            throw ex;
        }
    }

    private void openRx(final RxQueue r, final int q, final AfPacketDriver.Options o, final int fanoutId)
        throws PortException
    {
        final String rxq = "rx queue " + q + ": ";
        // protocol 0 until bound to the interface: the socket sees nothing of other interfaces meanwhile
        r.fd = sys.socket(rxq);
        sys.setInt(r.fd, PACKET_VERSION, TPACKET_V3, rxq + "PACKET_VERSION TPACKET_V3");
        try
        {
            // frames this host sends are not for the data plane (Linux 4.20+; older kernels: filtered by pkttype)
            sys.setInt(r.fd, PACKET_IGNORE_OUTGOING, 1, rxq + "PACKET_IGNORE_OUTGOING");
        }
        catch (final PortException ignored)
        {
            // the receive loop skips PACKET_OUTGOING frames anyway
        }
        final int framesPerBlock = (int)(o.blockSize / o.frameSize);
        final ByteBuffer req = ByteBuffer.allocate(TPACKET_REQ3_SIZE).order(ByteOrder.nativeOrder());
        req.putInt(0, (int)o.blockSize).putInt(4, (int)o.blocks).putInt(8, (int)o.frameSize)
            .putInt(12, (int)o.blocks * framesPerBlock).putInt(16, (int)o.blockTovMs);
        sys.setsockopt(r.fd, PACKET_RX_RING, req.array(), rxq + "PACKET_RX_RING " + o.blocks + "x" + o.blockSize);
        r.blocks = (int)o.blocks;
        r.blockSize = (int)o.blockSize;
        r.size = o.blocks * o.blockSize;
        r.addr = sys.map(r.fd, r.size, rxq);
        r.ring = new Pointer(r.addr).getByteBuffer(0, r.size).order(ByteOrder.nativeOrder());
        sys.bind(r.fd, ETH_P_ALL, rxq);
        if (fanoutId >= 0)
        {
            sys.setInt(r.fd, PACKET_FANOUT, fanoutId | (PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16,
                rxq + "PACKET_FANOUT " + fanoutId);
        }
    }

    private void openTx(final TxQueue t, final int q, final AfPacketDriver.Options o) throws PortException
    {
        final String txq = "tx queue " + q + ": ";
        t.fd = sys.socket(txq);
        sys.setInt(t.fd, PACKET_VERSION, TPACKET_V2, txq + "PACKET_VERSION TPACKET_V2");
        if (o.qdiscBypass)
        {
            sys.setInt(t.fd, PACKET_QDISC_BYPASS, 1, txq + "PACKET_QDISC_BYPASS");
        }
        // a malformed frame is dropped and its slot freed rather than stopping the ring
        sys.setInt(t.fd, PACKET_LOSS, 1, txq + "PACKET_LOSS");
        final int framesPerBlock = (int)(o.blockSize / o.frameSize);
        final int frames = (int)o.blocks * framesPerBlock;
        final ByteBuffer req = ByteBuffer.allocate(TPACKET_REQ_SIZE).order(ByteOrder.nativeOrder());
        req.putInt(0, (int)o.blockSize).putInt(4, (int)o.blocks).putInt(8, (int)o.frameSize).putInt(12, frames);
        sys.setsockopt(t.fd, PACKET_TX_RING, req.array(), txq + "PACKET_TX_RING " + frames + "x" + o.frameSize);
        t.size = o.blocks * o.blockSize;
        t.addr = sys.map(t.fd, t.size, txq);
        t.ring = new Pointer(t.addr).getByteBuffer(0, t.size).order(ByteOrder.nativeOrder());
        t.slots = new int[frames];
        for (int i = 0; i < frames; i++)
        {
            t.slots[i] = (int)((i / framesPerBlock) * o.blockSize + (i % framesPerBlock) * o.frameSize);
        }
        t.maxFrame = (int)o.frameSize - TP2_TX_DATA;
        // protocol 0: bound to the interface for sending, never hooked for receiving
        sys.bind(t.fd, 0, txq);
    }

    private void ioctl(final long request, final byte[] ifr, final String what) throws PortException
    {
        try
        {
            AfPacketLibC.ioctl(controlFd(), request, ifr);
        }
        catch (final LastErrorException ex)
        {
            throw sys.failed(what, ex);
        }
    }

    private void membership(final int op)
    {
        final ByteBuffer mreq = ByteBuffer.allocate(PACKET_MREQ_SIZE).order(ByteOrder.nativeOrder());
        mreq.putInt(0, ifindex).putShort(4, (short)PACKET_MR_PROMISC);
        AfPacketLibC.setsockopt(controlFd(), SOL_PACKET, op, mreq.array(), PACKET_MREQ_SIZE);
    }

    private int controlFd()
    {
        return rx.length > 0 ? rx[0].fd : tx[0].fd;
    }

    private byte[] ifreq()
    {
        final byte[] ifr = new byte[IFREQ_SIZE];
        final byte[] name = iface.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, ifr, 0, Math.min(name.length, IFNAMSIZ - 1));
        return ifr;
    }

    @Override
    public int rxBurst(final int lcoreId, final int queue, final Mbuf[] pkts, final int max)
    {
        final RxQueue r = rx[queue];
        final ByteBuffer ring = r.ring;
        final MbufPool pool = this.pool;
        int n = 0;
        while (n < max)
        {
            if (0 == r.left && !nextBlock(r, ring))
            {
                break;
            }
            final int pos = r.pos;
            final int snaplen = ring.getInt(pos + TP3_SNAPLEN);
            if (PACKET_OUTGOING == ring.get(pos + TP3_SLL + SLL_PKTTYPE))
            {
                consumed(r, ring);
                continue;
            }
            if (snaplen != ring.getInt(pos + TP3_LEN))
            {
                r.errors++; // cut short: larger than a block can take
                consumed(r, ring);
                continue;
            }
            final Mbuf m = pool.alloc(lcoreId);
            if (null == m)
            {
                // the frame stays in the ring for the next burst; if the pool stays empty the ring fills up and
                // the kernel counts the drops (rxMissed)
                r.noMbuf++;
                break;
            }
            final int status = ring.getInt(pos + TP3_STATUS);
            final int len = 0 == (status & TP_STATUS_VLAN_VALID) ? snaplen : snaplen + VLAN_TAG_SIZE;
            if (len > m.array().length - m.offset() || snaplen < ETH_ADDRS_SIZE)
            {
                pool.free(lcoreId, m);
                r.errors++;
                consumed(r, ring);
                continue;
            }
            final int frame = pos + (ring.getShort(pos + TP3_MAC) & 0xffff);
            if (len == snaplen)
            {
                ring.get(frame, m.array(), m.offset(), snaplen);
            }
            else
            {
                copyVlanSlowPath(ring, pos, frame, snaplen, status, m);
            }
            m.length(len).from(port, queue);
            if (0 != (status & TP_STATUS_CSUMNOTREADY))
            {
                // a frame this host sent over a veth or tap: forwarded as it is, its receiver would find a
                // checksum that was never computed
                Ipv4.completeL4Checksum(m);
                r.csumCompleted++;
            }
            pkts[n++] = m;
            consumed(r, ring);
        }
        return n;
    }

    /**
     * Copies a frame whose 802.1Q tag the kernel took off (VLAN offload) and gave in the header, putting the tag
     * back after the MAC addresses as DPDK's af_packet PMD does ({@code rte_vlan_insert}).
     */
    private static void copyVlanSlowPath(final ByteBuffer ring, final int pos, final int frame, final int snaplen,
        final int status, final Mbuf m)
    {
        final byte[] b = m.array();
        final int off = m.offset();
        ring.get(frame, b, off, ETH_ADDRS_SIZE);
        final int tpid = 0 != (status & TP_STATUS_VLAN_TPID_VALID)
            ? ring.getShort(pos + TP3_VLAN_TPID) & 0xffff : ETH_P_8021Q;
        final int tci = ring.getInt(pos + TP3_VLAN_TCI) & 0xffff;
        b[off + ETH_ADDRS_SIZE] = (byte)(tpid >>> 8);
        b[off + ETH_ADDRS_SIZE + 1] = (byte)tpid;
        b[off + ETH_ADDRS_SIZE + 2] = (byte)(tci >>> 8);
        b[off + ETH_ADDRS_SIZE + 3] = (byte)tci;
        ring.get(frame + ETH_ADDRS_SIZE, b, off + ETH_ADDRS_SIZE + VLAN_TAG_SIZE, snaplen - ETH_ADDRS_SIZE);
    }

    /** Takes the next block if the kernel handed it over (acquire: its frames are visible after this). */
    private static boolean nextBlock(final RxQueue r, final ByteBuffer ring)
    {
        while (true)
        {
            final int base = r.block * r.blockSize;
            if (0 == ((int)INT.getAcquire(ring, base + BLOCK_STATUS) & TP_STATUS_USER))
            {
                return false;
            }
            final int count = ring.getInt(base + BLOCK_NUM_PKTS);
            if (count > 0)
            {
                r.left = count;
                r.pos = base + ring.getInt(base + BLOCK_OFFSET_TO_FIRST_PKT);
                return true;
            }
            // a block retired empty by the timer: hand it back, look at the next
            releaseBlock(r, ring, base);
        }
    }

    private static void consumed(final RxQueue r, final ByteBuffer ring)
    {
        if (0 == --r.left)
        {
            releaseBlock(r, ring, r.block * r.blockSize);
        }
        else
        {
            r.pos += ring.getInt(r.pos + TP3_NEXT_OFFSET);
        }
    }

    /** Hands a block back: release, so our reads of it happen before the kernel may write it again. */
    private static void releaseBlock(final RxQueue r, final ByteBuffer ring, final int base)
    {
        INT.setRelease(ring, base + BLOCK_STATUS, TP_STATUS_KERNEL);
        r.left = 0;
        r.block = r.block + 1 == r.blocks ? 0 : r.block + 1;
    }

    @Override
    public int txBurst(final int lcoreId, final int queue, final Mbuf[] pkts, final int n)
    {
        final TxQueue t = tx[queue];
        final ByteBuffer ring = t.ring;
        final int[] slots = t.slots;
        int taken = 0;
        int requested = 0;
        while (taken < n)
        {
            final int slot = slots[t.next];
            if (TP_STATUS_AVAILABLE != (int)INT.getAcquire(ring, slot + TP2_STATUS))
            {
                break; // the kernel still owns it: the ring is full
            }
            final Mbuf m = pkts[taken++];
            final int len = m.length();
            if (len <= t.maxFrame)
            {
                ring.put(slot + TP2_TX_DATA, m.array(), m.offset(), len);
                ring.putInt(slot + TP2_LEN, len);
                INT.setRelease(ring, slot + TP2_STATUS, TP_STATUS_SEND_REQUEST);
                t.next = t.next + 1 == slots.length ? 0 : t.next + 1;
                requested++;
            }
            else
            {
                t.errors++;
            }
            m.pool().free(lcoreId, m);
        }
        if (requested > 0 || t.unkicked)
        {
            // on failure (ENOBUFS, ENETDOWN while the interface is down) the flagged slots stay flagged; the next
            // burst kicks again even if the ring is full and it takes nothing, so they cannot be stranded
            t.unkicked = AfPacketLibC.sendto(t.fd, null, 0, MSG_DONTWAIT, null, 0) < 0;
            if (t.unkicked)
            {
                t.kickFails++;
            }
        }
        return taken;
    }

    @Override
    public String driver()
    {
        return AfPacketDriver.NAME;
    }

    @Override
    public String device()
    {
        return iface;
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
        return rx.length;
    }

    @Override
    public int txQueues()
    {
        return tx.length;
    }

    @Override
    public synchronized boolean linkUp()
    {
        return (flags() & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING);
    }

    @Override
    public synchronized boolean up()
    {
        return (flags() & IFF_UP) != 0;
    }

    private int flags()
    {
        if (closed)
        {
            return 0;
        }
        final byte[] ifr = ifreq();
        try
        {
            AfPacketLibC.ioctl(controlFd(), SIOCGIFFLAGS, ifr);
        }
        catch (final LastErrorException ex)
        {
            return 0;
        }
        return ByteBuffer.wrap(ifr).order(ByteOrder.nativeOrder()).getShort(IFR_FLAGS) & 0xffff;
    }

    @Override
    public boolean promisc()
    {
        return promisc;
    }

    @Override
    public synchronized int promisc(final boolean on)
    {
        if (closed)
        {
            return Edpvs.NOTEXIST;
        }
        if (on == promisc)
        {
            return Edpvs.OK;
        }
        try
        {
            membership(on ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP);
        }
        catch (final LastErrorException ex)
        {
            return Edpvs.SYSCALL;
        }
        promisc = on;
        return Edpvs.OK;
    }

    @Override
    public synchronized int up(final boolean up)
    {
        if (closed)
        {
            return Edpvs.NOTEXIST;
        }
        final byte[] ifr = ifreq();
        final ByteBuffer b = ByteBuffer.wrap(ifr).order(ByteOrder.nativeOrder());
        try
        {
            AfPacketLibC.ioctl(controlFd(), SIOCGIFFLAGS, ifr);
            final int f = b.getShort(IFR_FLAGS) & 0xffff;
            b.putShort(IFR_FLAGS, (short)(up ? f | IFF_UP : f & ~IFF_UP));
            AfPacketLibC.ioctl(controlFd(), SIOCSIFFLAGS, ifr);
        }
        catch (final LastErrorException ex)
        {
            return Edpvs.SYSCALL;
        }
        return Edpvs.OK;
    }

    /** {@inheritDoc} Summed over the receive queues' {@code PACKET_STATISTICS} drops, accumulated. */
    @Override
    public synchronized long rxMissed()
    {
        long n = 0;
        final byte[] st = new byte[TPACKET_STATS_V3_SIZE];
        final int[] len = new int[1];
        for (final RxQueue r : rx)
        {
            if (!closed)
            {
                len[0] = st.length;
                try
                {
                    AfPacketLibC.getsockopt(r.fd, SOL_PACKET, PACKET_STATISTICS, st, len);
                    r.missed += ByteBuffer.wrap(st).order(ByteOrder.nativeOrder()).getInt(STATS_DROPS) & 0xffffffffL;
                }
                catch (final LastErrorException ex)
                {
                    // keep what was accumulated
                }
            }
            n += r.missed;
        }
        return n;
    }

    /** {@inheritDoc} Frames cut short by the ring or larger than a buffer (a moving figure). */
    @Override
    public long rxErrors()
    {
        long n = 0;
        for (final RxQueue r : rx)
        {
            n += r.errors;
        }
        return n;
    }

    /** @return receive bursts that stopped on an empty pool (DPDK's rx_nombuf; a moving figure). */
    long rxNoMbuf()
    {
        long n = 0;
        for (final RxQueue r : rx)
        {
            n += r.noMbuf;
        }
        return n;
    }

    /** @return frames dropped on transmit for being larger than a slot (a moving figure). */
    long txErrors()
    {
        long n = 0;
        for (final TxQueue t : tx)
        {
            n += t.errors;
        }
        return n;
    }

    /** @return its sockets' file descriptors, receive queues first (for tests). */
    int[] fds()
    {
        final int[] fds = new int[rx.length + tx.length];
        for (int i = 0; i < rx.length; i++)
        {
            fds[i] = rx[i].fd;
        }
        for (int i = 0; i < tx.length; i++)
        {
            fds[rx.length + i] = tx[i].fd;
        }
        return fds;
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final RxQueue r : rx)
        {
            if (null != r)
            {
                release(r.fd, r.addr, r.size);
                r.ring = null;
            }
        }
        for (final TxQueue t : tx)
        {
            if (null != t)
            {
                release(t.fd, t.addr, t.size);
                t.ring = null;
            }
        }
    }

    private static void release(final int fd, final long addr, final long size)
    {
        try
        {
            if (MAP_FAILED != addr)
            {
                AfPacketLibC.munmap(addr, size);
            }
        }
        catch (final LastErrorException ignored)
        {
            // nothing more to do with it
        }
        try
        {
            if (fd >= 0)
            {
                AfPacketLibC.close(fd);
            }
        }
        catch (final LastErrorException ignored)
        {
            // nothing more to do with it
        }
    }

    @Override
    public String toString()
    {
        return "af_packet " + iface + " (ifindex " + ifindex + ", " + rx.length + " rx, " + tx.length + " tx, "
            + conf + ")";
    }
}
