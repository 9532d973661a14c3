package platform.mp.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import platform.common.LogLimiter;
import platform.mp.api.MpAction;
import platform.mp.api.MpActionInfo;
import platform.mp.api.MpCallback;
import platform.mp.api.MpException;
import platform.mp.api.MpKind;
import platform.mp.api.MpMessage;
import platform.mp.api.MpRegistration;
import platform.mp.api.MpReply;
import platform.mp.api.MpResponse;

/**
 * What the primary and a secondary share (DPDK's eal_common_proc.c for either process type): the action registry,
 * the pending requests ({@link RequestTable}: nb_sent / nb_received accounting), the dispatch thread that runs
 * async callbacks, and the timer for async requests' timeouts.
 * <p>
 * Threads: one {@link IoLoop} (its {@link MpConnection.IoThread}) reads every connection, decodes and routes: a
 * REP/IGN completes a pending request in place; a MSG/REQ runs its action right there, in arrival order, as DPDK's
 * {@code mp_handle} thread does (handing it to another thread cost a wake-up per request: 135 against 28 us for a
 * raw echo, RESULTS §14). So actions run one at a time, for every peer, as in DPDK: an action that takes long
 * delays every peer's messages (hand long work to a thread of your own). Async callbacks run on the one dispatch
 * thread. A synchronous request from the loop's thread or the dispatch thread is refused
 * ({@link MpException#IN_CALLBACK}). A synchronous requester times itself (no timer task) and takes the replies from
 * its connections itself: for a short while ({@value #SPIN_PROPERTY}, default {@value #DEFAULT_SPIN_US} us) it
 * polls them, yielding between tries, then blocks in a selector of its own on them; the loop leaves connections
 * with requesters waiting on several to them, so a broadcast's replies wake the requester only, not the loop too.
 */
public abstract class MpEndpoint
{
    private static final byte[] EMPTY = new byte[0];
    /** How long a synchronous requester spins (yielding) before it parks, in microseconds. */
    public static final String SPIN_PROPERTY = "platform.mp.syncSpinMicros";
    static final long DEFAULT_SPIN_US = 100;
    private static final long SPIN_NS = 1000L * Long.getLong(SPIN_PROPERTY, DEFAULT_SPIN_US);
    /** A synchronous request to this many connections or more has them lent to it ({@link IoLoop}). */
    static final int LEND_MIN_TARGETS = 2;

    /** The longest params this side accepts and sends. */
    protected final int maxParamLen;
    private final Map<String, ActionEntry> actions = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor dispatcher;
    private volatile Thread dispatchThread;
    /** A peer can cause these once per message: one line per 5 s each. */
    private final LogLimiter unknownLog = new LogLimiter(TimeUnit.SECONDS.toNanos(5));
    private final LogLimiter actionLog = new LogLimiter(TimeUnit.SECONDS.toNanos(5));
    /** Built-in actions that answer later from a thread of their own, so that they may make synchronous requests. */
    private final Map<String, DeferredAction> deferred = new ConcurrentHashMap<>();
    private final ExecutorService deferredExecutor;
    /** Request timeouts (and, on a secondary, reconnect attempts). */
    protected final ScheduledExecutorService timer;
    /** The one I/O thread of every connection of this endpoint. */
    protected final IoLoop io;
    private final RequestTable requests;

    /** Counters. */
    public final AtomicLong unknownActions = new AtomicLong();
    public final AtomicLong actionErrors = new AtomicLong();
    public final AtomicLong lateReplies = new AtomicLong();
    public final AtomicLong timeouts = new AtomicLong();
    public final AtomicLong protocolErrors = new AtomicLong();
    /** Peers closed because they left {@link MpConnection#MAX_BACKLOG} frames unread. */
    public final AtomicLong slowPeers = new AtomicLong();

