package platform.sockopt.impl;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the control socket counts: written by the master lcore, read by {@code sockopt:stats} and the tests.
 */
final class ServerCounters
{
    /** Connections accepted and served. */
    final AtomicLong connections = new AtomicLong();
    /** New clients refused at the connection limit (each got an EDPVS_RESOURCE reply). */
    final AtomicLong refused = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    /** Connections closed right after their one request (no KEEP_ALIVE), as DPVS closes them. */
    final AtomicLong oneShotClosed = new AtomicLong();
    final AtomicLong notSupported = new AtomicLong();
    final AtomicLong versionMismatch = new AtomicLong();
    /** Requests cut short, over the maximum length or of a bad type. */
    final AtomicLong malformed = new AtomicLong();
    /** Requests refused because the budget of pending bodies had no room (EDPVS_NOMEM). */
    final AtomicLong noMemory = new AtomicLong();
    final AtomicLong handlerErrors = new AtomicLong();
    final AtomicLong handlerThrew = new AtomicLong();
    /** Clients closed after stalling mid-request past the request timeout. */
    final AtomicLong timedOut = new AtomicLong();
    /** Clients closed for not sending a whole first header within the request timeout. */
    final AtomicLong headerTimedOut = new AtomicLong();
    /** Connections closed because serving them threw (an Error such as OutOfMemoryError included). */
    final AtomicLong connectionFailures = new AtomicLong();
    final AtomicLong ioErrors = new AtomicLong();
}
