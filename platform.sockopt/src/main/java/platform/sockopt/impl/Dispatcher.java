package platform.sockopt.impl;

import java.util.concurrent.locks.LockSupport;

import platform.lcore.api.Edpvs;
import platform.sockopt.api.Sockopt;
import platform.sockopt.impl.RateLimitedLog.Kind;

/**
 * Answers a framed request on the master lcore: finds its range, checks its version, runs its handler (an
 * exception becomes EDPVS_CALLBACKFAIL) and writes the reply header. It also knows which range's handler runs
 * now, so that closing a registration can wait for a call in progress ({@link #awaitNotServing}).
 */
final class Dispatcher
{
    private final Registry registry;
    private final ServerCounters counters;
    private final BodyBudget bodyBudget;
    private final RateLimitedLog log;
    /** The master lcore, once the job ran: a handler closing its own registration there must not wait for itself. */
    volatile Thread masterThread;
    /** The range whose handler runs now (written by the master lcore only). */
    private volatile RangeEntry serving;

    Dispatcher(final Registry registry, final ServerCounters counters, final BodyBudget bodyBudget,
        final RateLimitedLog log)
    {
        this.registry = registry;
        this.counters = counters;
        this.bodyBudget = bodyBudget;
        this.log = log;
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

    /** Answers the request just read: finds its range, runs the handler, prepares the reply. */
    void dispatch(final Conn c)
    {
        counters.requests.incrementAndGet();
        int rc;
        if (Edpvs.OK != c.refusal)
        {
            rc = c.refusal; // its text is in c.message, closeAfterWrite is set
            c.replyLength = 0;
        }
        else
        {
            c.resetReply();
            final RangeEntry e = registry.lookup(c.type, c.id);
            if (null == e)
            {
                counters.notSupported.incrementAndGet();
                rc = error(c, Edpvs.NOTSUPP, "no " + Sockopt.typeName(c.type) + " sockopt " + c.id + " registered");
            }
            else if (e.version != c.version)
            {
                // another protocol version: its next request cannot be trusted to be framed as ours
                counters.versionMismatch.incrementAndGet();
                log.warn(Kind.MALFORMED, "version mismatch: {}", e.name);
                rc = error(c, Edpvs.INVAL, String.format("sockopt version 0x%x, %s wants 0x%x", c.version, e.name,
                    e.version));
                c.closeAfterWrite = true;
            }
            else
            {
                rc = invoke(c, e);
            }
        }
        bodyBudget.release(c.releaseBody()); // the body is valid during the handler call only
        c.replyBody.clear().limit(RequestFraming.putReplyHeader(c.replyHeader, c.id, c.type, rc, c.message,
            c.replyLength));
        c.state = Conn.WRITE;
    }

    private int invoke(final Conn c, final RangeEntry e)
    {
        serving = e;
        try
        {
            if (e.closed)
            {
                counters.notSupported.incrementAndGet();
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
                counters.handlerThrew.incrementAndGet();
                log.warn(Kind.HANDLER, "sockopt handler threw", th);
                return error(c, Edpvs.CALLBACKFAIL, e.name + " handler failed: " + th.getClass().getSimpleName());
            }
            if (Edpvs.OK != rc)
            {
                e.errors.incrementAndGet();
                counters.handlerErrors.incrementAndGet();
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
}
