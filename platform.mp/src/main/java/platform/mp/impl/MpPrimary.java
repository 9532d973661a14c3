package platform.mp.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.common.LogLimiter;
import platform.mp.api.MpActionInfo;
import platform.mp.api.MpCallback;
import platform.mp.api.MpKind;
import platform.mp.api.MpPeerInfo;
import platform.mp.api.MpReply;
import platform.mp.client.Frame;
import platform.mp.client.MpConnection;
import platform.mp.client.MpEndpoint;
import platform.mp.client.MpFds;
import platform.mp.client.MpProtocolException;
import platform.mp.client.MpRegions;
import platform.mp.client.MpRuntimeInfo;
import platform.mp.client.MpStats;
import platform.mp.client.MpWire;

/**
 * The primary's end of the channel, without OSGi (the component wraps it; tests use it as is): a listening
 * Unix-domain socket in the runtime directory, the runtime information file next to it, the endpoint's one I/O
 * thread for every attached secondary (which also runs the actions of what it reads) and its dispatch thread (async
 * callbacks).
 * <p>
 * A secondary's first frame must be HELLO (its pid); the primary answers HELLO with the id it gives it. A peer
 * that sends garbage, an oversized frame or another protocol version gets an ERROR and is closed, counted and
 * logged (rate-limited); the others are not affected.
 */
