package bench.sockopt;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A raw Java Unix-domain sockopt echo server, the floor the platform's control socket is measured against.
 */
interface EchoServer extends AutoCloseable
{
    /**
     * @param kind {@code echo-selector} or {@code echo-blocking}.
     * @param path where to listen.
     * @return the started server.
     * @throws IOException when the socket cannot be bound.
     */
    static EchoServer start(final String kind, final Path path) throws IOException
    {
        switch (kind)
        {
            case "echo-selector":
                return SelectorEchoServer.start(path);
            case "echo-blocking":
                return BlockingEchoServer.start(path);
            default:
                throw new IllegalArgumentException("unknown echo server " + kind);
        }
    }

    /**
     * @return what it served, e.g. "requests 123, connections 4".
     */
    String describe();

    @Override
    void close();
}
