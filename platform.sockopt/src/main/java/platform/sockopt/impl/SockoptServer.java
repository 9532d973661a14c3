package platform.sockopt.impl;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreJob;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.Edpvs;
import platform.sockopt.api.Sockopt;

/**
 * The control socket server (DPVS's {@code sockopt_init}, {@code sockopt_job}, {@code sockopt_ctl}). The LOOP job
 * {@value #JOB_NAME} on the master lcore accepts and does all I/O without blocking: partial reads and writes, many
 * clients at once, at most {@code budget} requests and accepts per iteration. Handlers run there, on the master
 * lcore.
 * <p>
 * The master lcore may park (its idle strategy) and nothing in the kernel wakes a parked thread for a socket it
 * polls with {@code selectNow}. So when the job goes cold (no I/O for {@link #HOT_NS}) it hands its selector to
 * the doorbell and stops touching it: the doorbell thread blocks in {@code select()} on the listening socket and
 * every open connection, until one is ready or the nearest request or idle timeout is due, then gives the
 * selector back and wakes the master lcore, and sleeps until it is handed the selector again. While the master is
 * hot the doorbell sleeps, so a busy control socket costs no thread wake-up besides the client's own; while it is
 * cold, however long its idle strategy parks, a new client, a request on a kept connection and a timeout are all
 * answered at once.
 * <p>
 * Unlike DPVS it always replies: unknown id (EDPVS_NOTSUPP), version mismatch, oversized or malformed requests and
 * throwing handlers all get an error reply and a log line; a connection whose framing can no longer be trusted is
 * closed after its reply.
 */
final class SockoptServer implements LcoreJob
{
    static final String JOB_NAME = "sockopt_job";
    private static final Logger LOG = LoggerFactory.getLogger(SockoptServer.class);
    /** After I/O the job reports work this long, so that a client's next request finds the master awake. */
    private static final long HOT_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SWEEP_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /** Requests of one connection per iteration, so that a pipelining client cannot take the whole budget. */
    private static final int PER_CONN = 4;
    private static final byte[][] ERRSTR = new byte[40][];

