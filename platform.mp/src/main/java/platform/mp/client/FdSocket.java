package platform.mp.client;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * A Unix stream socket opened through JNA that carries file descriptors only (SCM_RIGHTS), beside a connection's
 * NIO socket that carries the frames. The JDK's {@code SocketChannel} cannot send or receive ancillary data, and
 * the fds cannot ride on it either: a plain {@code read(2)} of the bytes they are attached to makes the kernel
 * close them, so every read of that socket would have to be a {@code recvmsg} through JNA (its fd is reachable only
 * through {@code sun.nio.ch} internals and {@code --add-opens} in every JVM). Here the frames stay on NIO and this
 * socket is read only when a frame announces fds.
 * <p>
 * Each fd message is {@code u64 seq} (native order) with up to {@link #MAX_FDS} fds in one {@code SCM_RIGHTS}
 * control message; seq counts the fd-carrying frames of one direction, so a receiver tells a frame's fds from
 * another's. The sender writes the fds before the frame, so they are queued when the receiver reads the frame.
 * <p>
 * The Linux LP64 structures, by hand:
 * <pre>
 * struct msghdr  (56): 0 msg_name, 8 msg_namelen (u32), 16 msg_iov, 24 msg_iovlen, 32 msg_control,
 *                      40 msg_controllen, 48 msg_flags (int)
 * struct iovec   (16): 0 iov_base, 8 iov_len
 * struct cmsghdr (16): 0 cmsg_len (size_t), 8 cmsg_level (int), 12 cmsg_type (int), 16 data: int fds[n]
 * struct sockaddr_un (110): 0 sun_family (u16), 2 sun_path[108]
 * </pre>
 * Thread-safe: close() waits for a call in progress, after a shutdown that wakes it (an fd number is never used
 * after it was closed and possibly reused).
 */
public final class FdSocket implements AutoCloseable
{
    /** DPDK's RTE_MP_MAX_FD_NUM. */
    public static final int MAX_FDS = 8;
    private static final int MSGHDR = 56;
    private static final int CMSG_HDR = 16;
    private static final int CONTROL_LEN = CMSG_HDR + MAX_FDS * 4;
    private static final int SUN_PATH_MAX = 107;

    private final int fd;
    private boolean closed;
    private int users;

    private FdSocket(final int fd)
    {
        this.fd = fd;
    }

    /**
     * Opens a file read-only (the fd to pass).
     *
     * @param path the file.
     * @return its fd, which the caller owns.
     * @throws IOException when it cannot be opened.
     */
    static int openRead(final Path path) throws IOException
    {
        final int f = Libc.open(path.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (f < 0)
        {
            throw new IOException("cannot open " + path + ": errno " + Libc.errno());
        }
        return f;
    }

    /**
     * Reads from an fd at its current offset.
     *
     * @param fd  the fd.
     * @param max the most bytes to read.
     * @return what was read (empty at the end).
     * @throws IOException when read(2) fails.
     */
    static byte[] read(final int fd, final int max) throws IOException
    {
        final Memory m = new Memory(Math.max(1, max));
        long n;
        do
        {
            n = Libc.read(fd, m, max);
        }
        while (n < 0 && Libc.EINTR == Libc.errno());
        if (n < 0)
        {
            throw new IOException("read of fd " + fd + ": errno " + Libc.errno());
        }
        return m.getByteArray(0, (int) n);
    }

    /**
     * @param fd an fd this process owns.
     * @return 0, or -1 (errno) when it was not open.
     */
    static int closeFd(final int fd)
    {
        return Libc.close(fd);
    }

    private static Memory address(final Path path) throws IOException
    {
        final byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        if (p.length > SUN_PATH_MAX)
        {
            throw new IOException("socket path over " + SUN_PATH_MAX + " bytes: " + path);
        }
        final Memory a = new Memory(110);
        a.clear();
        a.setShort(0, (short) Libc.AF_UNIX);
        a.write(2, p, 0, p.length);
        return a;
    }

    private static int newSocket() throws IOException
    {
        final int s = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        if (s < 0)
        {
            throw new IOException("socket: errno " + Libc.errno());
        }
        return s;
    }

    /**
     * Binds and listens (mode 0600).
     *
     * @param path the socket's path (replaced when it exists).
     * @return the listening socket.
     * @throws IOException when it cannot be bound.
     */
    public static FdSocket listen(final Path path) throws IOException
    {
        Files.deleteIfExists(path);
        final Memory a = address(path);
        final int s = newSocket();
        if (Libc.bind(s, a, 110) < 0 || Libc.listen(s, 16) < 0)
        {
            final int e = Libc.errno();
            Libc.close(s);
            throw new IOException("cannot listen on " + path + ": errno " + e);
        }
        final FdSocket l = new FdSocket(s);
        try
        {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        }
        catch (final IOException | RuntimeException e)
        {
            l.close();
            throw e;
        }
        return l;
    }

    /**
     * @param path a listening fd socket.
     * @return the connected socket.
     * @throws IOException when it cannot connect.
     */
    public static FdSocket connect(final Path path) throws IOException
    {
        final Memory a = address(path);
        final int s = newSocket();
        if (Libc.connect(s, a, 110) < 0)
        {
            final int e = Libc.errno();
            Libc.close(s);
            throw new IOException("cannot connect to " + path + ": errno " + e);
        }
        return new FdSocket(s);
    }

    /**
     * Blocks for the next connection.
     *
     * @return the accepted socket.
     * @throws IOException when closed or failing.
     */
    public FdSocket accept() throws IOException
    {
        enter();
        try
        {
            while (true)
            {
                final int s = Libc.accept(fd, Pointer.NULL, Pointer.NULL);
                if (s >= 0)
                {
                    return new FdSocket(s);
                }
                if (Libc.EINTR != Libc.errno() || isClosed())
                {
                    throw new IOException("accept: errno " + Libc.errno());
                }
            }
        }
        finally
        {
            leave();
        }
    }

    /**
     * Bounds every later send and receive (a peer that does not read or does not send).
     *
     * @param millis the timeout.
     * @throws IOException when it cannot be set.
     */
    public void timeout(final int millis) throws IOException
    {
        final Memory tv = new Memory(16);
        tv.setLong(0, millis / 1000);
        tv.setLong(8, (millis % 1000) * 1000L);
        if (Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, tv, 16) < 0
            || Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_SNDTIMEO, tv, 16) < 0)
        {
            throw new IOException("setsockopt: errno " + Libc.errno());
        }
    }

    /**
     * Sends one fd message.
     *
     * @param seq the sequence number (or any u64 for the pairing).
     * @param fds 0 to {@link #MAX_FDS} open fds of this process (they stay open here).
     * @throws IOException when it cannot be sent.
     */
    public void send(final long seq, final int[] fds) throws IOException
    {
        final Memory data = new Memory(8);
        data.setLong(0, seq);
        // CMSG_SPACE: the data padded to 8 bytes; cmsg_len is CMSG_LEN, unpadded
        final Memory control = fds.length > 0 ? new Memory(CMSG_HDR + ((fds.length * 4L + 7) & ~7L)) : null;
        if (null != control)
        {
            control.clear();
            control.setLong(0, CMSG_HDR + fds.length * 4L);
            control.setInt(8, Libc.SOL_SOCKET);
            control.setInt(12, Libc.SCM_RIGHTS);
            control.write(CMSG_HDR, fds, 0, fds.length);
        }
        final Memory iov = new Memory(16);
        final Memory msg = header(iov, data, control, null == control ? 0 : (int) control.size());
        enter();
        try
        {
            long n;
            do
            {
                n = Libc.sendmsg(fd, msg, Libc.MSG_NOSIGNAL);
            }
            while (n < 0 && Libc.EINTR == Libc.errno() && !isClosed());
            if (8 != n)
            {
                throw new IOException("sendmsg: " + (n < 0 ? "errno " + Libc.errno() : n + " of 8 bytes"));
            }
        }
        finally
        {
            leave();
            // the native call saw only addresses: keep the buffers alive until it returned
            Reference.reachabilityFence(iov);
            Reference.reachabilityFence(data);
            Reference.reachabilityFence(control);
        }
    }

    /**
     * Receives one fd message, without waiting: the peer sends it before the frame that announces it, so it is
     * queued by the time that frame is read, and the I/O loop, which serves every peer, must not wait for a peer
     * that announced fds it never sent. The fds are this process's from then on.
     *
     * @param seq      the sequence number expected.
     * @param expected how many fds are expected.
     * @return the fds.
     * @throws IOException for an I/O error; {@link MpProtocolException} when the message is not the one expected
     *                     (its fds are closed) or none is queued.
     */
    public int[] receive(final long seq, final int expected) throws IOException
    {
        final Received r = receiveRaw(Libc.MSG_DONTWAIT);
        if (null == r)
        {
            throw new MpProtocolException(MpWire.ERR_PROTOCOL, "a frame announced " + expected
                + " fds, none queued on the fd socket");
        }
        if (seq != r.seq || r.fds.length != expected || 0 != (r.flags & Libc.MSG_CTRUNC))
        {
            closeAll(r.fds);
            throw new MpProtocolException(MpWire.ERR_PROTOCOL, "fd message " + r.seq + " with " + r.fds.length
                + " fds (flags " + r.flags + "), expected " + seq + " with " + expected);
        }
        return r.fds;
    }

    /**
     * Receives a message without fds (the pairing's token).
     *
     * @return its u64.
     * @throws IOException for an I/O error, a timeout or a message with fds (closed).
     */
    public long receiveToken() throws IOException
    {
        final Received r = receiveRaw(0);
        if (r.fds.length > 0)
        {
            closeAll(r.fds);
            throw new MpProtocolException(MpWire.ERR_PROTOCOL, "fds where a token was expected");
        }
        return r.seq;
    }

    private record Received(long seq, int[] fds, int flags)
    {
    }

    /** @return the message, or null when flags has MSG_DONTWAIT and none is queued. */
    private Received receiveRaw(final int flags) throws IOException
    {
        final Memory data = new Memory(8);
        final Memory control = new Memory(CONTROL_LEN);
        control.clear();
        final Memory iov = new Memory(16);
        final Memory msg = header(iov, data, control, CONTROL_LEN);
        enter();
        long n;
        try
        {
            do
            {
                n = Libc.recvmsg(fd, msg, Libc.MSG_CMSG_CLOEXEC | flags);
            }
            while (n < 0 && Libc.EINTR == Libc.errno() && !isClosed());
        }
        finally
        {
            leave();
            Reference.reachabilityFence(iov);
        }
        if (n < 0 && 0 != (flags & Libc.MSG_DONTWAIT) && Libc.EAGAIN == Libc.errno())
        {
            return null;
        }
        if (n <= 0)
        {
            throw new IOException("recvmsg: " + (n < 0 ? "errno " + Libc.errno() : "end of stream"));
        }
        final int[] fds = fdsOf(msg, control);
        if (8 != n)
        {
            // the 8 bytes of one sendmsg arrive together; fewer is not a peer of this protocol
            closeAll(fds);
            throw new MpProtocolException(MpWire.ERR_PROTOCOL, "fd message of " + n + " bytes");
        }
        return new Received(data.getLong(0), fds, msg.getInt(48));
    }

    private static int[] fdsOf(final Memory msg, final Memory control)
    {
        final long controlLen = msg.getLong(40);
        if (controlLen < CMSG_HDR || control.getInt(8) != Libc.SOL_SOCKET || control.getInt(12) != Libc.SCM_RIGHTS)
        {
            return new int[0];
        }
        final int n = (int) Math.min(MAX_FDS, (control.getLong(0) - CMSG_HDR) / 4);
        return control.getIntArray(CMSG_HDR, Math.max(0, n));
    }

    private static Memory header(final Memory iov, final Memory data, final Memory control, final int controlLen)
    {
        iov.setPointer(0, data);
        iov.setLong(8, data.size());
        final Memory msg = new Memory(MSGHDR);
        msg.clear();
        msg.setPointer(16, iov);
        msg.setLong(24, 1);
        if (null != control)
        {
            msg.setPointer(32, control);
            msg.setLong(40, controlLen);
        }
        return msg;
    }

    /**
     * Closes fds this process owns (received ones the receiver does not keep).
     *
     * @param fds the fds.
     */
    public static void closeAll(final int[] fds)
    {
        for (final int f : fds)
        {
            Libc.close(f);
        }
    }

    private synchronized void enter() throws IOException
    {
        if (closed)
        {
            throw new IOException("fd socket closed");
        }
        users++;
    }

    private synchronized void leave()
    {
        users--;
        notifyAll();
    }

    private synchronized boolean isClosed()
    {
        return closed;
    }

    /** Wakes a call in progress (shutdown), waits for it (1 s at most), then closes the fd. Idempotent. */
    @Override
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        Libc.shutdown(fd, Libc.SHUT_RDWR);
        final long deadline = System.nanoTime() + 1_000_000_000L;
        synchronized (this)
        {
            while (users > 0 && System.nanoTime() < deadline)
            {
                try
                {
                    wait(100);
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        Libc.close(fd);
    }
}
