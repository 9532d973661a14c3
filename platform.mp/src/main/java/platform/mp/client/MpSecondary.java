package platform.mp.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import platform.mp.api.MpAction;
import platform.mp.api.MpCallback;
import platform.mp.api.MpException;
import platform.mp.api.MpKind;
import platform.mp.api.MpMessage;
import platform.mp.api.MpRegistration;
import platform.mp.api.MpReply;

/**
 * A secondary process's end of the channel (DPDK's rte_mp in a secondary): attaches to the primary found through
 * the runtime directory's {@code mp.info}, registers actions the primary's requests and messages run, and sends
 * requests and messages to the primary. When the primary goes away, requests waiting for it complete without its
 * reply and the secondary reconnects every {@code reconnectDelay}, announcing its actions again.
 * <pre>
 * try (MpSecondary s = MpSecondary.attach(Path.of("/run/user/0/dplane-mp")))
 * {
 *     s.register("stats", msg -> encode(myStats()));
 *     MpReply r = s.request("version", new byte[0], Duration.ofSeconds(1));
 * }
 * </pre>
 * Thread-safe. Actions run on the secondary's I/O thread ({@code mp-secondary-io}), async callbacks on the secondary's dispatch thread.
 */
public final class MpSecondary extends MpEndpoint implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(MpSecondary.class.getName());
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(5);
    /** Bounds a send or receive on the fd socket (a peer that stopped reading it). */
    static final int FD_TIMEOUT_MS = 5000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Duration reconnectDelay;
    private final Object connectLock = new Object();
    private volatile MpConnection conn;
    private volatile CompletableFuture<byte[]> helloReply;
    private volatile boolean closed;
    private volatile int myId;
    private final SecondaryRegions regions;
    /** Successful (re)connections. */
    public final AtomicLong connects = new AtomicLong();

    private MpSecondary(final Path dir, final int maxParamLen, final Duration reconnectDelay)
    {
        super(maxParamLen, "mp-secondary");
        this.dir = dir;
        this.reconnectDelay = reconnectDelay;
        this.regions = new SecondaryRegions(dir, this::request);
        register(MpRegions.MAP, regions::map, "built-in");
        register(MpRegions.UNMAP, regions::unmap, "built-in");
    }

    /**
     * Asks the primary for a shared region (ALLOC): the primary creates it and has every other secondary map it
     * (rolling back if one does not in time), then this secondary maps it.
     *
     * @param name    1..48 of {@code [A-Za-z0-9._-]}.
     * @param size    bytes, 1..64 MiB.
     * @param timeout how long the primary waits for the other secondaries.
     * @return the mapping, shared with the primary's file and every secondary.
     * @throws MpException with the errno of the failure (EEXIST, EINVAL, ETIMEDOUT when a secondary did not map it,
     *                     ENOTCONN when the primary did not answer).
     */
    public MappedByteBuffer alloc(final String name, final int size, final Duration timeout)
    {
        return regions.alloc(name, size, timeout);
    }

    /**
     * Maps an existing region (LOOKUP), for a secondary that attached after it was allocated (DPDK's secondaries
     * find the primary's memory the same way): the primary's own regions (its bundles', and {@code mp.stats}) and
     * those other secondaries allocated.
     *
     * @param name    the region.
     * @param timeout how long to wait for the primary.
     * @return this secondary's mapping of it (also {@link #region(String)} from then on).
     * @throws MpException ENOENT when there is no such region, EIO when it cannot be mapped, ENOTCONN.
     */
    public MappedByteBuffer lookup(final String name, final Duration timeout)
    {
        return regions.lookup(name, timeout);
    }

    /**
     * Frees a shared region (FREE): the primary asks every other secondary to forget it and removes its file.
     *
     * @param name    the region.
     * @param timeout how long the primary waits for the other secondaries.
     * @throws MpException ENOENT when there is no such region, ENOTCONN when the primary did not answer.
     */
    public void free(final String name, final Duration timeout)
    {
        regions.free(name, timeout);
    }

    /**
     * Reads the primary's counters from its statistics region ({@value MpStats#REGION}), with no request: the
     * channel's, then the platform's (lcores, message types, sockopt ranges; see the module's README). The region is
     * mapped once per primary (again after the primary restarted).
     *
     * @return counter name to value (peers, attached, msgs_in, msgs_out, protocol_errors, ...).
     * @throws MpException EIO when the region cannot be mapped.
     */
    public Map<String, Long> stats()
    {
        return regions.stats();
    }

    /**
     * @param name a region.
     * @return this secondary's mapping of it, or null.
     */
    public MappedByteBuffer region(final String name)
    {
        return regions.region(name);
    }

    /**
     * Attaches to the primary of a runtime directory, reconnecting every 200 ms when it goes away.
     *
     * @param dir the primary's runtime directory.
     * @return the attached secondary.
     * @throws IOException when there is no primary or it speaks another protocol version.
     */
    public static MpSecondary attach(final Path dir) throws IOException
    {
        return attach(dir, Duration.ofMillis(200));
    }

    /**
     * @param dir            the primary's runtime directory.
     * @param reconnectDelay between reconnection attempts.
     * @return the attached secondary.
     * @throws IOException when there is no primary or it speaks another protocol version.
     */
    public static MpSecondary attach(final Path dir, final Duration reconnectDelay) throws IOException
    {
        final MpRuntimeInfo info = MpRuntimeInfo.read(dir);
        checkVersion(info);
        final MpSecondary s = new MpSecondary(dir, info.maxParamLen(), reconnectDelay);
        try
        {
            s.connect(info);
        }
        catch (final IOException | RuntimeException e)
        {
            s.close();
            throw e;
        }
        return s;
    }

    private static void checkVersion(final MpRuntimeInfo info) throws IOException
    {
        if (MpWire.VERSION != info.version())
        {
            throw new IOException("the primary (pid " + info.pid() + ") speaks protocol version " + info.version()
                + ", this client " + MpWire.VERSION);
        }
    }

    private void connect(final MpRuntimeInfo info) throws IOException
    {
        synchronized (connectLock)
        {
            if (closed)
            {
                throw new IOException("closed");
            }
            final SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try
            {
                ch.connect(UnixDomainSocketAddress.of(info.socket()));
            }
            catch (final IOException e)
            {
                ch.close();
                throw e;
            }
            final MpConnection c;
            try
            {
                c = new MpConnection(ch, maxParamLen, new ConnListener(), io);
            }
            catch (final UncheckedIOException e)
            {
                ch.close();
                throw e.getCause();
            }
            final CompletableFuture<byte[]> hello = new CompletableFuture<>();
            helloReply = hello;
            c.start();
            // HELLO: pid, and the token this secondary will show on the primary's fd socket (0: no fds)
            final long token = null != info.fdSocket() && MpFds.available() ? RANDOM.nextLong() | 1 : 0;
            c.write(MpKind.HELLO, 0, new byte[0], ByteBuffer.allocate(16).putLong(0, ProcessHandle.current().pid())
                .putLong(8, token).array());
            if (0 != token)
            {
                pairFds(c, info.fdSocket(), token);
            }
            final int id;
            try
            {
                final byte[] h = hello.get(HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                id = ByteBuffer.wrap(h).getInt(0);
                if (h.length < 5 || 0 == (h[4] & MpWire.HELLO_FDS))
                {
                    c.detachFds();
                }
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                c.close();
                throw new IOException("interrupted attaching", e);
            }
            catch (final ExecutionException | TimeoutException e)
            {
                c.close();
                throw new IOException("no HELLO from the primary at " + info.socket() + ": " + e.getMessage(), e);
            }
            // on this side the connection's peer is the primary (peer 0 in MpMessage)
            c.hello(0, info.pid());
            myId = id;
            conn = c;
            for (final String name : actionNames())
            {
                announce(c, name, true);
            }
            connects.incrementAndGet();
        }
    }

    private void pairFds(final MpConnection c, final Path fdPath, final long token)
    {
        try
        {
            final FdSocket s = FdSocket.connect(fdPath);
            s.timeout(FD_TIMEOUT_MS);
            // attached before the token goes: the primary may send fds as soon as it has paired
            c.attachFds(s);
            s.send(token, Frame.NO_FDS);
        }
        catch (final IOException | RuntimeException e)
        {
            c.detachFds();
            warn("no fd passing with the primary: " + e.getMessage(), null);
        }
    }

    /**
     * @return true when file descriptors can be passed to and from the primary (both JVMs have JNA).
     */
    public boolean passesFds()
    {
        final MpConnection c = conn;
        return null != c && c.passesFds();
    }

    private List<MpConnection> fdTargets(final int[] fds)
    {
        final List<MpConnection> t = targets();
        if (fds.length > 0 && !t.isEmpty() && !t.get(0).passesFds())
        {
            throw new MpException(MpException.NOT_SUPPORTED, "the primary takes no fds from this secondary ("
                + (MpFds.available() ? "the primary has no JNA" : MpFds.unavailableReason()) + ")");
        }
        return t;
    }

    /**
     * Sends a one-way MSG with file descriptors to the primary (SCM_RIGHTS; the primary gets copies, they stay
     * open here).
     *
     * @param name   the name.
     * @param params the params.
     * @param fds    at most 8 open fds.
     * @return true when written.
     * @throws MpException EINVAL for more than 8, ENOTSUP when fds cannot be passed ({@link #passesFds()}).
     */
    public boolean send(final String name, final byte[] params, final int[] fds)
    {
        final int[] f = MpFds.checked(fds);
        return 1 == sendTo(name, params, f, fdTargets(f));
    }

    /**
     * Requests the primary with file descriptors and waits; the reply's fds belong to the caller.
     *
     * @param name    the name.
     * @param params  the params.
     * @param timeout how long to wait.
     * @param fds     at most 8 open fds (they stay open here).
     * @return what arrived.
     * @throws MpException as {@link #send(String, byte[], int[])}.
     */
    public MpReply request(final String name, final byte[] params, final Duration timeout, final int[] fds)
    {
        final int[] f = MpFds.checked(fds);
        return requestSync(name, params, f, timeout, fdTargets(f));
    }

    private void announce(final MpConnection c, final String name, final boolean added)
    {
        c.write(MpKind.ANNOUNCE, 0, MpWire.nameBytes(name), new byte[] {(byte) (added ? 1 : 0)});
    }

    /**
     * Registers an action run for the primary's MSG and REQ of this name.
     *
     * @param name   1 to 64 bytes.
     * @param action the action.
     * @return the handle; closing it unregisters.
     */
    public MpRegistration register(final String name, final MpAction action)
    {
        return register(name, action, "secondary pid " + ProcessHandle.current().pid());
    }

    @Override
    protected void onRegistered(final String name, final boolean added)
    {
        final MpConnection c = conn;
        if (null != c)
        {
            announce(c, name, added);
        }
    }

    /**
     * Sends a one-way MSG to the primary.
     *
     * @param name   the name.
     * @param params the params.
     * @return true when written.
     */
    public boolean send(final String name, final byte[] params)
    {
        return 1 == sendTo(name, params, targets());
    }

    /**
     * Requests the primary and waits ({@code rte_mp_request_sync} from a secondary): nbSent is 1 (0 when not
     * connected or the primary answered IGN), nbReceived 1 with the reply, or 0 on timeout or disconnection.
     *
     * @param name    the name.
     * @param params  the params.
     * @param timeout how long to wait.
     * @return what arrived.
     */
    public MpReply request(final String name, final byte[] params, final Duration timeout)
    {
        return requestSync(name, params, timeout, targets());
    }

    /**
     * As {@link #request} without waiting; the callback runs exactly once on the dispatch thread.
     *
     * @param name     the name.
     * @param params   the params.
     * @param timeout  how long to wait.
     * @param callback run once with what arrived.
     */
    public void requestAsync(final String name, final byte[] params, final Duration timeout,
        final MpCallback callback)
    {
        requestAsync(name, params, timeout, targets(), callback);
    }

    /**
     * As {@link #requestAsync(String, byte[], Duration, MpCallback)} with file descriptors; the reply's fds belong
     * to the callback.
     *
     * @param name     the name.
     * @param params   the params.
     * @param timeout  how long to wait.
     * @param fds      at most 8 open fds (they stay open here).
     * @param callback run once with what arrived.
     * @throws MpException as {@link #send(String, byte[], int[])}.
     */
    public void requestAsync(final String name, final byte[] params, final Duration timeout, final int[] fds,
        final MpCallback callback)
    {
        final int[] f = MpFds.checked(fds);
        requestAsync(name, params, f, timeout, fdTargets(f), callback);
    }

    private List<MpConnection> targets()
    {
        final MpConnection c = conn;
        return null == c || c.isClosed() ? List.of() : List.of(c);
    }

    /**
     * @return true while attached to a primary.
     */
    public boolean connected()
    {
        final MpConnection c = conn;
        return null != c && !c.isClosed();
    }

    /**
     * @return the id the primary gave this secondary on its current connection, 0 when not connected.
     */
    public int id()
    {
        return connected() ? myId : 0;
    }

    @Override
    protected void onControl(final MpConnection c, final Frame f)
    {
        switch (f.kind())
        {
            case HELLO ->
            {
                final CompletableFuture<byte[]> h = helloReply;
                if (null != h && f.params().length >= 4)
                {
                    h.complete(f.params());
                }
            }
            case ERROR ->
            {
                protocolErrors.incrementAndGet();
                warn("the primary refused this secondary: error " + f.errorCode() + ": " + f.errorText(), null);
            }
            default -> warn("unexpected " + f.kind() + " from the primary", null);
        }
    }

    private void scheduleReconnect()
    {
        if (closed)
        {
            return;
        }
        try
        {
            timer.schedule(this::reconnect, reconnectDelay.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final RejectedExecutionException e)
        {
            // closing
        }
    }

    private void reconnect()
    {
        if (closed || connected())
        {
            return;
        }
        try
        {
            final MpRuntimeInfo info = MpRuntimeInfo.read(dir);
            checkVersion(info);
            connect(info);
            LOG.log(System.Logger.Level.INFO, "reattached to the primary (pid " + info.pid() + ") as id " + id());
        }
        catch (final IOException | RuntimeException e)
        {
            scheduleReconnect();
        }
    }

    @Override
    protected void warn(final String message, final Throwable t)
    {
        LOG.log(System.Logger.Level.WARNING, message, t);
    }

    /** Detaches: pending requests complete with what arrived, no reconnection, threads stopped. */
    @Override
    public void close()
    {
        closed = true;
        final MpConnection c = conn;
        if (null != c)
        {
            c.close();
        }
        shutdownEndpoint();
    }

    private final class ConnListener implements MpConnection.Listener
    {
        @Override
        public void onFrame(final MpConnection c, final Frame f)
        {
            route(c, f);
        }

        @Override
        public void onProtocolError(final MpConnection c, final MpProtocolException e)
        {
            protocolErrors.incrementAndGet();
            warn("bad frame from the primary: " + e.getMessage(), null);
        }

        @Override
        public void onClosed(final MpConnection c)
        {
            peerGone(c);
            final CompletableFuture<byte[]> h = helloReply;
            if (null != h)
            {
                h.completeExceptionally(new IOException("connection closed"));
            }
            // only an established connection reconnects; a failed first attach is the caller's to report
            if (c == conn)
            {
                scheduleReconnect();
            }
        }
    }
}
