package bench.sockopt;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * One thread blocked in {@code select()}, accepting and serving every connection without blocking: the shape of
 * the platform's server (one serving thread, non-blocking I/O) without the lcore, the accept thread hand-off, the
 * registry, the budgets and the timeouts.
 */
final class SelectorEchoServer implements EchoServer
{
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final Consumer<SelectionKey> onReady = this::onReady;
    private volatile boolean running = true;
    private long requests;
    private long connections;

    private SelectorEchoServer(final ServerSocketChannel server, final Selector selector)
    {
        this.server = server;
        this.selector = selector;
        this.thread = new Thread(this::run, "echo-selector");
        thread.setDaemon(true);
    }

    static SelectorEchoServer start(final Path path) throws IOException
    {
        final ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path), 64);
        server.configureBlocking(false);
        final Selector selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        final SelectorEchoServer s = new SelectorEchoServer(server, selector);
        s.thread.start();
        return s;
    }

    private void run()
    {
        while (running)
        {
            try
            {
                selector.select(onReady);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException("select failed", ex);
            }
        }
    }

    private void onReady(final SelectionKey key)
    {
        try
        {
            if (key.isAcceptable())
            {
                SocketChannel ch;
                while (null != (ch = server.accept()))
                {
                    ch.configureBlocking(false);
                    ch.register(selector, SelectionKey.OP_READ, new EchoFrame());
                    connections++;
                }
                return;
            }
            final SocketChannel ch = (SocketChannel)key.channel();
            final EchoFrame f = (EchoFrame)key.attachment();
            if (key.isWritable())
            {
                ch.write(f.reply);
                if (!f.replyWritten())
                {
                    return;
                }
                if (!f.keepAlive())
                {
                    ch.close();
                    return;
                }
                f.next();
                key.interestOps(SelectionKey.OP_READ);
            }
            while (true)
            {
                if (f.header.hasRemaining())
                {
                    if (ch.read(f.header) < 0)
                    {
                        ch.close();
                        return;
                    }
                    if (f.header.hasRemaining())
                    {
                        return;
                    }
                    if (!f.startBody())
                    {
                        ch.close();
                        return;
                    }
                }
                if (f.body.hasRemaining() && ch.read(f.body) < 0)
                {
                    ch.close();
                    return;
                }
                if (f.body.hasRemaining())
                {
                    return;
                }
                requests++;
                ch.write(f.reply());
                if (!f.replyWritten())
                {
                    key.interestOps(SelectionKey.OP_WRITE);
                    return;
                }
                if (!f.keepAlive())
                {
                    ch.close(); // one request per connection, as DPVS's tools send them: close now
                    return;
                }
                f.next();
            }
        }
        catch (final IOException ex)
        {
            key.cancel();
            try
            {
                key.channel().close();
            }
            catch (final IOException ignore)
            {
                // closing after a failure
            }
        }
    }

    @Override
    public String describe()
    {
        return "requests " + requests + ", connections " + connections;
    }

    @Override
    public void close()
    {
        running = false;
        selector.wakeup();
        try
        {
            thread.join(5_000);
            for (final SelectionKey k : selector.keys())
            {
                k.channel().close();
            }
            selector.close();
            server.close();
        }
        catch (final IOException | InterruptedException ex)
        {
            throw new IllegalStateException("closing the echo server", ex);
        }
    }
}
