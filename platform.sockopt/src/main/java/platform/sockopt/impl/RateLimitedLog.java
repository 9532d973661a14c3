package platform.sockopt.impl;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

import platform.common.LogLimiter;

/**
 * Warnings of the master lcore at most once a second per kind, each kind with its own count of what was left out:
 * "12 similar messages suppressed" then counts messages of that kind only (a shared limiter reported 455 where 66
 * clients had stalled, the rest being other kinds).
 */
final class RateLimitedLog
{
    /** What a warning is about; each kind is limited on its own. */
    enum Kind
    {
        /** A request cut short, an oversized or bad-typed header, a version mismatch. */
        MALFORMED,
        /** A client that stopped mid-request, or never sent a whole header, past the request timeout. */
        STALLED,
        /** A new client refused at the connection limit. */
        FULL,
        /** A request refused because the memory budget of pending bodies had no room for it. */
        NO_MEMORY,
        /** A handler that threw. */
        HANDLER,
        /** Something thrown while serving one connection (it was closed). */
        CONNECTION,
        /** Accept or selector failures. */
        IO
    }

    static final long INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final Logger log;
    private final LongSupplier clock;
    /** One gate per kind (platform.common's, shared with the other bundles' rate-limited logs). */
    private final LogLimiter[] limiters = new LogLimiter[Kind.values().length];

    RateLimitedLog(final Logger log, final LongSupplier clock)
    {
        this.log = log;
        this.clock = clock;
        for (int i = 0; i < limiters.length; i++)
        {
            limiters[i] = new LogLimiter(INTERVAL_NS);
        }
    }

    /**
     * @param kind   what it is about.
     * @param format an SLF4J format with one placeholder.
     * @param arg    its argument (a Throwable is logged with its stack trace).
     * @return the suppressed messages of this kind reported with it, or -1 when this one was suppressed.
     */
    long warn(final Kind kind, final String format, final Object arg)
    {
        final long left = limiters[kind.ordinal()].admit(clock.getAsLong());
        if (left > 0)
        {
            log.warn("control socket: " + format + " ({} similar messages suppressed in the last second)", arg,
                left);
        }
        else if (0 == left)
        {
            log.warn("control socket: " + format, arg);
        }
        return left;
    }

    /** @return messages of this kind suppressed since the last one logged. */
    long suppressed(final Kind kind)
    {
        return limiters[kind.ordinal()].suppressed();
    }
}
