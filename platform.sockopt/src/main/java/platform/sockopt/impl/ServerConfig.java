package platform.sockopt.impl;

import java.nio.file.Path;

/**
 * The server's settings.
 *
 * @param path              the socket path (already resolved).
 * @param maxRequestLength  request bodies over this are refused (default 1 MiB).
 * @param maxReplyLength    reply bodies a handler may reserve at most.
 * @param budget            requests handled per master loop iteration at most.
 * @param requestTimeoutMs  a request not complete this long after its first byte is answered with an error and its
 *                          connection closed (a stalled client).
 * @param idleTimeoutMs     a kept connection with no request this long is closed.
 * @param maxConnections    connections served at once; more are closed at once.
 */
record ServerConfig(Path path, long maxRequestLength, int maxReplyLength, int budget, long requestTimeoutMs,
    long idleTimeoutMs, int maxConnections)
{
    static final long DEFAULT_MAX_REQUEST = 1L << 20;
    static final int DEFAULT_MAX_REPLY = 64 << 20;

    static ServerConfig defaults(final Path path)
    {
        return new ServerConfig(path, DEFAULT_MAX_REQUEST, DEFAULT_MAX_REPLY, 64, 5_000, 300_000, 1024);
    }

    ServerConfig
    {
        if (maxRequestLength < 0 || maxReplyLength < 0 || budget < 1 || requestTimeoutMs < 1 || idleTimeoutMs < 1
            || maxConnections < 1)
        {
            throw new IllegalArgumentException("bad sockopt server settings: " + path + ", max request "
                + maxRequestLength + ", max reply " + maxReplyLength + ", budget " + budget + ", request timeout "
                + requestTimeoutMs + " ms, idle timeout " + idleTimeoutMs + " ms, max connections "
                + maxConnections);
        }
    }
}
