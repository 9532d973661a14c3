package platform.common;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;

/**
 * Hands a feature's change events (a name and a text) from the thread that made the change, the master lcore, to a
 * thread of its own that gives them to a {@link Sink} (platform.mp's {@code MpChannel.publish}, which writes to
 * sockets and can block on a slow secondary). {@link #offer} never blocks: it puts the event in a bounded queue and
 * returns; a full queue drops the event and counts it. Without a sink {@code offer} does nothing, and no thread
 * runs: a feature keeps an {@code EventPublisher} whether or not anyone publishes.
 * <p>
 * Events are published in the order offered. The thread exists from the first {@link #bind} to the matching
 * {@link #unbind} (or {@link #close}); events still queued then are dropped (counted).
 * <p>
 * A feature binds its sink from an optional, dynamic DS reference whose bind method takes the
 * {@code ServiceReference} (so that DS never loads the service's type to find the method, and the feature runs
 * without the bundle that provides it): {@link #bindService} gets the service and makes the sink through an adapter,
 * the only class of the feature that names the service's API; {@link #unbindService} ungets it.
 */
public final class EventPublisher implements AutoCloseable
{
    /** Where events go; called on the publisher's thread only, one event at a time. */
    @FunctionalInterface
    public interface Sink
    {
        /**
         * @param name the event name.
         * @param text its text.
         * @throws Exception counted and logged (rate-limited); the next event is still published.
         */
        void publish(String name, String text) throws Exception;
    }

    /** How long {@link #unbind} waits for a publish in progress before it gives up waiting. */
    static final long UNBIND_WAIT_MS = 1_000;
    /** How often the thread looks whether it should stop while the queue is empty. */
    private static final long POLL_MS = 100;

