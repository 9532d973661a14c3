package platform.sockopt.impl;

import java.nio.file.Path;

/**
 * The server's settings.
 *
 * @param path              the socket path (already resolved).
 * @param maxRequestLength  request bodies over this are refused (default 1 MiB).
 * @param maxReplyLength    reply bodies a handler may reserve at most.
 * @param budget            requests handled per master loop iteration at most.
 * @param requestTimeoutMs  a request not complete this long after its first byte, or a new connection without a
 *                          whole header this long after its accept, is answered with an error and closed.
 * @param idleTimeoutMs     a kept connection with no request this long is closed.
 * @param maxConnections    connections served at once; more get an EDPVS_RESOURCE reply and are closed.
 * @param bodyBudget        bytes all pending request bodies may hold together (default 16 MiB); what would go
 *                          over it is refused with EDPVS_NOMEM.
 * @param backlog           the listen backlog (default 1024).
 */
record ServerConfig(Path path, long maxRequestLength, int maxReplyLength, int budget, long requestTimeoutMs,
    long idleTimeoutMs, int maxConnections, long bodyBudget, int backlog)
{
    static final long DEFAULT_MAX_REQUEST = 1L << 20;
    static final int DEFAULT_MAX_REPLY = 64 << 20;
    static final long DEFAULT_BODY_BUDGET = 16L << 20;
    static final int DEFAULT_BACKLOG = 1024;

    static ServerConfig defaults(final Path path)
    {
        return builder().build(path);
    }

    /** With the default body budget and backlog. */
    ServerConfig(final Path path, final long maxRequestLength, final int maxReplyLength, final int budget,
        final long requestTimeoutMs, final long idleTimeoutMs, final int maxConnections)
    {
        this(path, maxRequestLength, maxReplyLength, budget, requestTimeoutMs, idleTimeoutMs, maxConnections,
            DEFAULT_BODY_BUDGET, DEFAULT_BACKLOG);
    }

    ServerConfig
    {
        if (maxRequestLength < 0 || maxReplyLength < 0 || budget < 1 || requestTimeoutMs < 1 || idleTimeoutMs < 1
            || maxConnections < 1 || bodyBudget < 0 || backlog < 1)
        {
            throw new IllegalArgumentException("bad sockopt server settings: " + path + ", max request "
                + maxRequestLength + ", max reply " + maxReplyLength + ", budget " + budget + ", request timeout "
                + requestTimeoutMs + " ms, idle timeout " + idleTimeoutMs + " ms, max connections "
                + maxConnections + ", body budget " + bodyBudget + ", backlog " + backlog);
        }
    }

    static Builder builder()
    {
        return new Builder();
    }

    /** The defaults, changed one setting at a time. */
    static final class Builder
    {
        private long maxRequestLength = DEFAULT_MAX_REQUEST;
        private int maxReplyLength = DEFAULT_MAX_REPLY;
        private int budget = 64;
        private long requestTimeoutMs = 5_000;
        private long idleTimeoutMs = 300_000;
        private int maxConnections = 1024;
        private long bodyBudget = DEFAULT_BODY_BUDGET;
        private int backlog = DEFAULT_BACKLOG;

        Builder maxRequestLength(final long bytes)
        {
            this.maxRequestLength = bytes;
            return this;
        }

        Builder requestTimeoutMs(final long ms)
        {
            this.requestTimeoutMs = ms;
            return this;
        }

        Builder idleTimeoutMs(final long ms)
        {
            this.idleTimeoutMs = ms;
            return this;
        }

        Builder maxConnections(final int n)
        {
            this.maxConnections = n;
            return this;
        }

        Builder bodyBudget(final long bytes)
        {
            this.bodyBudget = bytes;
            return this;
        }

        Builder backlog(final int n)
        {
            this.backlog = n;
            return this;
        }

        ServerConfig build(final Path path)
        {
            return new ServerConfig(path, maxRequestLength, maxReplyLength, budget, requestTimeoutMs, idleTimeoutMs,
                maxConnections, bodyBudget, backlog);
        }
    }
}
