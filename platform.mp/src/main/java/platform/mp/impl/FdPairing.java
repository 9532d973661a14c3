package platform.mp.impl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.mp.client.FdSocket;
import platform.mp.client.MpConnection;
import platform.mp.client.MpFds;
import platform.mp.client.MpRuntimeInfo;

/**
 * The primary's fd socket ({@code <dir>/mp_fd_socket}, {@link FdSocket}): a secondary that passes fds connects to
 * it after its HELLO and sends the token its HELLO carried; the primary pairs that socket with the connection when
 * it comes (2 s at most; the HELLO is answered then, and the loop reads nothing more from that secondary meanwhile). Whichever of the two comes first makes the rendezvous; a token no HELLO
 * claims in time is dropped. Thread: {@code mp-primary-fd-accept}.
 */
final class FdPairing implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(FdPairing.class);
    /** Sends and receives on an fd socket. */
    private static final int FD_TIMEOUT_MS = 5000;
    /**
     * How long a HELLO waits for its fd socket (a local connect and 8 bytes take milliseconds); well under the
     * secondary's HELLO timeout, so that a secondary whose fd socket failed still attaches, without fds.
     */
    private static final int PAIR_TIMEOUT_MS = 2000;
    /** How long the accept thread waits for a token. */
    private static final int TOKEN_TIMEOUT_MS = 1000;

    private final Path path;
    private final FdSocket listener;
    private final ScheduledExecutorService timer;
    private final AtomicLong protocolErrors;
    private final Map<Long, CompletableFuture<FdSocket>> waiters = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile boolean closed;

    private FdPairing(final Path path, final FdSocket listener, final ScheduledExecutorService timer,
        final AtomicLong protocolErrors)
    {
        this.path = path;
        this.listener = listener;
        this.timer = timer;
        this.protocolErrors = protocolErrors;
        this.acceptor = new Thread(this::acceptLoop, "mp-primary-fd-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * @param dir            the runtime directory.
     * @param timer          drops unclaimed tokens.
     * @param protocolErrors counts peers that send something else than a token.
     * @return the listening fd socket, or null when this JVM passes no fds (no JNA) or it cannot listen.
     */
    static FdPairing open(final Path dir, final ScheduledExecutorService timer, final AtomicLong protocolErrors)
    {
        if (!MpFds.available())
        {
            return null;
        }
        final Path path = dir.resolve(MpRuntimeInfo.FD_SOCKET_NAME);
        try
        {
            return new FdPairing(path, FdSocket.listen(path), timer, protocolErrors);
        }
        catch (final IOException e)
        {
            LOG.warn("no fd passing: {}", e.getMessage());
            return null;
        }
    }

    /**
     * @return the socket's path, for mp.info.
     */
    Path path()
    {
        return path;
    }

    private void acceptLoop()
    {
        while (!closed)
        {
            final FdSocket s;
            try
            {
                s = listener.accept();
            }
            catch (final IOException e)
            {
                if (!closed)
                {
                    LOG.warn("fd socket accept failed", e);
                }
                return;
            }
            try
            {
                // the token follows the connect at once: a peer that sends nothing holds this thread 1 s at most
                s.timeout(TOKEN_TIMEOUT_MS);
                final long token = s.receiveToken();
                s.timeout(FD_TIMEOUT_MS);
                final CompletableFuture<FdSocket> w = waiters.computeIfAbsent(token, k -> new CompletableFuture<>());
                if (!w.complete(s))
                {
                    s.close();
                }
                timer.schedule(() ->
                {
                    if (waiters.remove(token, w))
                    {
                        w.thenAccept(FdSocket::close);
                    }
                }, FD_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            catch (final IOException | RuntimeException e)
            {
                s.close();
                protocolErrors.incrementAndGet();
                LOG.warn("fd socket peer refused: {}", e.getMessage());
            }
        }
    }

    /**
     * A HELLO with a token (the loop's thread): pairs the connection with the secondary's fd socket when it comes,
     * which may be before or after the HELLO; never waits.
     *
     * @param c     the connection.
     * @param token the HELLO's token (not 0).
     * @param done  told true when paired (fds pass both ways on this connection), false when no fd socket came in
     *              time; run once, on the thread that pairs (the fd socket's accept thread, the caller's when the
     *              socket came first, or the timer's).
     */
    void pair(final MpConnection c, final long token, final Consumer<Boolean> done)
    {
        final CompletableFuture<FdSocket> w = waiters.computeIfAbsent(token, k -> new CompletableFuture<>());
        final ScheduledFuture<?> expiry = timer.schedule(() -> w.completeExceptionally(new TimeoutException()),
            PAIR_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        w.whenComplete((s, e) ->
        {
            expiry.cancel(false);
            waiters.remove(token, w);
            if (null != s)
            {
                c.attachFds(s);
                done.accept(true);
            }
            else
            {
                LOG.warn("secondary {} (pid {}) did not pair its fd socket: no fds with it", c.peerId(), c.pid());
                done.accept(false);
            }
        });
    }

    /** Stops listening (the accept thread ends); the primary removes the file. */
    @Override
    public void close()
    {
        closed = true;
        listener.close();
        try
        {
            acceptor.join(1000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