    private final String threadName;
    private final Logger log;
    private final int capacity;
    /** The running thread's own queue: a thread that ends never takes an event meant for the next one. */
    private volatile BlockingQueue<String[]> queue;
    /** Held while the sink runs; {@link #unbind} takes it so that no publish starts after it returned. */
    private final ReentrantLock publishing = new ReentrantLock();
    private final LogLimiter failureLog = new LogLimiter(TimeUnit.SECONDS.toNanos(5));
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** The services got by {@link #bindService} (two while DS replaces one), ungot by {@link #unbindService}. */
    private final Set<ServiceReference<?>> held = ConcurrentHashMap.newKeySet();
    private volatile Sink sink;
    private Object key;
    /** The publishing thread; a thread that is no longer this one ends. */
    private volatile Thread thread;

    /**
     * @param threadName the publishing thread's name ("route-events").
     * @param capacity   events that may wait; one more is dropped.
     * @param log        where a failing sink is logged.
     */
    public EventPublisher(final String threadName, final int capacity, final Logger log)
    {
        this.threadName = threadName;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(1);
        this.log = log;
    }

    /** @return whether a sink is bound: callers format an event's text only then. */
    public boolean active()
    {
        return null != sink;
    }

    /**
     * Queues an event, never blocking (any thread; a lock is held for the insertion only).
     *
     * @param name the event name.
     * @param text its text.
     * @return whether it was queued: false without a sink, or when the queue is full (counted as dropped).
     */
    public boolean offer(final String name, final String text)
    {
        if (null == sink)
        {
            return false;
        }
        if (queue.offer(new String[] {name, text}))
        {
            return true;
        }
        dropped.incrementAndGet();
        return false;
    }

    /**
     * Binds the sink (replacing a bound one) and starts the thread if it is not running.
     *
     * @param bindKey what {@link #unbind} names it by (the service reference it came from).
     * @param s       the sink.
     */
    public synchronized void bind(final Object bindKey, final Sink s)
    {
        if (null == thread)
        {
            final BlockingQueue<String[]> q = new ArrayBlockingQueue<>(capacity);
            queue = q;
            final Thread t = new Thread(() -> run(q), threadName);
            t.setDaemon(true);
            thread = t;
            t.start();
        }
        this.key = bindKey;
        this.sink = s;
    }

    /**
     * Unbinds the sink if it is the one bound with that key: no publish starts after this returned, and a publish in
     * progress is waited for (at most {@value #UNBIND_WAIT_MS} ms: a sink blocked on a socket is left to fail on
     * its own rather than hold the caller, typically DS unbinding the service). The thread stops; queued events are
     * dropped.
     *
     * @param bindKey the key given to {@link #bind}.
     */
    public synchronized void unbind(final Object bindKey)
    {
        if (null == thread || !key.equals(bindKey))
        {
            return;
        }
        sink = null;
        key = null;
        final Thread t = thread;
        thread = null;
        try
        {
            if (publishing.tryLock(UNBIND_WAIT_MS, TimeUnit.MILLISECONDS))
            {
                publishing.unlock();
            }
            else
            {
                log.warn("{}: a publish still runs after {} ms; not waiting for it", threadName, UNBIND_WAIT_MS);
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        // the thread sees thread != itself and ends; never interrupted: that would close the sink's socket
        final int left = queue.size();
        queue.clear();
        dropped.addAndGet(left);
        if (t != Thread.currentThread())
        {
            try
            {
                t.join(POLL_MS * 2);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Gets the service behind a reference and binds the sink the adapter makes of it (DS's bind method).
     *
     * @param context the feature's bundle context.
     * @param ref     the service's reference.
     * @param adapter makes the sink of the service; the only place the service's API is named. A
     *                {@link LinkageError} from it (the API's package is not wired to the feature's bundle) leaves
     *                nothing bound and is logged.
     * @return whether a sink is bound now.
     */
    public boolean bindService(final BundleContext context, final ServiceReference<?> ref,
        final Function<Object, Sink> adapter)
    {
        final Object service = context.getService(ref);
        if (null == service)
        {
            return false;
        }
        held.add(ref);
        try
        {
            bind(ref, adapter.apply(service));
            return true;
        }
        catch (final LinkageError e)
        {
            held.remove(ref);
            context.ungetService(ref);
            log.info("{}: the service's API is not wired to {} (refresh it to publish): {}", threadName,
                context.getBundle().getSymbolicName(), e.toString());
            return false;
        }
    }

    /**
     * Unbinds the sink of that reference ({@link #unbind}) and ungets its service (DS's unbind method).
     *
     * @param context the feature's bundle context.
     * @param ref     the service's reference.
     */
    public void unbindService(final BundleContext context, final ServiceReference<?> ref)
    {
        unbind(ref);
        if (held.remove(ref))
        {
            context.ungetService(ref);
        }
    }

    /** Unbinds whatever sink is bound and stops the thread. */
    @Override
    public synchronized void close()
    {
        if (null != key)
        {
            unbind(key);
        }
    }

    private boolean current()
    {
        return thread == Thread.currentThread();
    }

    private void run(final BlockingQueue<String[]> q)
    {
        while (current())
        {
            final String[] e;
            try
            {
                e = q.poll(POLL_MS, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            if (null != e)
            {
                publish(e);
            }
        }
    }

    private void publish(final String[] e)
    {
        publishing.lock();
        try
        {
            final Sink s = sink;
            if (null == s)
            {
                dropped.incrementAndGet();
                return;
            }
            s.publish(e[0], e[1]);
            published.incrementAndGet();
        }
        catch (final Exception ex)
        {
            failed.incrementAndGet();
            final long left = failureLog.admit(System.nanoTime());
            if (left >= 0)
            {
                log.warn("{}: event {} not published{}", threadName, e[0], LogLimiter.suppressedNote(left), ex);
            }
        }
        finally
        {
            publishing.unlock();
        }
    }

    /** @return events given to the sink. */
    public long published()
    {
        return published.get();
    }

    /** @return events dropped: the queue was full, or they were still queued at an unbind. */
    public long dropped()
    {
        return dropped.get();
    }

    /** @return events the sink threw on. */
    public long failed()
    {
        return failed.get();
    }

    /** @return "published N, dropped N, failed N, sink bound|none", for a feature's stats command. */
    public String describe()
    {
        return "published " + published.get() + ", dropped " + dropped.get() + ", failed " + failed.get()
            + (active() ? ", a subscriber channel is bound" : ", no channel bound");
    }

    /**
     * @param text a text.
     * @param max  the most bytes.
     * @return its UTF-8 bytes, cut to at most {@code max} bytes at a character boundary.
     */
    public static byte[] utf8(final String text, final int max)
    {
        final byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length <= max)
        {
            return b;
        }
        int n = max;
        // back off over continuation bytes (10xxxxxx) so that no character is cut in half
        while (n > 0 && (b[n] & 0xc0) == 0x80)
        {
            n--;
        }
        return Arrays.copyOf(b, n);
    }
}
