package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

import platform.mp.api.MpChannel;

/**
 * The multi-process channel in Felix: the bundle's component binds the socket in the runtime directory given by
 * the framework property, a bundle's action answers a secondary in a separate JVM (the bundle jar on a plain class
 * path, {@code platform.mp.client.MpCli}), {@code mp:actions} lists it, and it is gone once the bundle released the
 * service; a secondary JVM watching {@code platform.bundle} sees a bundle installed and uninstalled.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MpIT extends BaseTest
{
    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config()
    {
        // a directory of this run's own, never the user's runtime directory
        final String dir = Paths.get("target", "mp-" + System.nanoTime()).toAbsolutePath().toString();
        return new Option[] {baseConfiguration(), frameworkProperty("platform.mp.dir").value(dir),
            bundle(reactorJar("itest.platform.mp.jar"))};
    }

    /** Runs the bundle jar's command-line secondary in its own JVM; returns its output and exit status. */
    private String runCli(final String... args) throws IOException, InterruptedException
    {
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-cp", System.getProperty("itest.platform.mp.jar"), "platform.mp.client.MpCli", "--dir",
            context.getProperty("platform.mp.dir")));
        cmd.addAll(List.of(args));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try
        {
            assertTrue("the secondary JVM ended in time", p.waitFor(30, TimeUnit.SECONDS));
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8) + "exit " + p.exitValue();
        }
        finally
        {
            p.destroyForcibly();
        }
    }

    @Test
    public void aSecondaryJvmWatchesBundlesComingAndGoing() throws Exception
    {
        final List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
            System.getProperty("itest.platform.mp.jar"), "platform.mp.client.MpCli", "--dir",
            context.getProperty("platform.mp.dir"), "watch", "platform.bundle");
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try
        {
            await("the watcher subscribed", () ->
            {
                try
                {
                    return execute(processor, "mp:actions").matches("(?s).*platform\\.bundle\\s+secondary.*");
                }
                catch (final Exception e)
                {
                    throw new AssertionError(e);
                }
            });
            final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            final Thread reader = new Thread(() ->
            {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
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
            });
            reader.setDaemon(true);
            reader.start();
            final Bundle b = context.installBundle(reactorJar("itest.modules.stats.jar"));
            b.uninstall();
            // the framework may resolve and unresolve it in between: INSTALLED first, UNINSTALLED last
            final String tail = " modules.stats 0.1.0.SNAPSHOT " + b.getBundleId();
            assertEquals("watching platform.bundle", lines.poll(30, TimeUnit.SECONDS));
            assertEquals("platform.bundle INSTALLED" + tail, lines.poll(30, TimeUnit.SECONDS));
            String l;
            do
            {
                l = lines.poll(30, TimeUnit.SECONDS);
                assertTrue("no UNINSTALLED event in time", null != l);
                assertTrue(l, l.endsWith(tail));
            }
            while (!l.equals("platform.bundle UNINSTALLED" + tail));
        }
        finally
        {
            p.destroyForcibly();
        }
    }

    /**
     * The platform's counters reach the statistics segment through the component's optional references (the
     * lcores, the message manager and the control socket of the base configuration), and a secondary JVM reads a
     * moving lcore counter with no request.
     */
    @Test
    public void aSecondaryJvmReadsThePlatformsCounters() throws Exception
    {
        final String first = runCli("stats", "lcore.");
        assertTrue(first, first.matches("(?s)lcore\\.\\d+\\.loops \\d+\n.*exit 0"));
        final String msgs = runCli("stats", "msg.sent");
        assertTrue(msgs, msgs.startsWith("msg.sent "));
        final String sockopt = runCli("stats", "sockopt.calls");
        assertTrue(sockopt, sockopt.startsWith("sockopt.calls "));
        final String loops = first.substring(0, first.indexOf(' '));
        final long a = Long.parseLong(first.substring(first.indexOf(' ') + 1, first.indexOf('\n')));
        await("the lcore's loops move", () ->
        {
            try
            {
                final String again = runCli("stats", loops);
                return Long.parseLong(again.substring(again.indexOf(' ') + 1, again.indexOf('\n'))) > a;
            }
            catch (final IOException | InterruptedException e)
            {
                throw new AssertionError(e);
            }
        });
    }

    /**
     * JNA works in Felix (its bundle's native library extracted): the primary listens for fds, and an fd of a file
     * sent by a secondary JVM with {@code MpCli --fd} is read here through the fd (the file deleted meanwhile).
     */
    @Test
    public void aSecondaryJvmPassesAnFileDescriptorToABundle() throws Exception
    {
        final MpChannel channel = awaitService(MpChannel.class);
        assertTrue(runCli("info"), runCli("info").contains(", fds on "));
        final Path file = Files.createTempFile(Path.of("target"), "mp-fd", ".txt");
        Files.writeString(file, "through the fd");
        final List<String> seen = new ArrayList<>();
        channel.register("itest.fd", m ->
        {
            final int fd = m.fds()[0];
            // the file has no name any more: only the received fd reaches it
            Files.delete(file);
            final String text = Files.readString(Path.of("/proc/self/fd/" + fd));
            seen.add(m.fds().length + " " + text);
            com.sun.jna.NativeLibrary.getInstance("c").getFunction("close").invokeInt(new Object[] {fd});
            return text.getBytes(StandardCharsets.UTF_8);
        });
        final List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
            System.getProperty("itest.platform.mp.jar") + java.io.File.pathSeparator
                + System.getProperty("itest.jna.jar"), "platform.mp.client.MpCli", "--dir",
            context.getProperty("platform.mp.dir"), "request", "itest.fd", "--fd", file.toString());
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try
        {
            assertTrue("the secondary JVM ended in time", p.waitFor(30, TimeUnit.SECONDS));
            assertEquals("nb_sent=1 nb_received=1\nthrough the fd", new String(p.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).trim());
            assertEquals(List.of("1 through the fd"), seen);
        }
        finally
        {
            p.destroyForcibly();
            // the probe's channel is released (the other test counts on releasing its own)
            context.ungetService(context.getServiceReference(MpChannel.class));
        }
    }

    @Test
    public void aBundlesActionAnswersASecondaryJvmUntilTheBundleReleasesTheChannel() throws Exception
    {
        final MpChannel channel = awaitService(MpChannel.class);
        final ServiceReference<MpChannel> ref = context.getServiceReference(MpChannel.class);
        assertEquals(256, channel.maxParamLen());
        channel.register("itest.ping", m -> ("pong:" + new String(m.params(), StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8));
        final String actions = execute(processor, "mp:actions");
        assertTrue(actions, actions.matches("(?s).*itest\\.ping\\s+primary: \\S+.*"));

        assertEquals("nb_sent=1 nb_received=1\npong:hi\nexit 0", runCli("request", "itest.ping", "hi").trim());
        final String peers = execute(processor, "mp:peers");
        assertTrue(peers, peers.matches("(?s).*\\d+ attached since start.*"));

        context.ungetService(ref);
        await("the released channel's action is gone", () ->
        {
            try
            {
                return !execute(processor, "mp:actions").contains("itest.ping");
            }
            catch (final Exception e)
            {
                throw new AssertionError(e);
            }
        });
        assertEquals("nb_sent=0 nb_received=0\nexit 0", runCli("request", "itest.ping", "hi").trim());
        assertFalse(execute(processor, "mp:peers").contains("protocol errors 1"));
    }
}
