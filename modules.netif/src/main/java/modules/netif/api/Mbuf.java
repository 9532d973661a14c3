package modules.netif.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A packet buffer from a pool, in the manner of DPDK's {@code rte_mbuf}: one byte array with room before the
 * data (headroom, for headers pushed in front), the data's offset and length, and the port and queue it arrived
 * on. Owned by one thread at a time: whoever holds it reads and writes it without synchronisation and hands it on
 * (to a port's transmit, to another lcore's ring) or frees it.
 *
 * <pre>
 *  0            off                       off + len                 capacity
 *  +------------+--------------------------+-------------------------+
 *  |  headroom  |  packet data (frame)     |  tailroom               |
 *  +------------+--------------------------+-------------------------+
 * </pre>
 * Offsets given to the accessors are relative to the start of the data; multi-byte values are in network order
 * (big-endian), as on the wire.
 */
public final class Mbuf
{
    /** Room before the data of a freshly allocated buffer, as DPDK's {@code RTE_PKTMBUF_HEADROOM}. */
    public static final int HEADROOM = 128;

    private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final byte[] buf;
    private final MbufPool pool;
    private final int index;
    private int off = HEADROOM;
    private int len;
    private int port;
    private int queue;
    private int l3Offset;
    /** Set by the pool: true while the buffer is in the pool, so a double free is caught. */
    boolean free = true;

    /**
     * @param pool     the pool it returns to.
     * @param index    its index in the pool.
     * @param capacity the byte array's size, headroom included.
     */
    Mbuf(final MbufPool pool, final int index, final int capacity)
    {
        this.pool = pool;
        this.index = index;
        this.buf = new byte[capacity];
    }

    /** @return the byte array; the data starts at {@link #offset()}. */
    public byte[] array()
    {
        return buf;
    }

    /** @return where the data starts in {@link #array()}. */
    public int offset()
    {
        return off;
    }

    /** @return the data's length in bytes. */
    public int length()
    {
        return len;
    }

    /** @return the most data the buffer can hold after the headroom of a fresh buffer. */
    public int dataRoom()
    {
        return buf.length - HEADROOM;
    }

    /**
     * @param offset where the data starts in {@link #array()}.
     * @param length the data's length.
     * @return this.
     * @throws IndexOutOfBoundsException when the data would not fit the array.
     */
    public Mbuf data(final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset + length > buf.length)
        {
            throw new IndexOutOfBoundsException("data " + offset + "+" + length + " in a buffer of " + buf.length);
        }
        this.off = offset;
        this.len = length;
        return this;
    }

    /**
     * Sets the length of the data, keeping its start ({@code rte_pktmbuf_append}/{@code trim}).
     *
     * @param length the new length.
     * @return this.
     */
    public Mbuf length(final int length)
    {
        return data(off, length);
    }

    /**
     * Strips bytes from the front ({@code rte_pktmbuf_adj}).
     *
     * @param n bytes.
     * @return this.
     */
    public Mbuf adj(final int n)
    {
        return data(off + n, len - n);
    }

    /**
     * Makes room for bytes in front of the data ({@code rte_pktmbuf_prepend}).
     *
     * @param n bytes.
     * @return this.
     */
    public Mbuf prepend(final int n)
    {
        return data(off - n, len + n);
    }

    /** @return the port it arrived on (or is to leave by). */
    public int port()
    {
        return port;
    }

    /** @return the queue it arrived on. */
    public int queue()
    {
        return queue;
    }

    /**
     * @param port  the port.
     * @param queue the queue.
     * @return this.
     */
    public Mbuf from(final int port, final int queue)
    {
        this.port = port;
        this.queue = queue;
        return this;
    }

    /** @return where the network header starts, relative to the data (set by the receive path). */
    public int l3Offset()
    {
        return l3Offset;
    }

    /**
     * @param offset where the network header starts, relative to the data.
     * @return this.
     */
    public Mbuf l3Offset(final int offset)
    {
        this.l3Offset = offset;
        return this;
    }

    /**
     * @param i offset in the data.
     * @return the unsigned byte there.
     */
    public int u8(final int i)
    {
        return buf[off + i] & 0xff;
    }

    /**
     * @param i offset in the data.
     * @return the unsigned 16-bit value there, in network order.
     */
    public int u16(final int i)
    {
        return (short)U16.get(buf, off + i) & 0xffff;
    }

    /**
     * @param i offset in the data.
     * @return the 32-bit value there, in network order.
     */
    public int u32(final int i)
    {
        return (int)U32.get(buf, off + i);
    }

    /**
     * @param i offset in the data.
     * @param v the byte.
     */
    public void put8(final int i, final int v)
    {
        buf[off + i] = (byte)v;
    }

    /**
     * @param i offset in the data.
     * @param v the 16-bit value, written in network order.
     */
    public void put16(final int i, final int v)
    {
        U16.set(buf, off + i, (short)v);
    }

    /**
     * @param i offset in the data.
     * @param v the 32-bit value, written in network order.
     */
    public void put32(final int i, final int v)
    {
        U32.set(buf, off + i, v);
    }

    /** @return the pool it belongs to. */
    public MbufPool pool()
    {
        return pool;
    }

    /** @return its index in its pool (stable for the buffer's life). */
    public int index()
    {
        return index;
    }

    /** Resets the buffer for its next use: the headroom, no data, no port. */
    void reset()
    {
        off = HEADROOM;
        len = 0;
        port = 0;
        queue = 0;
        l3Offset = 0;
    }

    @Override
    public String toString()
    {
        return "mbuf#" + index + "[port " + port + " queue " + queue + " " + len + " bytes]";
    }
}
