package platform.mp.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import platform.mp.api.MpReply;
import platform.mp.client.MpFds;
import platform.mp.client.MpSecondary;

/**
 * The primary in this JVM, secondaries in real separate JVMs ({@link SecondaryMain}, started with this test's
 * class path, bounded in time and killed in a finally).
 */
public class MpSeparateProcessTest
{
    private static final Duration LONG = Duration.ofSeconds(5);

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private Path dir;
    private MpPrimary primary;
    private final List<Child> children = new ArrayList<>();

    @Before
    public void start() throws IOException
    {
        dir = tmp.newFolder("mp").toPath();
        primary = new MpPrimary(dir, 256);
        primary.register("hello", m -> ("hi " + new String(m.params(), StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8), "test");
    }

    @After
    public void stop()
    {
        for (final Child c : children)
        {
            c.kill();
        }
        primary.close();
    }

    /** A secondary JVM and its stdout lines. */
    private static final class Child
    {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Writer stdin;

        Child(final Process process)
        {
            this.process = process;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            final Thread t = new Thread(() ->
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
            }, "child-stdout");
            t.setDaemon(true);
            t.start();
        }

        /** Waits for a line starting with the prefix; returns it. */
        String expect(final String prefix, final long timeoutMs) throws InterruptedException
        {
            final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            final StringBuilder seen = new StringBuilder();
            while (true)
            {
                final long left = end - System.nanoTime();
                final String l = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (null == l)
                {
                    fail("no line starting with '" + prefix + "' from the secondary JVM; it said:\n" + seen);
                }
                if (l.startsWith(prefix))
                {
                    return l;
                }
                seen.append(l).append('\n');
            }
        }

        void command(final String line) throws IOException
        {
            stdin.write(line + "\n");
            stdin.flush();
        }

        void kill()
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Child launch() throws IOException
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process p = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
            System.getProperty("java.class.path"), SecondaryMain.class.getName(), dir.toString())
            .redirectErrorStream(true).start();
        final Child c = new Child(p);
        children.add(c);
        return c;
    }

    @Test(timeout = 60_000)
    public void shouldRoundTripBothWaysWithASecondaryJvm() throws Exception
    {
        final Child c = launch();
        final long pid = c.process.pid();
        assertEquals("HELLO 1 1 hi from " + pid, c.expect("HELLO", 20_000));
        c.expect("READY", 5_000);
        assertEquals(1, primary.peers().size());
        assertEquals(pid, primary.peers().get(0).pid());

        final MpReply r = primary.request("echo", "abc".getBytes(StandardCharsets.UTF_8), LONG);
        assertEquals(1, r.nbSent());
        assertEquals(1, r.nbReceived());
        assertEquals("echo:" + pid + ":abc", new String(r.replies().get(0).params(), StandardCharsets.UTF_8));
        assertTrue(primary.actions().stream().anyMatch(a -> a.name().equals("slow")));
    }

    @Test(timeout = 60_000)
    public void shouldShareARegionWithASecondaryJvm() throws Exception
    {
        final Child c = launch();
        c.expect("READY", 20_000);
        try (MpSecondary local = MpSecondary.attach(dir))
        {
            MpTesting.await("two secondaries", 5000, () -> primary.peers().size() == 2);
            local.alloc("shared", 4096, LONG).putLong(64, 0x0123456789abcdefL);
            c.command("read shared 64");
            assertEquals("the other JVM sees the same memory", "VALUE " + 0x0123456789abcdefL,
                c.expect("VALUE", 10_000));
            local.free("shared", LONG);
            c.command("read shared 64");
            assertEquals("VALUE none", c.expect("VALUE", 10_000));
        }
    }

    @Test(timeout = 60_000)
    public void shouldPassAnOpenFilesFdToASecondaryJvmAndBack() throws Exception
    {
        final Child c = launch();
        assertTrue(c.expect("READY", 20_000).endsWith("fds true"));
        final Path file = tmp.newFile("secret").toPath();
        Files.writeString(file, "read through the fd");
        final int fd = MpFds.openRead(file);
        try
        {
            // no name left to open: the other JVM can only read the file through the fd it is sent
            Files.delete(file);
            final MpReply r = primary.request("fd.read", new byte[0], LONG, new int[] {fd});
            assertEquals(1, r.nbReceived());
            assertEquals("1 read through the fd", new String(r.replies().get(0).params(), StandardCharsets.UTF_8));
        }
        finally
        {
            MpFds.close(fd);
        }
        // and from the secondary JVM to this one
        primary.register("fd.take", m ->
        {
            final byte[] b = MpFds.read(m.fds()[0], 4096);
            MpFds.close(m.fds()[0]);
            return b;
        }, "test");
        final Path back = tmp.newFile("back").toPath();
        Files.writeString(back, "from the secondary JVM");
        c.command("fdsend " + back);
        assertEquals("FDSENT 1 from the secondary JVM", c.expect("FDSENT", 10_000));
    }

    @Test(timeout = 60_000)
    public void shouldLookUpRegionsMadeBeforeASecondaryJvmAttached() throws Exception
    {
        // one of the primary's own (a bundle's) and one a secondary allocated, both before the JVM attaches
        primary.regions.allocOwn("early", 4096, LONG, "test.bundle").putLong(64, 0x5151L);
        try (MpSecondary local = MpSecondary.attach(dir))
        {
            local.alloc("fromsec", 4096, LONG).putLong(8, 0x6262L);
            final Child c = launch();
            c.expect("READY", 20_000);
            c.command("lookup early 64");
            assertEquals("LOOKUP " + 0x5151L, c.expect("LOOKUP", 10_000));
            c.command("lookup fromsec 8");
            assertEquals("LOOKUP " + 0x6262L, c.expect("LOOKUP", 10_000));
            // mapped: the same memory from now on
            local.region("fromsec").putLong(8, 0x7373L);
            c.command("read fromsec 8");
            assertEquals("VALUE " + 0x7373L, c.expect("VALUE", 10_000));
        }
    }

    @Test(timeout = 60_000)
    public void shouldLetASecondaryJvmReadAPlatformCounterThatMoves() throws Exception
    {
        final platform.lcore.api.LcoreScheduler lcores = platform.lcore.impl.TestLcores.masterAndTwoWorkers();
        try
        {
            primary.platform.lcores = lcores;
            final String loops = "lcore." + lcores.masterLcoreId() + ".loops";
            final Child c = launch();
            c.expect("READY", 20_000);
            c.command("stat " + loops);
            final String first = c.expect("STAT", 10_000);
            assertTrue(first, first.matches("STAT " + java.util.regex.Pattern.quote(loops) + " \\d+"));
            final long a = Long.parseLong(first.substring(first.lastIndexOf(' ') + 1));
            Thread.sleep(3 * MpPrimary.STATS_PERIOD_MS);
            c.command("stat " + loops);
            final String second = c.expect("STAT", 10_000);
            final long b = Long.parseLong(second.substring(second.lastIndexOf(' ') + 1));
            assertTrue("the master lcore's loops moved in the other JVM's view: " + a + " then " + b, b > a);
        }
        finally
        {
            primary.platform.lcores = null;
            platform.lcore.impl.TestLcores.stop(lcores);
        }
    }

    @Test(timeout = 60_000)
    public void shouldCompleteARequestWhenASecondaryJvmIsKilledInTheMiddle() throws Exception
    {
        final Child c = launch();
        c.expect("READY", 20_000);
        try (MpSecondary local = MpSecondary.attach(dir))
        {
            local.register("slow", m -> "quick".getBytes(StandardCharsets.UTF_8));
            MpTesting.await("two secondaries", 5000, () -> primary.peers().size() == 2);
            final AtomicReference<MpReply> got = new AtomicReference<>();
            final CountDownLatch done = new CountDownLatch(1);
            primary.requestAsync("slow", new byte[0], Duration.ofSeconds(30), r ->
            {
                got.set(r);
                done.countDown();
            });
            c.expect("SLOW-START", 10_000);
            final long t0 = System.nanoTime();
            c.process.destroyForcibly();
            assertTrue("completed when the JVM died, not at the 30 s timeout", done.await(10, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
            assertEquals(2, got.get().nbSent());
            assertEquals(1, got.get().nbReceived());
            assertEquals("quick", new String(got.get().replies().get(0).params(), StandardCharsets.UTF_8));
            MpTesting.await("the dead secondary is removed", 5000, () -> primary.peers().size() == 1);
            assertEquals(0, primary.timeouts.get());
        }
    }

    @Test(timeout = 60_000)
    public void shouldKeepASecondaryJvmAcrossAPrimaryRestart() throws Exception
    {
        final Child c = launch();
        c.expect("READY", 20_000);
        primary.close();
        primary = new MpPrimary(dir, 256);
        primary.register("hello", m -> "again".getBytes(StandardCharsets.UTF_8), "test");
        MpTesting.await("the secondary JVM reattached", 10_000, () -> primary.peers().size() == 1);
        MpTesting.await("its actions re-announced", 5000, () -> primary.actions().stream()
            .filter(a -> a.owner().startsWith("secondary")).count() == 5);
        final MpReply r = primary.request("echo", "x".getBytes(StandardCharsets.UTF_8), LONG);
        assertEquals(1, r.nbReceived());
        assertEquals("echo:" + c.process.pid() + ":x", new String(r.replies().get(0).params(),
            StandardCharsets.UTF_8));
        c.command("hello");
        assertEquals("HELLO 1 1 again", c.expect("HELLO", 10_000));
        // the reconnection paired a new fd socket: fds pass again
        final Path file = tmp.newFile("after-restart").toPath();
        Files.writeString(file, "still passing fds");
        final int fd = MpFds.openRead(file);
        try
        {
            final MpReply f = primary.request("fd.read", new byte[0], LONG, new int[] {fd});
            assertEquals(1, f.nbReceived());
            assertEquals("1 still passing fds", new String(f.replies().get(0).params(), StandardCharsets.UTF_8));
        }
        finally
        {
            MpFds.close(fd);
        }
    }
}