    static
    {
        for (int i = 0; i < ERRSTR.length; i++)
        {
            ERRSTR[i] = Edpvs.strerror(-i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    final ServerConfig config;
    private final Registry registry;
    private final LcoreScheduler scheduler;
    /** Unread bytes dropped before closing: at most DISCARD_READS reads of this buffer. */
    private static final int DISCARD_READS = 16;
    private final ByteBuffer discard = ByteBuffer.allocateDirect(4096);
    private final List<Conn> conns = new ArrayList<>();
    private final Consumer<SelectionKey> onReady = this::onReady;
    private ServerSocketChannel server;
    private SelectionKey serverKey;
    private Object fileKey;
    private Selector selector;
    private Thread doorbell;
    /**
     * The selector's owner: set by the master lcore when its job goes cold (it then leaves the selector alone),
     * cleared by the doorbell after its {@code select} returned.
     */
    private volatile boolean armed;
    /** How long the doorbell may block: until the nearest timeout the sweep enforces; 0 for no limit. */
    private long doorbellTimeoutMs;
    private volatile boolean stopping;
    private JobHandle job;
    private volatile Thread masterThread;
    /** The range whose handler runs now (written by the master lcore only). */
    private volatile RangeEntry serving;
    private int budgetLeft;
    private long nowNs;
    private long lastIoNs = Long.MIN_VALUE / 2;
    private long lastSweepNs;
    private long lastLogNs = Long.MIN_VALUE / 2;
    private long suppressedLogs;

    final AtomicLong connections = new AtomicLong();
    /** Times the doorbell woke the master lcore for a ready socket (a client, a request, room to write). */
    final AtomicLong doorbellRings = new AtomicLong();
    /** Times the doorbell woke the master lcore for a due request or idle timeout. */
    final AtomicLong doorbellTimeouts = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    /** Connections closed right after their one request (no KEEP_ALIVE), as DPVS closes them. */
    final AtomicLong oneShotClosed = new AtomicLong();
    final AtomicLong notSupported = new AtomicLong();
    final AtomicLong versionMismatch = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong handlerErrors = new AtomicLong();
    final AtomicLong handlerThrew = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();
    final AtomicLong ioErrors = new AtomicLong();
    private volatile int open;

    SockoptServer(final ServerConfig config, final Registry registry, final LcoreScheduler scheduler)
    {
        this.config = config;
        this.registry = registry;
        this.scheduler = scheduler;
    }

    /**
     * Binds the socket (replacing a stale file, never a live server), starts the doorbell and the master job.
     *
     * @throws IOException when the socket cannot be bound.
     * @throws IllegalStateException when a live server holds the path.
     */
    void start() throws IOException
    {
        final Path path = config.path();
        this.server = bind(path);
        this.fileKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        server.configureBlocking(false);
        this.selector = Selector.open();
        this.serverKey = server.register(selector, SelectionKey.OP_ACCEPT);
        this.doorbell = new Thread(this::doorbellLoop, "sockopt-doorbell");
        doorbell.setDaemon(true);
        doorbell.start();
        this.job = scheduler.register(JobSpec.loop(JOB_NAME, LcoreRole.MASTER, this));
        LOG.info("control socket listening on {}", path);
    }

    static ServerSocketChannel bind(final Path path) throws IOException
    {
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > platform.sockopt.client.SockoptPaths.MAX_PATH_BYTES)
        {
            throw new IOException("control socket path longer than 107 bytes (sun_path): " + path);
        }
        final Path dir = path.toAbsolutePath().getParent();
        if (null != dir && !Files.isDirectory(dir))
        {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS))
        {
            final int mode = (Integer)Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & 0170000) != 0140000)
            {
                throw new IOException(path + " exists and is not a socket; refusing to replace it");
            }
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path)))
            {
                throw new IllegalStateException("another server is listening on " + path
                    + "; not taking it over (stop it, or set DPVS_IPC_FILE or platform.sockopt.path)");
            }
            catch (final ConnectException stale)
            {
                LOG.warn("replacing stale control socket {} (nobody listens: {})", path, stale.getMessage());
                Files.deleteIfExists(path);
            }
        }
        final ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            ch.bind(UnixDomainSocketAddress.of(path), 64);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        }
        catch (final IOException | RuntimeException ex)
        {
            ch.close();
            throw ex;
        }
        return ch;
    }

    /**
     * Stops the job (no handler runs after this), the acceptor and every connection, and removes the socket file
     * unless another server replaced it meanwhile.
     */
    void stop()
    {
        if (null != job)
        {
            job.close();
        }
        stopping = true;
        if (null != doorbell)
        {
            selector.wakeup();
            LockSupport.unpark(doorbell);
            try
            {
                doorbell.join(5_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        for (final Conn c : conns)
        {
            closeQuietly(c.ch);
        }
        conns.clear();
        try
        {
            server.close();
        }
        catch (final IOException ex)
        {
            LOG.debug("closing the listening socket", ex);
        }
        closeQuietly(selector);
        final Path path = config.path();
        try
        {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && fileKey != null && fileKey.equals(
                Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey()))
            {
                Files.delete(path);
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("could not remove control socket {}: {}", path, ex.toString());
        }
        LOG.info("control socket {} closed", path);
    }

    int openConnections()
    {
        return open;
    }

    /**
     * Returns once no handler of the entries runs (unless called by that handler itself, on the master lcore).
     */
    void awaitNotServing(final RangeEntry... entries)
    {
        if (Thread.currentThread() == masterThread)
        {
            return;
        }
        for (int spins = 0;; spins++)
        {
            final RangeEntry s = serving;
            boolean busy = false;
            for (final RangeEntry e : entries)
            {
                busy |= s == e;
            }
            if (!busy)
            {
                return;
            }
            if (spins < 100)
            {
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(10_000);
            }
        }
    }

    /**
     * Waits to be handed the selector (the master lcore's job went cold), blocks in {@code select()} until a
     * socket is ready or the master's nearest timeout is due, then hands the selector back and wakes the master
     * lcore. Readiness is level-triggered: what became ready just before this {@code select()} makes it return at
     * once, and the master's {@code selectNow} sees it again, so nothing is missed at either hand-over.
     */
    private void doorbellLoop()
    {
        while (!stopping)
        {
            if (!armed)
            {
                LockSupport.park(this);
                continue;
            }
            final long timeoutMs = doorbellTimeoutMs; // written before armed was set
            int ready;
            try
            {
                ready = 0 == timeoutMs ? selector.select() : selector.select(timeoutMs);
                // the master reads readiness afresh with selectNow(Consumer); this set is not used
                selector.selectedKeys().clear();
            }
            catch (final IOException | RuntimeException ex)
            {
                if (stopping)
                {
                    return;
                }
                // keep the control socket reachable: the master lcore polls while not armed
                LOG.warn("control socket doorbell on {} failed: {}", config.path(), ex.toString());
                armed = false;
                scheduler.wake(scheduler.masterLcoreId());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                continue;
            }
            if (stopping)
            {
                return;
            }
            (ready > 0 ? doorbellRings : doorbellTimeouts).incrementAndGet();
            armed = false;
            scheduler.wake(scheduler.masterLcoreId());
        }
    }

    // ------------------------------------------------------------------ on the master lcore

    @Override
    public int doWork(final int lcoreId)
    {
        if (null == masterThread)
        {
            masterThread = Thread.currentThread();
        }
        if (armed)
        {
            return 0; // cold: the doorbell holds the selector and wakes this lcore when a socket is ready
        }
        int work = 0;
        nowNs = System.nanoTime();
        budgetLeft = config.budget();
        try
        {
            work += selector.selectNow(onReady);
        }
        catch (final IOException ex)
        {
            ioErrors.incrementAndGet();
            rateLimitedWarn("selector failed: {}", ex);
        }
        if (work > 0)
        {
            lastIoNs = nowNs;
        }
        if (nowNs - lastSweepNs > SWEEP_NS)
        {
            lastSweepNs = nowNs;
            sweep();
        }
        // stay awake briefly after I/O: a kept connection's next request usually follows at once
        if (nowNs - lastIoNs < HOT_NS)
        {
            return work + 1;
        }
        if (0 == work)
        {
            doorbellTimeoutMs = nextTimeoutMs();
            armed = true; // from here on only the doorbell touches the selector
            LockSupport.unpark(doorbell);
        }
        return work;
    }

    /** Accepts what is pending, within the iteration's budget (the rest stays pending for the next one). */
    private void acceptPending()
    {
        try
        {
            SocketChannel ch;
            while (budgetLeft > 0 && null != (ch = server.accept()))
            {
                budgetLeft--;
                admit(ch);
            }
        }
        catch (final IOException ex)
        {
            ioErrors.incrementAndGet();
            rateLimitedWarn("accept failed: {}", ex);
        }
    }

    private void admit(final SocketChannel ch)
    {
        if (conns.size() >= config.maxConnections())
        {
            refused.incrementAndGet();
            rateLimitedWarn("{} connections open, the maximum: closing a new one", conns.size());
            closeQuietly(ch);
            return;
        }
        try
        {
            ch.configureBlocking(false);
            final SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
            final Conn c = new Conn(ch, key, config.maxReplyLength(), nowNs);
            key.attach(c);
            conns.add(c);
            open = conns.size();
            connections.incrementAndGet();
            // a client usually writes its request right after connecting: serve it now, and a one-shot client
            // is answered and closed before the selector ever registers its socket
            serve(c);
        }
        catch (final IOException ex)
        {
            ioErrors.incrementAndGet();
            closeQuietly(ch);
        }
    }

    private void onReady(final SelectionKey key)
    {
        if (key == serverKey)
        {
            acceptPending();
            return;
        }
        final Conn c = (Conn)key.attachment();
        if (!key.isValid())
        {
            close(c);
            return;
        }
        serve(c);
    }

    /** Writes what is pending, then reads and answers requests, within the budgets. */
    private void serve(final Conn c)
    {
        try
        {
            if (Conn.WRITE == c.state)
            {
                if (!flush(c))
                {
                    return;
                }
            }
            int handled = 0;
            while (Conn.WRITE != c.state && handled < PER_CONN && budgetLeft > 0)
            {
                if (!readRequest(c))
                {
                    return;
                }
                handled++;
                budgetLeft--;
                dispatch(c);
                if (!flush(c))
                {
                    return;
                }
            }
        }
        catch (final IOException ex)
        {
            ioErrors.incrementAndGet();
            LOG.debug("control socket connection failed: {}", ex.toString());
            close(c);
        }
    }

    /**
     * Reads what the socket has of the current request.
     *
     * @return true when a whole request (or a request to answer with an error) is ready for {@link #dispatch}.
     */
    private boolean readRequest(final Conn c) throws IOException
    {
        if (Conn.READ_HEADER == c.state)
        {
            final int n = c.ch.read(c.header);
            if (n < 0)
            {
                if (c.header.position() > 0)
                {
                    malformed.incrementAndGet();
                    rateLimitedWarn("client closed after {} of 24 header bytes", c.header.position());
                }
                close(c);
                return false;
            }
            if (n > 0 && c.header.position() == n)
            {
                c.sinceNs = nowNs; // first bytes of a request: its timeout runs from here
            }
            if (c.header.hasRemaining())
            {
                return false;
            }
            c.version = c.header.getInt(Sockopt.REQ_VERSION_OFFSET);
            c.id = c.header.getInt(Sockopt.REQ_ID_OFFSET);
            c.type = c.header.getInt(Sockopt.REQ_TYPE_OFFSET);
            c.keepAlive = Sockopt.KEEP_ALIVE == c.header.getInt(Sockopt.REQ_PAD_OFFSET);
            c.len = c.header.getLong(Sockopt.REQ_LEN_OFFSET);
            if (c.len < 0 || c.len > config.maxRequestLength()
                || (Sockopt.GET != c.type && Sockopt.SET != c.type))
            {
                return true; // answered with an error by dispatch, framing lost: closed after the reply
            }
            c.prepareBody();
            c.state = Conn.READ_BODY;
        }
        if (c.body.hasRemaining())
        {
            final int n = c.ch.read(c.body);
            if (n < 0)
            {
                malformed.incrementAndGet();
                rateLimitedWarn("client closed mid-body: " + c.body.position() + " of {} bytes", c.len);
                close(c);
                return false;
            }
            if (c.body.hasRemaining())
            {
                return false;
            }
        }
        return true;
    }

    /** Answers the request just read: finds its range, runs the handler, prepares the reply. */
    private void dispatch(final Conn c)
    {
        requests.incrementAndGet();
        c.resetReply();
        int rc;
        if (c.len < 0 || c.len > config.maxRequestLength())
        {
            malformed.incrementAndGet();
            rc = error(c, Edpvs.INVAL, "request length " + Long.toUnsignedString(c.len) + " over max "
                + config.maxRequestLength());
            c.closeAfterWrite = true;
        }
        else if (Sockopt.GET != c.type && Sockopt.SET != c.type)
        {
            malformed.incrementAndGet();
            rc = error(c, Edpvs.INVAL, "bad sockopt type " + Integer.toUnsignedString(c.type) + " (0 GET, 1 SET)");
            c.closeAfterWrite = true;
        }
        else
        {
            final RangeEntry e = registry.lookup(c.type, c.id);
            if (null == e)
            {
                notSupported.incrementAndGet();
                rc = error(c, Edpvs.NOTSUPP, "no " + Sockopt.typeName(c.type) + " sockopt " + c.id + " registered");
            }
            else if (e.version != c.version)
            {
                versionMismatch.incrementAndGet();
                rc = error(c, Edpvs.INVAL, String.format("sockopt version 0x%x, %s wants 0x%x", c.version, e.name,
                    e.version));
            }
            else
            {
                rc = invoke(c, e);
            }
        }
        writeReplyHeader(c, rc);
        c.state = Conn.WRITE;
    }

    private int invoke(final Conn c, final RangeEntry e)
    {
        serving = e;
        try
        {
            if (e.closed)
            {
                notSupported.incrementAndGet();
                return error(c, Edpvs.NOTSUPP, "sockopt " + e.name + " is being unregistered");
            }
            e.calls.incrementAndGet();
            final int rc;
            try
            {
                rc = e.handler.handle(c, c);
            }
            catch (final Throwable th)
            {
                e.errors.incrementAndGet();
                handlerThrew.incrementAndGet();
                rateLimitedWarn("sockopt handler threw", th);
                c.replyLength = 0;
                return error(c, Edpvs.CALLBACKFAIL, e.name + " handler failed: " + th.getClass().getSimpleName());
            }
            if (Edpvs.OK != rc)
            {
                e.errors.incrementAndGet();
                handlerErrors.incrementAndGet();
            }
            return rc;
        }
        finally
        {
            serving = null;
        }
    }

    private static int error(final Conn c, final int code, final String text)
    {
        c.message = text;
        c.replyLength = 0;
        return code;
    }

    private static void writeReplyHeader(final Conn c, final int rc)
    {
        final ByteBuffer h = c.replyHeader;
        h.clear();
        h.putInt(Sockopt.REPLY_VERSION_OFFSET, Sockopt.VERSION);
        h.putInt(Sockopt.REPLY_ID_OFFSET, c.id);
        h.putInt(Sockopt.REPLY_TYPE_OFFSET, c.type);
        h.putInt(Sockopt.REPLY_ERRCODE_OFFSET, rc);
        final byte[] text;
        if (null != c.message && Edpvs.OK != rc)
        {
            text = c.message.getBytes(StandardCharsets.UTF_8);
        }
        else
        {
            text = rc <= 0 && -rc < ERRSTR.length ? ERRSTR[-rc] : Edpvs.strerror(rc).getBytes(StandardCharsets.US_ASCII);
        }
        final int n = Math.min(text.length, Sockopt.ERRSTR_LENGTH - 1);
        h.put(Sockopt.REPLY_ERRSTR_OFFSET, text, 0, n);
        for (int i = Sockopt.REPLY_ERRSTR_OFFSET + n; i < Sockopt.REPLY_LEN_OFFSET; i++)
        {
            h.put(i, (byte)0);
        }
        // DPVS sends no body with an error, nor with a SET
        final int len = Edpvs.OK == rc && Sockopt.GET == c.type ? c.replyLength : 0;
        h.putLong(Sockopt.REPLY_LEN_OFFSET, len);
        h.limit(Sockopt.REPLY_HEADER_LENGTH);
        c.replyBody.clear().limit(len);
    }

    /**
     * Writes what the socket takes of the reply.
     *
     * @return true when the reply is out and the connection reads again.
     */
    private boolean flush(final Conn c) throws IOException
    {
        c.ch.write(c.out);
        if (c.replyHeader.hasRemaining() || c.replyBody.hasRemaining())
        {
            if (0 == (c.key.interestOps() & SelectionKey.OP_WRITE))
            {
                c.key.interestOps(SelectionKey.OP_WRITE);
            }
            return false;
        }
        if (c.closeAfterWrite)
        {
            discardUnread(c);
            close(c);
            return false;
        }
        if (!c.keepAlive)
        {
            // DPVS's tools send one request per connection: close now, as DPVS does, instead of waiting to read
            // their close (one registration, one more wake of the selector and two system calls saved)
            oneShotClosed.incrementAndGet();
            close(c);
            return false;
        }
        c.state = Conn.READ_HEADER;
        c.header.clear();
        c.sinceNs = nowNs;
        if (SelectionKey.OP_READ != c.key.interestOps())
        {
            c.key.interestOps(SelectionKey.OP_READ);
        }
        return true;
    }

    /** Closes connections whose request stalled or that idled too long. */
    /**
     * @return milliseconds until the sweep has a connection to time out (at least 1), 0 when none is open.
     */
    private long nextTimeoutMs()
    {
        if (conns.isEmpty())
        {
            return 0;
        }
        final long requestNs = TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
        final long idleNs = TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMs());
        long nearestNs = Long.MAX_VALUE;
        for (int i = 0; i < conns.size(); i++)
        {
            final Conn c = conns.get(i);
            final long dueNs = c.sinceNs + (midRequest(c) ? requestNs : idleNs) - nowNs;
            nearestNs = Math.min(nearestNs, dueNs);
        }
        // the sweep runs every SWEEP_NS at most and closes what is over its limit: be back just after
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.max(nearestNs, 0) + SWEEP_NS) + 1);
    }

    private static boolean midRequest(final Conn c)
    {
        return Conn.READ_BODY == c.state || Conn.WRITE == c.state
            || (Conn.READ_HEADER == c.state && c.header.position() > 0);
    }

    private void sweep()
    {
        final long requestNs = TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
        final long idleNs = TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMs());
        for (int i = conns.size() - 1; i >= 0; i--)
        {
            final Conn c = conns.get(i);
            final boolean midRequest = midRequest(c);
            final long age = nowNs - c.sinceNs;
            if (midRequest && age > requestNs)
            {
                timedOut.incrementAndGet();
                rateLimitedWarn("closing a control socket client stalled mid-request for {} ms",
                    TimeUnit.NANOSECONDS.toMillis(age));
                if (Conn.WRITE != c.state)
                {
                    // a last word, if its socket takes it: DPVS's client prints errstr
                    c.id = Conn.READ_BODY == c.state ? c.id : 0;
                    c.resetReply();
                    writeReplyHeader(c, error(c, Edpvs.INVAL, "request incomplete after "
                        + config.requestTimeoutMs() + " ms"));
                    try
                    {
                        c.ch.write(c.replyHeader);
                    }
                    catch (final IOException ignored)
                    {
                        // closing anyway
                    }
                }
                close(c);
            }
            else if (!midRequest && age > idleNs)
            {
                LOG.debug("closing a control socket connection idle for {} ms", TimeUnit.NANOSECONDS.toMillis(age));
                close(c);
            }
        }
    }

    /**
     * Reads and drops what the client has already sent past a request whose framing was lost. Closing a
     * Unix-domain socket with unread data resets the peer, whose next read then fails with "connection reset"
     * instead of ending cleanly after the error reply.
     */
    private void discardUnread(final Conn c)
    {
        try
        {
            for (int i = 0; i < DISCARD_READS; i++)
            {
                discard.clear();
                if (c.ch.read(discard) <= 0)
                {
                    return;
                }
            }
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
    }

    private void close(final Conn c)
    {
        c.key.cancel();
        closeQuietly(c.ch);
        conns.remove(c);
        open = conns.size();
    }

    private static void closeQuietly(final java.io.Closeable ch)
    {
        try
        {
            ch.close();
        }
        catch (final IOException ignored)
        {
            // nothing more to do
        }
    }

    /** Master-lcore logging at most once a second, with the count of what was left out. */
    private void rateLimitedWarn(final String format, final Object arg)
    {
        final long now = System.nanoTime();
        if (now - lastLogNs < LOG_INTERVAL_NS)
        {
            suppressedLogs++;
            return;
        }
        lastLogNs = now;
        if (suppressedLogs > 0)
        {
            LOG.warn("control socket: " + format + " ({} similar messages suppressed in the last second)", arg,
                suppressedLogs);
            suppressedLogs = 0;
        }
        else
        {
            LOG.warn("control socket: " + format, arg);
        }
    }
}
