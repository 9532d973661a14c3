package platform.mp.client;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;

import platform.mp.api.MpMessage;
import platform.mp.api.MpReply;

/**
 * A secondary on the command line, from the bundle jar on a plain class path:
 * <pre>
 * java -cp platform.mp.jar platform.mp.client.MpCli [--dir DIR] info
 * java -cp platform.mp.jar platform.mp.client.MpCli [--dir DIR] request NAME [TEXT] [--timeout MS] [--fd FILE]...
 * java -cp platform.mp.jar platform.mp.client.MpCli [--dir DIR] send NAME [TEXT] [--fd FILE]...
 * java -cp platform.mp.jar platform.mp.client.MpCli [--dir DIR] watch NAME [--count N]
 * java -cp platform.mp.jar platform.mp.client.MpCli [--dir DIR] stats [PREFIX]
 * </pre>
 * {@code stats} prints the statistics segment's counters ("NAME VALUE", those starting with PREFIX), read with no
 * request.
 * {@code watch} subscribes to an event (registers an action of its name, e.g. {@code platform.bundle}) and prints
 * each message as "NAME TEXT" until N were printed (default: until killed). {@code --fd FILE} (up to 8) sends an fd
 * of each file, opened read-only, with the message (JNA on the class path: {@code -cp platform.mp.jar:jna.jar}).
 * The directory defaults as the primary's does ({@link MpRuntimeInfo#defaultDir}). Exit status 0, 1 when a request
 * got fewer replies than it counts, 2 for a usage or connection error.
 */
public final class MpCli
{
    private MpCli()
    {
    }

    /**
     * @param args the command line.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.getenv()));
    }

    /**
     * Runs one command (also {@code dplanectl mp ...}).
     *
     * @param args the command line.
     * @param out  where the output goes.
     * @param env  the environment (the runtime directory's default).
     * @return 0, 1 when a request got fewer replies than it counts, 2 for a usage or connection error.
     */
    public static int run(final String[] args, final PrintStream out, final Map<String, String> env)
    {
        Path dir = MpRuntimeInfo.defaultDir(env);
        long timeoutMs = 5000;
        long count = Long.MAX_VALUE;
        final String[] pos = new String[3];
        final java.util.List<Path> fdFiles = new java.util.ArrayList<>();
        int n = 0;
        for (int i = 0; i < args.length; i++)
        {
            if ("--dir".equals(args[i]) && i + 1 < args.length)
            {
                dir = Path.of(args[++i]);
            }
            else if ("--timeout".equals(args[i]) && i + 1 < args.length)
            {
                timeoutMs = Long.parseLong(args[++i]);
            }
            else if ("--fd".equals(args[i]) && i + 1 < args.length)
            {
                fdFiles.add(Path.of(args[++i]));
            }
            else if ("--count".equals(args[i]) && i + 1 < args.length)
            {
                count = Long.parseLong(args[++i]);
            }
            else if (n < pos.length)
            {
                pos[n++] = args[i];
            }
        }
        if (0 == n || (!"info".equals(pos[0]) && !"stats".equals(pos[0]) && n < 2))
        {
            out.println("usage: MpCli [--dir DIR] info | request NAME [TEXT] [--timeout MS] [--fd FILE]..."
                + " | send NAME [TEXT] [--fd FILE]... | watch NAME [--count N] | stats [PREFIX]");
            return 2;
        }
        try
        {
            if ("info".equals(pos[0]))
            {
                final MpRuntimeInfo info = MpRuntimeInfo.read(dir);
                out.printf("primary pid %d, protocol %d, socket %s, max params %d bytes, fds %s%n", info.pid(),
                    info.version(), info.socket(), info.maxParamLen(),
                    null == info.fdSocket() ? "not passed" : "on " + info.fdSocket());
                return 0;
            }
            if ("stats".equals(pos[0]))
            {
                try (MpSecondary s = MpSecondary.attach(dir))
                {
                    for (final Map.Entry<String, Long> e : s.stats().entrySet())
                    {
                        if (null == pos[1] || e.getKey().startsWith(pos[1]))
                        {
                            out.println(e.getKey() + " " + e.getValue());
                        }
                    }
                    return 0;
                }
            }
            final byte[] params = null == pos[2] ? new byte[0] : pos[2].getBytes(StandardCharsets.UTF_8);
            final int[] fds = new int[fdFiles.size()];
            try (MpSecondary s = MpSecondary.attach(dir))
            {
                for (int i = 0; i < fds.length; i++)
                {
                    fds[i] = MpFds.openRead(fdFiles.get(i));
                }
                if ("send".equals(pos[0]))
                {
                    return s.send(pos[1], params, fds) ? 0 : 2;
                }
                if ("watch".equals(pos[0]))
                {
                    return watch(s, pos[1], count, out);
                }
                final MpReply r = s.request(pos[1], params, Duration.ofMillis(timeoutMs), fds);
                out.printf("nb_sent=%d nb_received=%d%n", r.nbSent(), r.nbReceived());
                for (final MpMessage m : r.replies())
                {
                    out.println(new String(m.params(), StandardCharsets.UTF_8));
                }
                return r.complete() ? 0 : 1;
            }
            finally
            {
                for (final int fd : fds)
                {
                    if (fd > 0)
                    {
                        MpFds.close(fd);
                    }
                }
            }
        }
        catch (final IOException | RuntimeException e)
        {
            out.println("error: " + e.getMessage());
            return 2;
        }
    }

    private static int watch(final MpSecondary s, final String name, final long count, final PrintStream out)
        throws IOException
    {
        final Semaphore seen = new Semaphore(0);
        s.register(name, m ->
        {
            out.println(name + " " + new String(m.params(), StandardCharsets.UTF_8));
            out.flush();
            seen.release();
            return null;
        });
        // a round trip: the primary reads a connection in order, so once this is answered it has the announcement
        // and "watching" means subscribed (the built-in LOOKUP of the statistics region: no side effect there)
        if (0 == s.request(MpRegions.LOOKUP, MpStats.REGION.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5))
            .nbReceived())
        {
            throw new IOException("no answer from the primary to the subscription of " + name);
        }
        out.println("watching " + name);
        out.flush();
        try
        {
            for (long i = 0; i < count; i++)
            {
                seen.acquire();
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return 0;
    }
}