    /**
     * @param maxParamLen the longest params accepted and sent.
     * @param threadPrefix names the dispatch and timer threads.
     */
    protected MpEndpoint(final int maxParamLen, final String threadPrefix)
    {
        if (maxParamLen < MpWire.MIN_PARAM_LEN)
        {
            throw new IllegalArgumentException("max param length " + maxParamLen + " under " + MpWire.MIN_PARAM_LEN);
        }
        this.maxParamLen = maxParamLen;
        this.dispatcher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r ->
        {
            final Thread t = new Thread(r, threadPrefix + "-dispatch");
            t.setDaemon(true);
            dispatchThread = t;
            return t;
        });
        final ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r ->
        {
            final Thread th = new Thread(r, threadPrefix + "-timer");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        this.requests = new RequestTable(t, lateReplies, timeouts);
        this.io = new IoLoop(threadPrefix + "-io");
        this.deferredExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
            r ->
            {
                final Thread th = new Thread(r, threadPrefix + "-builtin");
                th.setDaemon(true);
                return th;
            });
    }

    /** Logs a warning; the primary logs through SLF4J, the client library through System.Logger. */
    protected abstract void warn(String message, Throwable t);

    /**
     * Registers an action.
     *
     * @param name   the name.
     * @param action the action.
     * @param owner  who registered it, for mp:actions.
     * @return the handle.
     */
    public MpRegistration register(final String name, final MpAction action, final String owner)
    {
        final byte[] nb = MpWire.nameBytes(name);
        if (null == action)
        {
            throw new MpException(MpException.INVALID, "null action for " + name);
        }
        final ActionEntry e = new ActionEntry(name, nb, action, owner);
        if (deferred.containsKey(name) || null != actions.putIfAbsent(name, e))
        {
            throw new MpException(MpException.EXISTS, "action already registered: " + name);
        }
        onRegistered(name, true);
        return e;
    }

    /** A built-in action that replies (with {@link #reply}) when it is done, from its own thread. */
    @FunctionalInterface
    protected interface DeferredAction
    {
        /**
         * @param c the connection the REQ came on.
         * @param f the REQ.
         */
        void handle(MpConnection c, Frame f);
    }

    /**
     * Registers a built-in action run on the endpoint's built-in thread (not the dispatch thread, so it may make
     * synchronous requests), for the life of the endpoint.
     *
     * @param name   the name.
     * @param action the action.
     */
    protected void registerDeferred(final String name, final DeferredAction action)
    {
        MpWire.nameBytes(name);
        deferred.put(name, action);
    }

    /**
     * Answers a REQ.
     *
     * @param c      the connection it came on.
     * @param f      the REQ.
     * @param params the reply's params.
     */
    protected void reply(final MpConnection c, final Frame f, final byte[] params)
    {
        c.write(MpKind.REP, f.id(), MpWire.nameBytes(f.name()), params);
    }

    /** Hook: an action was registered or unregistered (a secondary announces it). */
    protected void onRegistered(final String name, final boolean added)
    {
    }

    /**
     * @return the local actions, as name and owner.
     */
    public List<MpActionInfo> localActions()
    {
        final List<MpActionInfo> l = new ArrayList<>();
        for (final ActionEntry e : actions.values())
        {
            l.add(new MpActionInfo(e.name, e.owner));
        }
        for (final String n : deferred.keySet())
        {
            l.add(new MpActionInfo(n, "built-in"));
        }
        return l;
    }

    /**
     * @return the names of the local actions.
     */
    protected Collection<String> actionNames()
    {
        return new ArrayList<>(actions.keySet());
    }

    /**
     * Routes a frame read by a connection; called on the loop's thread (a REP/IGN also on a requester's).
     *
     * @param c the connection.
     * @param f the frame.
     */
    protected void route(final MpConnection c, final Frame f)
    {
        switch (f.kind())
        {
            case MSG, REQ ->
            {
                final DeferredAction d = deferred.get(f.name());
                if (null == d)
                {
                    runAction(c, f);
                }
                else
                {
                    runDeferred(d, c, f);
                }
            }
            case REP, IGN -> requests.replied(c, f);
            default -> onControl(c, f);
        }
    }

    /** Hook: a HELLO, ANNOUNCE or ERROR frame. */
    protected abstract void onControl(MpConnection c, Frame f);

    private void runDeferred(final DeferredAction d, final MpConnection c, final Frame f)
    {
        try
        {
            deferredExecutor.execute(() ->
            {
                try
                {
                    d.handle(c, f);
                }
                catch (final RuntimeException ex)
                {
                    actionErrors.incrementAndGet();
                    warn("built-in action " + f.name() + " failed", ex);
                }
            });
        }
        catch (final RejectedExecutionException ex)
        {
            // closing
        }
    }

    private void runAction(final MpConnection c, final Frame f)
    {
        final ActionEntry e = actions.get(f.name());
        if (null != e)
        {
            synchronized (e)
            {
                if (e.live)
                {
                    invoke(e, c, f);
                    return;
                }
            }
        }
        unknownActions.incrementAndGet();
        // nobody takes them: the receiver owns the fds, so it closes them
        MpFds.closeAll(f.fds());
        if (MpKind.REQ == f.kind())
        {
            // DPDK answers IGN so that the requester does not wait for a peer that cannot answer
            c.write(MpKind.IGN, f.id(), MpWire.nameBytes(f.name()), EMPTY);
        }
        else
        {
            final long left = unknownLog.admit(System.nanoTime());
            if (left >= 0)
            {
                warn("no action for message " + f.name() + " from peer " + c.peerId()
                    + LogLimiter.suppressedNote(left), null);
            }
        }
    }

    private void invoke(final ActionEntry e, final MpConnection c, final Frame f)
    {
        final MpResponse response;
        try
        {
            response = e.action.respond(new MpMessage(f.kind(), f.name(), f.params(), c.peerId(), f.fds()));
        }
        catch (final VirtualMachineError ex)
        {
            // out of memory or stack: the loop closes this peer's connection (it reconnects) and serves the others
            actionErrors.incrementAndGet();
            warn("action " + f.name() + " threw " + ex + "; closing the connection of peer " + c.peerId(), null);
            throw ex;
        }
        catch (final Exception | LinkageError | AssertionError ex)
        {
            // also a LinkageError: the bundle that registered may be going; the loop goes on
            actionErrors.incrementAndGet();
            final long left = actionLog.admit(System.nanoTime());
            if (left >= 0)
            {
                warn("action " + f.name() + " failed; no reply (as DPDK)" + LogLimiter.suppressedNote(left), ex);
            }
            return;
        }
        if (MpKind.REQ == f.kind())
        {
            final byte[] r = null == response || null == response.params() ? EMPTY : response.params();
            final int[] fds = null == response || null == response.fds() ? Frame.NO_FDS : response.fds();
            if (r.length > maxParamLen || fds.length > FdSocket.MAX_FDS || (fds.length > 0 && !c.passesFds()))
            {
                actionErrors.incrementAndGet();
                final long left = actionLog.admit(System.nanoTime());
                if (left >= 0)
                {
                    warn("action " + f.name() + " replied " + r.length + " bytes (max " + maxParamLen + ") and "
                        + fds.length + " fds (max " + FdSocket.MAX_FDS + ", peer takes fds: " + c.passesFds()
                        + "); no reply" + LogLimiter.suppressedNote(left), null);
                }
                return;
            }
            c.write(MpKind.REP, f.id(), e.nameBytes, r, fds);
        }
    }

    /**
     * Runs a task on the dispatch thread.
     *
     * @param task the task.
     */
    protected void dispatch(final Runnable task)
    {
        dispatcher.execute(() ->
        {
            try
            {
                task.run();
            }
            catch (final RuntimeException ex)
            {
                warn("a callback threw", ex);
            }
            catch (final Error ex)
            {
                // the pool replaces the thread (its factory records the new dispatch thread)
                warn("a callback threw", ex);
                throw ex;
            }
        });
    }

    /**
     * Sends a one-way message to the given connections.
     *
     * @param name    the name.
     * @param params  the params.
     * @param targets where to.
     * @return how many were written.
     */
    protected int sendTo(final String name, final byte[] params, final Collection<MpConnection> targets)
    {
        return sendTo(name, params, Frame.NO_FDS, targets);
    }

    /**
     * Sends a one-way message with fds to the given connections (those that pass fds, when there are fds).
     *
     * @param name    the name.
     * @param params  the params.
     * @param fds     checked fds ({@link MpFds#checked}).
     * @param targets where to.
     * @return how many were written.
     */
    protected int sendTo(final String name, final byte[] params, final int[] fds,
        final Collection<MpConnection> targets)
    {
        final byte[] nb = MpWire.nameBytes(name);
        checkParams(params);
        int n = 0;
        for (final MpConnection c : targets)
        {
            if (c.write(MpKind.MSG, 0, nb, params, fds))
            {
                n++;
            }
        }
        return n;
    }

    private byte[] checkParams(final byte[] params)
    {
        if (null == params)
        {
            throw new MpException(MpException.INVALID, "null params");
        }
        if (params.length > maxParamLen)
        {
            throw new MpException(MpException.TOO_BIG, "params of " + params.length + " bytes over " + maxParamLen);
        }
        return params;
    }

    /**
     * A synchronous request to the given connections.
     *
     * @param name    the name.
     * @param params  the params.
     * @param timeout the timeout.
     * @param targets where to.
     * @return what arrived.
     */
    protected MpReply requestSync(final String name, final byte[] params, final Duration timeout,
        final Collection<MpConnection> targets)
    {
        return requestSync(name, params, Frame.NO_FDS, timeout, targets);
    }

    /**
     * A synchronous request with fds to the given connections (those that pass fds, when there are fds).
     *
     * @param name    the name.
     * @param params  the params.
     * @param fds     checked fds ({@link MpFds#checked}).
     * @param timeout the timeout.
     * @param targets where to.
     * @return what arrived.
     */
    protected MpReply requestSync(final String name, final byte[] params, final int[] fds, final Duration timeout,
        final Collection<MpConnection> targets)
    {
        if (Thread.currentThread() == dispatchThread || MpConnection.IoThread.current())
        {
            throw new MpException(MpException.IN_CALLBACK, "a synchronous request (" + name + ") from inside an "
                + "action or callback would block the thread that runs them; use requestAsync");
        }
        final SyncWaiter w = new SyncWaiter();
        final long deadline = System.nanoTime() + checked(timeout).toNanos();
        final byte[] nb = MpWire.nameBytes(name);
        checkParams(params);
        final MpConnection[] to = targets.toArray(new MpConnection[0]);
        // before the first REQ goes: the loop, woken by a reply, leaves these connections to this requester. Only
        // for a request to several: with one, the loop's wake-up measured no cost (it overlaps the requester's spin)
        // while the vCPU it keeps from idling wakes the next request's secondary faster (RESULTS §18)
        final boolean lend = to.length >= LEND_MIN_TARGETS;
        if (lend)
        {
            for (final MpConnection c : to)
            {
                c.beginWait();
            }
        }
        final Pending p;
        final MpReply r;
        try
        {
            p = requests.start(nb, params, fds, null, targets, w);
            r = w.await(deadline, SPIN_NS, to, io);
        }
        finally
        {
            if (lend)
            {
                for (final MpConnection c : to)
                {
                    c.endWait();
                }
            }
        }
        if (null != r)
        {
            return r;
        }
        // the deadline passed, or this thread was interrupted: completes it with what arrived
        requests.expire(p, !Thread.currentThread().isInterrupted());
        if (Thread.currentThread().isInterrupted())
        {
            throw new MpException(MpException.NOT_CONNECTED, "interrupted waiting for " + name);
        }
        MpReply done;
        // a completion that raced the deadline is being delivered by its thread at this moment
        while (null == (done = w.reply()))
        {
            Thread.yield();
        }
        return done;
    }

    private static Duration checked(final Duration timeout)
    {
        if (null == timeout || timeout.isNegative())
        {
            throw new MpException(MpException.INVALID, "bad timeout " + timeout);
        }
        return timeout;
    }

    /**
     * An asynchronous request to the given connections; the callback runs once on the dispatch thread.
     *
     * @param name     the name.
     * @param params   the params.
     * @param timeout  the timeout.
     * @param targets  where to.
     * @param callback the callback.
     */
    protected void requestAsync(final String name, final byte[] params, final Duration timeout,
        final Collection<MpConnection> targets, final MpCallback callback)
    {
        requestAsync(name, params, Frame.NO_FDS, timeout, targets, callback);
    }

    /**
     * An asynchronous request with fds (checked, {@link MpFds#checked}) to the given connections (those that pass
     * fds, when there are fds); the callback runs once on the dispatch thread.
     *
     * @param name     the name.
     * @param params   the params.
     * @param fds      the fds.
     * @param timeout  the timeout.
     * @param targets  where to.
     * @param callback the callback.
     */
    protected void requestAsync(final String name, final byte[] params, final int[] fds, final Duration timeout,
        final Collection<MpConnection> targets, final MpCallback callback)
    {
        if (null == callback)
        {
            throw new MpException(MpException.INVALID, "null callback");
        }
        start(name, params, fds, timeout, targets, r -> dispatch(() -> callback.onReply(r)));
    }

    private void start(final String name, final byte[] params, final int[] fds, final Duration timeout,
        final Collection<MpConnection> targets, final Consumer<MpReply> completion)
    {
        final byte[] nb = MpWire.nameBytes(name);
        checkParams(params);
        requests.start(nb, params, fds, checked(timeout), targets, completion);
    }

    /**
     * A connection is gone: every request waiting for it completes without its reply.
     *
     * @param c the connection.
     */
    protected void peerGone(final MpConnection c)
    {
        requests.peerGone(c);
    }

    /**
     * @return requests waiting for replies.
     */
    public int pendingRequests()
    {
        return requests.size();
    }

    /** Completes every pending request with what arrived, then stops the threads. */
    protected void shutdownEndpoint()
    {
        io.close();
        requests.expireAll();
        timer.shutdownNow();
        deferredExecutor.shutdownNow();
        dispatcher.shutdown();
        try
        {
            if (Thread.currentThread() != dispatchThread && !dispatcher.awaitTermination(2, TimeUnit.SECONDS))
            {
                dispatcher.shutdownNow();
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    private final class ActionEntry implements MpRegistration
    {
        final String name;
        final byte[] nameBytes;
        final MpAction action;
        final String owner;
        boolean live = true;

        ActionEntry(final String name, final byte[] nameBytes, final MpAction action, final String owner)
        {
            this.name = name;
            this.nameBytes = nameBytes;
            this.action = action;
            this.owner = owner;
        }

        @Override
        public String name()
        {
            return name;
        }

        @Override
        public void close()
        {
            // waits for a running invocation of this action (the dispatch thread holds the lock meanwhile)
            synchronized (this)
            {
                if (!live)
                {
                    return;
                }
                live = false;
            }
            if (actions.remove(name, this))
            {
                onRegistered(name, false);
            }
        }
    }
}
