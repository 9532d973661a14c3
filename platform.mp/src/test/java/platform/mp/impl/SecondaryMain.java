package platform.mp.impl;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import platform.mp.api.MpReply;
import platform.mp.client.MpFds;
import platform.mp.client.MpSecondary;

/**
 * A secondary in its own JVM for {@link MpSeparateProcessTest}: attaches to the primary of the directory given,
 * registers "echo", "slow" and "fd.read" (reads the file of the fd it is sent), asks the primary's "hello", and
 * reports on stdout; stdin lines are commands ("hello" asks again, "read REGION OFFSET" prints a long of a shared
 * region, "lookup REGION OFFSET" maps an existing region first, "fdsend PATH" sends the primary's "fd.take" an fd of
 * the file, "stat NAME" prints a counter of the statistics segment), their end ends the process. Exits by itself
 * after 60 s whatever happens.
 */
public final class SecondaryMain
{
    private SecondaryMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Thread watchdog = new Thread(() ->
        {
            try
            {
                Thread.sleep(60_000);
            }
            catch (final InterruptedException e)
            {
                return;
            }
            Runtime.getRuntime().halt(3);
        });
        watchdog.setDaemon(true);
        watchdog.start();
        final long pid = ProcessHandle.current().pid();
        try (MpSecondary s = MpSecondary.attach(Path.of(args[0]), Duration.ofMillis(50)))
        {
            s.register("echo", m -> ("echo:" + pid + ":" + new String(m.params(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
            s.register("slow", m ->
            {
                say("SLOW-START");
                Thread.sleep(60_000);
                return null;
            });
            s.register("fd.read", m ->
            {
                // reads through the received fd (the file may have no name any more), then closes it: it is ours
                final String text = new String(MpFds.read(m.fds()[0], 4096), StandardCharsets.UTF_8);
                MpFds.close(m.fds()[0]);
                return (m.fds().length + " " + text).getBytes(StandardCharsets.UTF_8);
            });
            hello(s, pid);
            say("READY " + s.id() + " fds " + s.passesFds());
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while (null != (line = in.readLine()))
            {
                final String[] w = line.trim().split(" ");
                if ("hello".equals(w[0]))
                {
                    hello(s, pid);
                }
                else if ("read".equals(w[0]) && 3 == w.length)
                {
                    // "read REGION OFFSET": a long from a region this process mapped at the primary's request
                    final java.nio.MappedByteBuffer m = s.region(w[1]);
                    say("VALUE " + (null == m ? "none" : Long.toString(m.getLong(Integer.parseInt(w[2])))));
                }
                else if ("lookup".equals(w[0]) && 3 == w.length)
                {
                    say("LOOKUP " + s.lookup(w[1], Duration.ofSeconds(5)).getLong(Integer.parseInt(w[2])));
                }
                else if ("fdsend".equals(w[0]) && 2 == w.length)
                {
                    final int fd = MpFds.openRead(Path.of(w[1]));
                    final MpReply r = s.request("fd.take", new byte[0], Duration.ofSeconds(5), new int[] {fd});
                    MpFds.close(fd);
                    say("FDSENT " + r.nbReceived() + " " + (r.nbReceived() > 0 ? new String(r.replies().get(0)
                        .params(), StandardCharsets.UTF_8) : "-"));
                }
                else if ("stat".equals(w[0]) && 2 == w.length)
                {
                    say("STAT " + w[1] + " " + s.stats().get(w[1]));
                }
            }
        }
    }

    private static void hello(final MpSecondary s, final long pid)
    {
        final MpReply r = s.request("hello", ("from " + pid).getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
        say("HELLO " + r.nbSent() + " " + r.nbReceived() + " "
            + (r.nbReceived() > 0 ? new String(r.replies().get(0).params(), StandardCharsets.UTF_8) : "-"));
    }

    private static void say(final String line)
    {
        synchronized (System.out)
        {
            System.out.println(line);
            System.out.flush();
        }
    }
}
