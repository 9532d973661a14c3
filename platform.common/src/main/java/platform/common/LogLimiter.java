package platform.common;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line of a kind through per interval and counts the rest, so that the next line can say how many
 * were left out. One limiter per kind of event: a shared one would report other kinds' events as "similar".
 * Lock-free and allocation-free, safe from any thread (a job failing on several lcores at once).
 * <p>
 * <pre>
 * final long left = limiter.admit(System.nanoTime());
 * if (left >= 0)
 * {
 *     LOG.warn("client stalled{}", LogLimiter.suppressedNote(left));
 * }
 * </pre>
 */
public final class LogLimiter
{
    /** No line let through yet: the first one always is, whatever the clock's origin. */
    private static final long NEVER = Long.MIN_VALUE;

    private final long intervalNs;
    private final AtomicLong lastNs = new AtomicLong(NEVER);
    private final AtomicLong suppressed = new AtomicLong();

    /**
     * @param intervalNs at most one line per this many nanoseconds.
     */
    public LogLimiter(final long intervalNs)
    {
        this.intervalNs = intervalNs;
    }

    /**
     * @param nowNs the caller's {@code System.nanoTime()}.
     * @return -1 when this event is not to be logged (it is counted); else the events left out since the last one
     *         let through.
     */
    public long admit(final long nowNs)
    {
        final long last = lastNs.get();
        if ((NEVER == last || nowNs - last >= intervalNs) && lastNs.compareAndSet(last, nowNs))
        {
            return suppressed.getAndSet(0);
        }
        suppressed.incrementAndGet();
        return -1;
    }

    /**
     * @return events left out since the last one let through.
     */
    public long suppressed()
    {
        return suppressed.get();
    }

    /**
     * @param left what {@link #admit} returned.
     * @return "" for 0, else a note like " (12 similar messages suppressed)" to append to the line.
     */
    public static String suppressedNote(final long left)
    {
        return left <= 0 ? "" : " (" + left + " similar messages suppressed)";
    }
}
