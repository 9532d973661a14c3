package platform.sockopt.impl;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.sockopt.api.Sockopt;
import platform.sockopt.api.SockoptSpec;

/**
 * Ad-hoc measurement (not a test, not a benchmark): isolated vs back-to-back one-shot requests, split at the
 * handler's entry. Run with the test class path: {@code IsolatedRequestLatency busy-spin|yield|backoff PAUSE_MS N}.
 */
public final class IsolatedRequestLatency
{
    static volatile long handlerNs;

    public static void main(final String[] args) throws Exception
    {
        final String idle = args[0];
        final int pauseMs = Integer.parseInt(args[1]);
        final int n = Integer.parseInt(args[2]);
        final LcoreScheduler lcores = TestLcores.start("lcore 0 role MASTER cpu none idle " + idle + "\n");
        final Path path = Files.createTempDirectory("lat").resolve("l.ipc");
        final SockoptCore core = new SockoptCore(ServerConfig.defaults(path), lcores);
        core.start();
        core.register(SockoptSpec.builder("t").get(500, 500, (req, rep) ->
        {
            handlerNs = System.nanoTime();
            return Edpvs.OK;
        }).build(), "lat");
        final ByteBuffer req = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(Sockopt.VERSION)
            .putInt(500).putInt(0).putInt(0).putLong(0).flip();
        final ByteBuffer rep = ByteBuffer.allocate(88);
        final long[] total = new long[n];
        final long[] toHandler = new long[n];
        final long[] connect = new long[n];
        final long[] write = new long[n];
        final long[] back = new long[n];
        for (int w = 0; w < 2000; w++)
        {
            one(path, req, rep);
        }
        final long rings0 = core.server.doorbell.rings.get();
        for (int i = 0; i < n; i++)
        {
            if (pauseMs > 0)
            {
                Thread.sleep(pauseMs);
            }
            final long t0 = System.nanoTime();
            final long[] ts = one(path, req, rep);
            total[i] = ts[2] - t0;
            toHandler[i] = handlerNs - ts[1];
            connect[i] = ts[0] - t0;
            write[i] = ts[1] - ts[0];
            back[i] = ts[2] - handlerNs;
        }
        final long rings = core.server.doorbell.rings.get() - rings0;
        Arrays.sort(total);
        Arrays.sort(toHandler);
        Arrays.sort(connect);
        Arrays.sort(write);
        Arrays.sort(back);
        System.out.printf("  p50 connect %.3f, write %.3f, written->handler %.3f, handler->reply read %.3f ms%n",
            connect[n / 2] / 1e6, write[n / 2] / 1e6, toHandler[n / 2] / 1e6, back[n / 2] / 1e6);
        System.out.printf("idle=%s pause=%dms n=%d: total p50 %.3f ms p90 %.3f ms; connect+write->handler p50 %.3f ms;"
            + " doorbell rings %d%n", idle, pauseMs, n, total[n / 2] / 1e6, total[n * 9 / 10] / 1e6,
            toHandler[n / 2] / 1e6, rings);
        core.stop();
        TestLcores.stop(lcores);
    }

    private static long[] one(final Path path, final ByteBuffer req, final ByteBuffer rep) throws Exception
    {
        final long[] ts = new long[3];
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path)))
        {
            ts[0] = System.nanoTime();
            ch.write(req.duplicate());
            ts[1] = System.nanoTime();
            rep.clear();
            while (rep.hasRemaining() && ch.read(rep) >= 0)
            {
            }
            ts[2] = System.nanoTime();
        }
        return ts;
    }
}
