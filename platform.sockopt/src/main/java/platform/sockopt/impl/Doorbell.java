package platform.sockopt.impl;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.LcoreScheduler;

/**
 * The thread {@value #THREAD_NAME}: holds the server's selector while the master lcore's job is cold.
 * <p>
 * The master lcore may park (its idle strategy) and nothing in the kernel wakes a parked thread for a socket it
 * polls with {@code selectNow}. So when the job goes cold it calls {@link #arm(long)} and stops touching the
 * selector: this thread blocks in {@code select()} on the listening socket and every open connection, until one is
 * ready or the nearest timeout is due, then gives the selector back (clears {@link #armed()}) and wakes the master
 * lcore, and sleeps until it is armed again. Readiness is level-triggered: what became ready just before a
 * {@code select()} makes it return at once, and the master's {@code selectNow} sees it again, so nothing is missed
 * at either hand-over.
 */
final class Doorbell
{
    static final String THREAD_NAME = "sockopt-doorbell";
    private static final Logger LOG = LoggerFactory.getLogger(Doorbell.class);
    private static final long RETRY_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Selector selector;
    private final LcoreScheduler scheduler;
    private final String what;
    private final Thread thread;
    /**
     * The selector's owner: set by the master lcore when its job goes cold (it then leaves the selector alone),
     * cleared by this thread after its {@code select} returned.
     */
    private volatile boolean armed;
    /** How long a select may block: until the nearest timeout the master enforces; 0 for no limit. */
    private long timeoutMs;
    private volatile boolean stopping;

    /** Times the doorbell woke the master lcore for a ready socket (a client, a request, room to write). */
    final AtomicLong rings = new AtomicLong();
    /** Times the doorbell woke the master lcore for a due request or idle timeout. */
    final AtomicLong timeouts = new AtomicLong();

    Doorbell(final Selector selector, final LcoreScheduler scheduler, final String what)
    {
        this.selector = selector;
        this.scheduler = scheduler;
        this.what = what;
        this.thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    /** @return true while this thread holds the selector: the master lcore must not touch it. */
    boolean armed()
    {
        return armed;
    }

    /**
     * Hands the selector over (master lcore only, while not armed).
     *
     * @param timeoutMs how long the select may block, 0 for no limit.
     */
    void arm(final long timeoutMs)
    {
        this.timeoutMs = timeoutMs;
        armed = true; // publishes timeoutMs; from here on only this thread touches the selector
        LockSupport.unpark(thread);
    }

    /** Stops the thread and waits for it (5 s at most). */
    void stop()
    {
        stopping = true;
        selector.wakeup();
        LockSupport.unpark(thread);
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void run()
    {
        while (!stopping)
        {
            if (!armed)
            {
                LockSupport.park(this);
                continue;
            }
            final long t = timeoutMs; // written before armed was set
            final int ready;
            try
            {
                ready = 0 == t ? selector.select() : selector.select(t);
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
                LOG.warn("control socket doorbell on {} failed: {}", what, ex.toString());
                armed = false;
                scheduler.wake(scheduler.masterLcoreId());
                LockSupport.parkNanos(RETRY_NS);
                continue;
            }
            if (stopping)
            {
                return;
            }
            (ready > 0 ? rings : timeouts).incrementAndGet();
            armed = false;
            scheduler.wake(scheduler.masterLcoreId());
        }
    }
}
