package bench.sockopt;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The classic blocking server: a thread blocked in {@code accept()} hands each connection to a thread of a cached
 * pool, which serves it with blocking reads and writes until the client closes.
 */
final class BlockingEchoServer implements EchoServer
{
    private final ServerSocketChannel server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r ->
    {
        final Thread t = new Thread(r, "echo-blocking-conn");
        t.setDaemon(true);
        return t;
    });
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();

    private BlockingEchoServer(final ServerSocketChannel server)
    {
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "echo-blocking-accept");
        acceptor.setDaemon(true);
    }

    static BlockingEchoServer start(final Path path) throws IOException
    {
        final ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path), 64);
        final BlockingEchoServer s = new BlockingEchoServer(server);
        s.acceptor.start();
        return s;
    }

    private void acceptLoop()
    {
        while (server.isOpen())
        {
            try
            {
                final SocketChannel ch = server.accept();
                connections.incrementAndGet();
                open.add(ch);
                pool.execute(() -> serve(ch));
            }
            catch (final ClosedChannelException closed)
            {
                return;
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException("accept failed", ex);
            }
        }
    }

    private void serve(final SocketChannel ch)
    {
        final EchoFrame f = new EchoFrame();
        try (ch)
        {
            while (true)
            {
                if (ch.read(f.header) < 0)
                {
                    return;
                }
                if (f.header.hasRemaining())
                {
                    continue;
                }
                if (!f.startBody())
                {
                    return;
                }
                while (f.body.hasRemaining())
                {
                    if (ch.read(f.body) < 0)
                    {
                        return;
                    }
                }
                requests.incrementAndGet();
                ch.write(f.reply());
                while (!f.replyWritten())
                {
                    ch.write(f.reply);
                }
                if (!f.keepAlive())
                {
                    return; // one request per connection, as DPVS's tools send them: close now
                }
                f.next();
            }
        }
        catch (final IOException ex)
        {
            // the client went away mid-request; nothing to serve
        }
        finally
        {
            open.remove(ch);
        }
    }

    @Override
    public String describe()
    {
        return "requests " + requests.get() + ", connections " + connections.get();
    }

    @Override
    public void close()
    {
        try
        {
            server.close();
            acceptor.join(5_000);
            for (final SocketChannel ch : open)
            {
                ch.close();
            }
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final IOException | InterruptedException ex)
        {
            throw new IllegalStateException("closing the echo server", ex);
        }
    }
}
