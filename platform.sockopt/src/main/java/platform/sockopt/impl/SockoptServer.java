package platform.sockopt.impl;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreInfo;
import platform.lcore.api.LcoreJob;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.sockopt.impl.RateLimitedLog.Kind;

/**
 * The control socket server (DPVS's {@code sockopt_init}, {@code sockopt_job}, {@code sockopt_ctl}). The LOOP job
 * {@value #JOB_NAME} on the master lcore accepts and does all I/O without blocking: partial reads and writes, many
 * clients at once, at most {@code budget} requests and accepts per iteration. Handlers run there, on the master
 * lcore. When the job goes cold (no I/O for {@link #HOT_NS}) the {@link Doorbell} holds the selector and wakes the
 * master lcore for the next client, request or timeout; {@link RequestFraming} reads requests within the
 * {@link BodyBudget}; {@link SocketFile} owns the socket file.
 * <p>
 * Unlike DPVS it always replies: unknown id (EDPVS_NOTSUPP), version mismatch, oversized or malformed requests, no
 * room for a body, a full server and throwing handlers all get an error reply and a log line; a connection whose
 * framing can no longer be trusted is closed after its reply. Whatever is thrown while one connection is served
 * (an {@link OutOfMemoryError} included) closes that connection only, and the sweep of stalled connections runs
 * even then.
 */
final class SockoptServer implements LcoreJob
{
    static final String JOB_NAME = "sockopt_job";
    private static final Logger LOG = LoggerFactory.getLogger(SockoptServer.class);
    /** After I/O the job reports work this long, so that a client's next request finds the master awake. */
    private static final long HOT_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SWEEP_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * A cold job on a master that never parks (busy-spin, yield) polls the socket this often itself instead of
     * handing the selector to the doorbell: a selectNow (one epoll_wait) every 20 us costs the spinning core little,
     * while the hand-over costs an isolated request two thread wake-ups (the doorbell's, then the master's).
     */
    private static final long COLD_POLL_NS = TimeUnit.MICROSECONDS.toNanos(20);
    /** Requests of one connection per iteration, so that a pipelining client cannot take the whole budget. */
    private static final int PER_CONN = 4;

    final ServerConfig config;
    final ServerCounters counters = new ServerCounters();
    final BodyBudget bodyBudget;
    final RequestFraming framing;
    private final ConnectionTable table;
    private final RateLimitedLog log = new RateLimitedLog(LOG, System::nanoTime);
    private final Dispatcher dispatcher;
    private final LcoreScheduler scheduler;
    private final Consumer<SelectionKey> onReady = this::onReady;
    private SocketFile file;
    private SelectionKey serverKey;
    private Selector selector;
    Doorbell doorbell;
    private JobHandle job;
    private Thread masterThread;
    private int budgetLeft;
    private long nowNs;
    private long lastIoNs = Long.MIN_VALUE / 2;
    private long lastSweepNs;
    /** The master lcore's idle strategy never parks it: the job polls while cold, the doorbell stays asleep. */
    private boolean spinningMaster;
    /** Cold on a spinning master: polling every {@link #COLD_POLL_NS} only. */
    private volatile boolean coldPolling;
    private long nextPollNs;

    SockoptServer(final ServerConfig config, final Registry registry, final LcoreScheduler scheduler)
    {
        this.config = config;
        this.scheduler = scheduler;
        this.bodyBudget = new BodyBudget(config.bodyBudget());
        this.framing = new RequestFraming(config, bodyBudget, counters, log);
        this.table = new ConnectionTable(config, counters, bodyBudget, log);
        this.dispatcher = new Dispatcher(registry, counters, bodyBudget, log);
    }

    /**
     * Binds the socket (replacing a stale file, never a live server), starts the doorbell and the master job.
     *
     * @throws IOException when the socket cannot be bound.
     * @throws IllegalStateException when a live server holds the path.
     */
    void start() throws IOException
    {
        this.file = SocketFile.bind(config.path(), config.backlog());
        try
        {
            this.selector = Selector.open();
            this.serverKey = file.channel.register(selector, SelectionKey.OP_ACCEPT);
        }
        catch (final IOException | RuntimeException ex)
        {
            file.remove();
            throw ex;
        }
        this.doorbell = new Doorbell(selector, scheduler, config.path().toString());
        doorbell.start();
        this.job = scheduler.register(JobSpec.loop(JOB_NAME, LcoreRole.MASTER, this));
        LOG.info("control socket listening on {}", config.path());
    }

    /**
     * Stops the job (no handler runs after this), the doorbell and every connection, and removes the socket file
     * unless another server replaced it meanwhile.
     */
    void stop()
    {
        if (null != job)
        {
            job.close();
        }
        if (null != doorbell)
        {
            doorbell.stop();
        }
        table.closeAll();
        if (null != file)
        {
            file.remove();
        }
        ConnectionTable.closeQuietly(selector);
        LOG.info("control socket {} closed", config.path());
    }

    /** @return true while the job is cold: the doorbell holds the selector, or a spinning master polls slowly. */
    boolean cold()
    {
        return coldPolling || doorbell.armed();
    }

    int openConnections()
    {
        return table.open();
    }

