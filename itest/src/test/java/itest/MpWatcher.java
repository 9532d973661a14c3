package itest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A secondary in its own JVM watching an event: {@code platform.mp.client.MpCli watch NAME} run from platform.mp's
 * jar on a plain class path (a real {@code MpSecondary} attached to the primary in Felix), its output lines read
 * into a queue. Killed by {@link #close()}.
 */
final class MpWatcher implements AutoCloseable
{
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    /**
     * @param dir  the primary's runtime directory.
     * @param name the event to watch.
     * @throws IOException when the JVM cannot be started.
     */
    MpWatcher(final String dir, final String name) throws IOException
    {
        final List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
            System.getProperty("itest.platform.mp.jar"), "platform.mp.client.MpCli", "--dir", dir, "watch", name);
        this.process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                String l;
                while (null != (l = r.readLine()))
                {
                    lines.add(l);
                }
            }
            catch (final IOException e)
            {
                // the process is gone
            }
        }, "mp-watcher-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @return the next line the watcher printed, null after 30 s without one.
     * @throws InterruptedException when interrupted.
     */
    String next() throws InterruptedException
    {
        return lines.poll(30, TimeUnit.SECONDS);
    }

    @Override
    public void close()
    {
        process.destroyForcibly();
    }
}