public final class MpPrimary extends MpEndpoint implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(MpPrimary.class);

    final Path dir;
    final Path socket;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Map<Integer, MpConnection> peers = new ConcurrentHashMap<>();
    private final AtomicInteger nextPeerId = new AtomicInteger();
    private final LogLimiter badPeerLog = new LogLimiter(TimeUnit.SECONDS.toNanos(5));
    private volatile boolean closed;
    /** The fd socket's listener (null: this JVM passes no fds) and the HELLOs waiting for their fd socket. */
    private final FdPairing fds;
    /** The channel's counters, first in the {@value MpStats#REGION} region, in this order (then the platform's). */
    static final String[] STATS = {"peers", "attached", "msgs_in", "msgs_out", "protocol_errors", "unknown_actions",
        "action_errors", "late_replies", "timeouts", "pending_requests", "regions", "slow_peers"};
    /** Counters of the platform that did not fit in the region. */
    static final String STATS_TRUNCATED = "stats.truncated";
    /** How often the statistics region is refreshed. */
    static final long STATS_PERIOD_MS = 100;
    /** Entries the statistics region holds (56 bytes each: 56 KiB); counters past it are counted, not shown. */
    static final int STATS_CAPACITY = 1024;
    private final MappedByteBuffer stats;
    private final long[] statValues = new long[STATS.length];
    /** The platform's counters (lcores, messages, sockopts), set by the component; empty without OSGi. */
    final PlatformCounters platform = new PlatformCounters();
    private String[] statNames = new String[0];
    private long[] statAll = new long[0];
    /** Shared regions (ALLOC / FREE from secondaries). */
    final RegionManager regions;
    /** Secondaries attached since start. */
    final AtomicLong attached = new AtomicLong();

    /**
     * Binds the socket and writes the info file.
     *
     * @param dir         the runtime directory (created when missing).
     * @param maxParamLen the longest params accepted.
     * @throws IOException when the socket cannot be bound, or another primary serves the directory.
     */
    MpPrimary(final Path dir, final int maxParamLen) throws IOException
    {
        super(maxParamLen, "mp-primary");
        this.dir = dir;
        this.socket = dir.resolve(MpRuntimeInfo.SOCKET_NAME);
        Files.createDirectories(dir);
        removeStaleSocket();
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            server.bind(UnixDomainSocketAddress.of(socket));
            // owner only, as DPDK's runtime directory: a secondary must run as the same user
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            this.fds = FdPairing.open(dir, timer, protocolErrors);
            new MpRuntimeInfo(ProcessHandle.current().pid(), MpWire.VERSION, socket, maxParamLen,
                System.currentTimeMillis(), null == fds ? null : fds.path()).write(dir);
        }
        catch (final IOException | RuntimeException e)
        {
            server.close();
            closeFds();
            shutdownEndpoint();
            throw e;
        }
        this.regions = new RegionManager(this);
        registerDeferred(MpRegions.ALLOC, regions::alloc);
        registerDeferred(MpRegions.FREE, regions::free);
        registerDeferred(MpRegions.LOOKUP, regions::lookup);
        try
        {
            this.stats = regions.createOwn(MpStats.REGION, MpStats.size(STATS_CAPACITY));
        }
        catch (final IOException e)
        {
            server.close();
            closeFds();
            shutdownEndpoint();
            throw e;
        }
        MpStats.format(stats, STATS);
        timer.scheduleAtFixedRate(this::publishStats, 0, STATS_PERIOD_MS, TimeUnit.MILLISECONDS);
        this.acceptor = new Thread(this::acceptLoop, "mp-primary-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("multi-process channel on {} (max params {} bytes, fds {})", socket, maxParamLen,
            null == fds ? "not passed: " + MpFds.unavailableReason() : "passed");
    }

    private void closeFds()
    {
        if (null != fds)
        {
            fds.close();
        }
    }

    private void removeStaleSocket() throws IOException
    {
        if (!Files.exists(socket))
        {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new IOException("another primary serves " + socket);
        }
        catch (final IOException e)
        {
            if (e.getMessage() != null && e.getMessage().startsWith("another primary"))
            {
                throw e;
            }
            // nobody listens: a socket left by a primary that died
            Files.deleteIfExists(socket);
        }
    }

    private void acceptLoop()
    {
        while (!closed)
        {
            try
            {
                final SocketChannel ch = server.accept();
                final MpConnection c;
                try
                {
                    c = new MpConnection(ch, maxParamLen, new PeerListener(), io);
                }
                catch (final UncheckedIOException e)
                {
                    // cannot be made non-blocking: refuse this one, keep accepting
                    ch.close();
                    LOG.warn("cannot serve a secondary on {}: {}", socket, e.getCause().getMessage());
                    continue;
                }
                c.start();
            }
            catch (final ClosedChannelException e)
            {
                return;
            }
            catch (final IOException e)
            {
                if (!closed)
                {
                    LOG.warn("accept failed on {}", socket, e);
                }
            }
        }
    }

    int send(final String name, final byte[] params)
    {
        return sendTo(name, params, peerList());
    }

    int publish(final String name, final byte[] params)
    {
        final List<MpConnection> subscribers = new ArrayList<>();
        for (final MpConnection c : peers.values())
        {
            if (c.announced.contains(name))
            {
                subscribers.add(c);
            }
        }
        return sendTo(name, params, subscribers);
    }

    MpReply request(final String name, final byte[] params, final Duration timeout)
    {
        return requestSync(name, params, timeout, peerList());
    }

    int send(final String name, final byte[] params, final int[] fds)
    {
        return sendTo(name, params, MpFds.checked(fds), peerList());
    }

    MpReply request(final String name, final byte[] params, final Duration timeout, final int[] fds)
    {
        return requestSync(name, params, MpFds.checked(fds), timeout, peerList());
    }

    void requestAsync(final String name, final byte[] params, final Duration timeout, final int[] fds,
        final MpCallback callback)
    {
        requestAsync(name, params, MpFds.checked(fds), timeout, peerList(), callback);
    }

    void requestAsync(final String name, final byte[] params, final Duration timeout, final MpCallback callback)
    {
        requestAsync(name, params, timeout, peerList(), callback);
    }

    /** Refreshes the statistics region (timer thread; the only writer). */
    void publishStats()
    {
        try
        {
            writeStats();
        }
        catch (final RuntimeException e)
        {
            // a periodic task that throws is not run again: log and keep going
            LOG.warn("statistics region not updated", e);
        }
    }

    private void writeStats()
    {
        long in = 0;
        long out = 0;
        for (final MpConnection c : peers.values())
        {
            in += c.msgsIn.get();
            out += c.msgsOut.get();
        }
        final long[] v = statValues;
        v[0] = peers.size();
        v[1] = attached.get();
        v[2] = in;
        v[3] = out;
        v[4] = protocolErrors.get();
        v[5] = unknownActions.get();
        v[6] = actionErrors.get();
        v[7] = lateReplies.get();
        v[8] = timeouts.get();
        v[9] = pendingRequests();
        v[10] = regions.list().size();
        v[11] = slowPeers.get();
        final Map<String, Long> all = new LinkedHashMap<>();
        for (int i = 0; i < STATS.length; i++)
        {
            all.put(STATS[i], v[i]);
        }
        // a placeholder keeps its place after the channel's counters; its value is known once the rest is in
        all.put(STATS_TRUNCATED, 0L);
        platform.collect(all);
        final int n = Math.min(all.size(), STATS_CAPACITY);
        all.put(STATS_TRUNCATED, (long) (all.size() - n));
        if (statNames.length != all.size())
        {
            statNames = new String[all.size()];
            statAll = new long[all.size()];
        }
        int i = 0;
        for (final Map.Entry<String, Long> e : all.entrySet())
        {
            statNames[i] = e.getKey();
            statAll[i++] = e.getValue();
        }
        MpStats.update(stats, statNames, statAll, n);
    }

    List<MpConnection> peersExcept(final MpConnection c)
    {
        final List<MpConnection> l = peerList();
        l.remove(c);
        return l;
    }

    MpReply requestTo(final String name, final byte[] params, final Duration timeout, final List<MpConnection> to)
    {
        return requestSync(name, params, timeout, to);
    }

    void replyTo(final MpConnection c, final Frame f, final byte[] params)
    {
        reply(c, f, params);
    }

    List<MpConnection> peerList()
    {
        return new ArrayList<>(peers.values());
    }

    /**
     * @return the attached secondaries' connections, by id (for mp:peers).
     */
    List<MpConnection> connections()
    {
        final List<MpConnection> l = peerList();
        l.sort(Comparator.comparingInt(MpConnection::peerId));
        return l;
    }

    List<MpPeerInfo> peers()
    {
        final List<MpPeerInfo> l = new ArrayList<>();
        for (final MpConnection c : peers.values())
        {
            l.add(new MpPeerInfo(c.peerId(), c.pid(), c.sinceMillis, c.msgsIn.get(), c.msgsOut.get()));
        }
        l.sort(Comparator.comparingInt(MpPeerInfo::id));
        return l;
    }

    List<MpActionInfo> actions()
    {
        final List<MpActionInfo> l = localActions();
        for (final MpConnection c : peers.values())
        {
            for (final String n : c.announced)
            {
                l.add(new MpActionInfo(n, "secondary " + c.peerId() + " (pid " + c.pid() + ")"));
            }
        }
        l.sort(Comparator.comparing(MpActionInfo::name).thenComparing(MpActionInfo::owner));
        return l;
    }

    int maxParamLen()
    {
        return maxParamLen;
    }

    @Override
    protected void onControl(final MpConnection c, final Frame f)
    {
        switch (f.kind())
        {
            case ANNOUNCE ->
            {
                if (f.params().length > 0 && 0 != f.params()[0])
                {
                    c.announced.add(f.name());
                }
                else
                {
                    c.announced.remove(f.name());
                }
            }
            case ERROR -> LOG.warn("secondary {} reports error {}: {}", c.peerId(), f.errorCode(), f.errorText());
            default -> refuse(c, new MpProtocolException(MpWire.ERR_PROTOCOL, "unexpected " + f.kind()));
        }
    }

    private void refuse(final MpConnection c, final MpProtocolException e)
    {
        // called on the loop's thread (from onFrame)
        badPeer(c, e);
        c.closeWithError(e);
    }

    private void badPeer(final MpConnection c, final MpProtocolException e)
    {
        protocolErrors.incrementAndGet();
        final long left = badPeerLog.admit(System.nanoTime());
        if (left >= 0)
        {
            LOG.warn("closed {}: {}{}", c.helloDone() ? "secondary " + c.peerId() + " (pid " + c.pid() + ")"
                : "a peer before its HELLO", e.getMessage(), LogLimiter.suppressedNote(left));
        }
    }

    @Override
    protected void warn(final String message, final Throwable t)
    {
        LOG.warn(message, t);
    }

    /** Closes every connection (pending requests complete with what arrived) and removes the socket and info. */
    @Override
    public void close()
    {
        closed = true;
        closeFds();
        try
        {
            server.close();
        }
        catch (final IOException e)
        {
            LOG.debug("closing {}", socket, e);
        }
        for (final MpConnection c : peerList())
        {
            c.close();
        }
        shutdownEndpoint();
        regions.removeAll();
        try
        {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir.resolve(MpRuntimeInfo.FD_SOCKET_NAME));
            Files.deleteIfExists(dir.resolve(MpRuntimeInfo.FILE_NAME));
        }
        catch (final IOException e)
        {
            LOG.warn("could not remove {} from {}", MpRuntimeInfo.FILE_NAME, dir, e);
        }
        try
        {
            acceptor.join(1000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    private final class PeerListener implements MpConnection.Listener
    {
        @Override
        public void onFrame(final MpConnection c, final Frame f)
        {
            if (!c.helloDone())
            {
                if (MpKind.HELLO != f.kind() || f.params().length < 8)
                {
                    refuse(c, new MpProtocolException(MpWire.ERR_PROTOCOL, "expected HELLO first, got " + f.kind()));
                    return;
                }
                final int id = nextPeerId.incrementAndGet();
                c.hello(id, ByteBuffer.wrap(f.params()).getLong(0));
                final long token = f.params().length >= 16 ? ByteBuffer.wrap(f.params()).getLong(8) : 0;
                if (null == fds || 0 == token)
                {
                    welcome(c, false);
                    return;
                }
                // the fd socket may come later: nothing more is read from this secondary until it did (or 2 s
                // passed), and the loop serves the others meanwhile
                c.pauseReads();
                fds.pair(c, token, paired -> welcome(c, paired));
                return;
            }
            route(c, f);
        }

        /** Answers the HELLO (on the loop's thread, or the fd socket's or the timer's when it waited for it). */
        private void welcome(final MpConnection c, final boolean paired)
        {
            if (closed)
            {
                c.close();
                return;
            }
            final int id = c.peerId();
            peers.put(id, c);
            if (c.isClosed())
            {
                // closed while its fd socket was awaited: onClosed may have run before the put
                peers.remove(id, c);
                return;
            }
            attached.incrementAndGet();
            c.write(MpKind.HELLO, 0, new byte[0], ByteBuffer.allocate(5).putInt(0, id)
                .put(4, (byte) (paired ? MpWire.HELLO_FDS : 0)).array());
            LOG.info("secondary {} attached (pid {})", id, c.pid());
            c.resumeReads();
        }

        @Override
        public void onProtocolError(final MpConnection c, final MpProtocolException e)
        {
            badPeer(c, e);
        }

        @Override
        public void onSlowPeer(final MpConnection c)
        {
            slowPeers.incrementAndGet();
            final long left = badPeerLog.admit(System.nanoTime());
            if (left >= 0)
            {
                LOG.warn("closed secondary {} (pid {}): it took nothing from its full send queue ({} frames) for {} ms{}",
                    c.peerId(), c.pid(), MpConnection.MAX_BACKLOG, MpConnection.SLOW_PEER_MS,
                    LogLimiter.suppressedNote(left));
            }
        }

        @Override
        public void onClosed(final MpConnection c)
        {
            if (c.helloDone() && peers.remove(c.peerId(), c))
            {
                LOG.info("secondary {} (pid {}) detached", c.peerId(), c.pid());
            }
            peerGone(c);
        }
    }
}
