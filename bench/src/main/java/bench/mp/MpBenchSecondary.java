package bench.mp;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import bench.util.ThreadCpu;
import platform.mp.client.MpSecondary;

/**
 * One secondary JVM of {@link MpChannelBenchmark}: attaches to the primary's runtime directory as a secondary
 * ({@link MpSecondary}) whose action {@value MpChannelBenchmark#ECHO} answers every request with its own params,
 * and serves the floor beside it: a Unix-domain socket at the given path echoing fixed-size frames (one blocking
 * thread per connection: read the frame fully, write it back). Prints {@code READY} once both serve; ends when its
 * standard input closes (the benchmark's fork died or closed it) or when killed.
 * <p>
 * Usage: {@code java -cp CP bench.mp.MpBenchSecondary MP_DIR ECHO_SOCKET FRAME_BYTES}
 */
public final class MpBenchSecondary
{
    private MpBenchSecondary()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args[0]);
        final Path echoPath = Path.of(args[1]);
        final int frameBytes = Integer.parseInt(args[2]);
        final MpSecondary secondary = MpSecondary.attach(dir);
        final java.util.concurrent.atomic.AtomicLong served = new java.util.concurrent.atomic.AtomicLong();
        secondary.register(MpChannelBenchmark.ECHO, m ->
        {
            served.incrementAndGet();
            return m.params();
        });
        Files.deleteIfExists(echoPath);
        final ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(echoPath));
        final Thread acceptor = new Thread(() -> accept(server, frameBytes), "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        System.out.println("READY");
        System.out.flush();
        // the parent's end of our stdin closes when it ends, whatever way: end with it
        while (System.in.read() >= 0)
        {
            // nothing to read but the end
        }
        // where this JVM's CPU went (read by the benchmark from this process's log)
        final StringBuilder cpu = new StringBuilder(ThreadCpu.describe("# secondary thread CPU ms:", 20_000_000L,
            name -> name.startsWith("mp-secondary-io") ? served.get() : 0));
        if (ECHO_FRAMES.get() > 0)
        {
            cpu.append(String.format("; echo threads %.1f us a frame, %d frames", ECHO_CPU_NS.get() / 1000.0
                / ECHO_FRAMES.get(), ECHO_FRAMES.get()));
        }
        System.err.println(cpu);
        System.err.flush();
        secondary.close();
        server.close();
        Files.deleteIfExists(echoPath);
        System.exit(0);
    }

    private static void accept(final ServerSocketChannel server, final int frameBytes)
    {
        while (server.isOpen())
        {
            try
            {
                final SocketChannel ch = server.accept();
                final Thread t = new Thread(() -> echo(ch, frameBytes), "echo-conn");
                t.setDaemon(true);
                t.start();
            }
            catch (final IOException e)
            {
                return;
            }
        }
    }

    /** The echo threads' CPU and frames, added when each ends (the benchmark closes its connections first). */
    private static final java.util.concurrent.atomic.AtomicLong ECHO_CPU_NS = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong ECHO_FRAMES = new java.util.concurrent.atomic.AtomicLong();

    private static void echo(final SocketChannel ch, final int frameBytes)
    {
        long frames = 0;
        final ByteBuffer b = ByteBuffer.allocateDirect(frameBytes);
        try (ch)
        {
            while (true)
            {
                b.clear();
                while (b.hasRemaining())
                {
                    if (ch.read(b) < 0)
                    {
                        return;
                    }
                }
                b.flip();
                while (b.hasRemaining())
                {
                    ch.write(b);
                }
                frames++;
            }
        }
        catch (final IOException e)
        {
            // the benchmark closed its end
        }
        finally
        {
            ECHO_CPU_NS.addAndGet(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
            ECHO_FRAMES.addAndGet(frames);
        }
    }
}