    /**
     * Returns once no handler of the entries runs (unless called by that handler itself, on the master lcore).
     */
    void awaitNotServing(final RangeEntry... entries)
    {
        dispatcher.awaitNotServing(entries);
    }

    // ------------------------------------------------------------------ on the master lcore

    @Override
    public int doWork(final int lcoreId)
    {
        if (null == masterThread)
        {
            masterThread = Thread.currentThread();
            dispatcher.masterThread = masterThread;
            spinningMaster = neverParks(lcoreId);
        }
        if (doorbell.armed())
        {
            return 0; // cold: the doorbell holds the selector and wakes this lcore when a socket is ready
        }
        final long now = System.nanoTime();
        if (coldPolling && now - nextPollNs < 0)
        {
            return 0;
        }
        int work = 0;
        nowNs = now;
        budgetLeft = config.budget();
        try
        {
            work += selector.selectNow(onReady);
        }
        catch (final IOException ex)
        {
            counters.ioErrors.incrementAndGet();
            log.warn(Kind.IO, "selector failed: {}", ex);
        }
        finally
        {
            // whatever polling threw, stalled and timed-out connections still go
            if (nowNs - lastSweepNs > SWEEP_NS)
            {
                lastSweepNs = nowNs;
                table.sweep(nowNs);
            }
        }
        if (work > 0)
        {
            lastIoNs = nowNs;
            coldPolling = false;
        }
        // stay awake briefly after I/O: a kept connection's next request usually follows at once
        if (nowNs - lastIoNs < HOT_NS)
        {
            return work + 1;
        }
        if (0 == work)
        {
            if (spinningMaster)
            {
                coldPolling = true;
                nextPollNs = nowNs + COLD_POLL_NS;
            }
            else
            {
                doorbell.arm(table.nextTimeoutMs(nowNs, SWEEP_NS)); // from here on only the doorbell touches it
            }
        }
        return work;
    }

    /** @return true when the lcore's idle strategy never parks it (so it calls this job again within microseconds). */
    private boolean neverParks(final int lcoreId)
    {
        for (final LcoreInfo l : scheduler.lcores())
        {
            if (l.id() == lcoreId)
            {
                return "busy-spin".equals(l.idleStrategy()) || "yield".equals(l.idleStrategy());
            }
        }
        return false;
    }

    /**
     * One ready socket. Whatever serving it throws, an Error included, closes this connection alone and is
     * counted: the job goes on with the others, and is never quarantined for one client.
     */
    private void onReady(final SelectionKey key)
    {
        if (key == serverKey)
        {
            acceptPending();
            return;
        }
        if (key.attachment() instanceof ConnectionTable.Refused)
        {
            table.refusedReadable((ConnectionTable.Refused)key.attachment());
            return;
        }
        final Conn c = (Conn)key.attachment();
        try
        {
            if (!key.isValid())
            {
                table.close(c);
                return;
            }
            serve(c);
        }
        catch (final Throwable th)
        {
            table.failed(c, th);
        }
    }

    /** Accepts what is pending, within the iteration's budget (the rest stays pending for the next one). */
    private void acceptPending()
    {
        SocketChannel ch = null;
        try
        {
            while (budgetLeft > 0 && null != (ch = file.channel.accept()))
            {
                budgetLeft--;
                admit(ch);
                ch = null;
            }
        }
        catch (final Throwable th)
        {
            counters.ioErrors.incrementAndGet();
            log.warn(Kind.IO, "accept failed: {}", th);
            ConnectionTable.closeQuietly(ch);
        }
    }

    private void admit(final SocketChannel ch) throws IOException
    {
        if (table.full())
        {
            table.refuse(ch, selector, nowNs);
            return;
        }
        ch.configureBlocking(false);
        final SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
        final Conn c = new Conn(ch, key, config.maxReplyLength(), nowNs);
        key.attach(c);
        table.add(c);
        // a client usually writes its request right after connecting: serve it now, and a one-shot client
        // is answered and closed before the selector ever registers its socket
        try
        {
            serve(c);
        }
        catch (final Throwable th)
        {
            table.failed(c, th);
        }
    }

    /** Writes what is pending, then reads and answers requests, within the budgets. */
    private void serve(final Conn c) throws IOException
    {
        if (Conn.WRITE == c.state && !flush(c))
        {
            return;
        }
        int handled = 0;
        while (Conn.WRITE != c.state && handled < PER_CONN && budgetLeft > 0)
        {
            final int framed = framing.read(c, nowNs);
            if (RequestFraming.EOF == framed)
            {
                table.close(c);
                return;
            }
            if (RequestFraming.NEED_MORE == framed)
            {
                return;
            }
            handled++;
            budgetLeft--;
            dispatcher.dispatch(c);
            if (!flush(c))
            {
                return;
            }
        }
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
            table.discardAndClose(c);
            return false;
        }
        if (!c.keepAlive)
        {
            // DPVS's tools send one request per connection: close now, as DPVS does, instead of waiting to read
            // their close (one registration, one more wake of the selector and two system calls saved)
            counters.oneShotClosed.incrementAndGet();
            table.close(c);
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
}
