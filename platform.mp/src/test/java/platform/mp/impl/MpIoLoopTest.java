package platform.mp.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import platform.mp.api.MpKind;
import platform.mp.api.MpReply;
import platform.mp.client.Frame;
import platform.mp.client.FrameReader;
import platform.mp.client.MpConnection;
import platform.mp.client.MpSecondary;
import platform.mp.client.MpWire;

/**
 * The primary's one I/O loop (DPDK's single {@code mp_handle} thread): it serves every secondary on one thread,
 * leaves connections to the synchronous requesters waiting on them (so their replies do not wake it) yet serves what
 * arrives there after them, does not stall the others while a HELLO waits for its fd socket, and survives an action
 * that throws an Error.
 */
public class MpIoLoopTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private Path dir;
    private MpPrimary primary;
    private final List<MpSecondary> secondaries = new ArrayList<>();

    @Before
    public void start() throws Exception
    {
        dir = tmp.newFolder("mp").toPath();
        primary = new MpPrimary(dir, 256);
    }

    @After
    public void stop()
    {
        for (final MpSecondary s : secondaries)
        {
            s.close();
        }
        primary.close();
    }

    private MpSecondary attach() throws IOException
    {
        final MpSecondary s = MpSecondary.attach(dir);
        secondaries.add(s);
        return s;
    }

    @Test(timeout = 60_000)
    public void shouldServeEverySecondaryOnOneThread() throws Exception
    {
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        primary.register("where", m ->
        {
            threads.add(Thread.currentThread());
            return new byte[0];
        }, "test");
        for (int i = 0; i < 3; i++)
        {
            attach();
        }
        MpTesting.await("three attached", 5000, () -> primary.peers().size() == 3);
        for (final MpSecondary s : secondaries)
        {
            for (int i = 0; i < 20; i++)
            {
                assertEquals(1, s.request("where", new byte[0], TIMEOUT).nbReceived());
            }
        }
        assertEquals("one thread ran the actions of all three: " + threads, 1, threads.size());
        final Thread t = threads.iterator().next();
        assertTrue(t.getName(), t instanceof MpConnection.IoThread);
        assertEquals("mp-primary-io", t.getName());
    }

    @Test(timeout = 60_000)
    public void shouldLeaveConnectionsToWaitingRequestersAndServeWhatArrivesAfterThem() throws Exception
    {
        final AtomicLong notes = new AtomicLong();
        primary.register("note", m ->
        {
            notes.incrementAndGet();
            return null;
        }, "test");
        for (int i = 0; i < 2; i++)
        {
            attach().register("echo", m -> m.params());
        }
        MpTesting.await("both attached", 5000, () -> primary.peers().size() == 2);
        // warm up, then count the loop's context switches over a burst of broadcasts
        for (int i = 0; i < 200; i++)
        {
            assertEquals(2, primary.request("echo", new byte[8], TIMEOUT).nbReceived());
        }
        final int requests = 2000;
        final long switches0 = contextSwitches("mp-primary-io");
        final long t0 = System.nanoTime();
        for (int i = 0; i < requests; i++)
        {
            final MpReply r = primary.request("echo", ByteBuffer.allocate(8).putLong(0, i).array(), TIMEOUT);
            assertEquals(2, r.nbReceived());
            assertEquals(i, ByteBuffer.wrap(r.replies().get(0).params()).getLong(0));
            assertEquals(i, ByteBuffer.wrap(r.replies().get(1).params()).getLong(0));
        }
        final long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        final long switches = contextSwitches("mp-primary-io") - switches0;
        // the loop ticks at most once a millisecond while connections are lent; a loop woken by replies would
        // switch about once per reply (2 per request)
        assertTrue(switches + " context switches of the loop for " + 2 * requests + " replies in " + elapsedMs
            + " ms", switches <= 2 * elapsedMs + 50 + requests / 10);
        // right after the burst, while the connections may still be lent: what the secondaries send arrives
        for (final MpSecondary s : secondaries)
        {
            assertTrue(s.send("note", new byte[0]));
        }
        MpTesting.await("both notes", 5000, () -> notes.get() == 2);
        // and after the loop took them back
        Thread.sleep(20);
        for (final MpSecondary s : secondaries)
        {
            assertTrue(s.send("note", new byte[0]));
            assertEquals(1, s.request("note", new byte[0], TIMEOUT).nbReceived());
        }
        MpTesting.await("four more notes", 5000, () -> notes.get() == 6);
    }

    @Test(timeout = 60_000)
    public void shouldServeOthersWhileAHelloWaitsForItsFdSocket() throws Exception
    {
        // a HELLO announcing an fd socket (token) that never comes: the primary answers it after 2 s, without fds
        try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            raw.connect(UnixDomainSocketAddress.of(dir.resolve("mp_socket")));
            final ByteBuffer hello = MpWire.encode(MpKind.HELLO, 0, new byte[0],
                ByteBuffer.allocate(16).putLong(0, ProcessHandle.current().pid()).putLong(8, 0x5eed).array(), 0);
            while (hello.hasRemaining())
            {
                raw.write(hello);
            }
            final CountDownLatch rawAnswered = new CountDownLatch(1);
            final AtomicInteger rawFlag = new AtomicInteger(-1);
            final Thread reader = new Thread(() ->
            {
                try
                {
                    final Frame f = new FrameReader(raw, 256).read();
                    rawFlag.set(f.params()[4]);
                    rawAnswered.countDown();
                }
                catch (final IOException e)
                {
                    // the test fails on the latch
                }
            });
            reader.setDaemon(true);
            reader.start();
            // meanwhile another secondary attaches and is served both ways
            final MpSecondary s = attach();
            s.register("ping", m -> "pong".getBytes(StandardCharsets.UTF_8));
            primary.register("hi", m -> "there".getBytes(StandardCharsets.UTF_8), "test");
            assertEquals(1, s.request("hi", new byte[0], TIMEOUT).nbReceived());
            assertEquals("the HELLO still waits for its fd socket", 1, rawAnswered.getCount());
            final MpReply r = primary.request("ping", new byte[0], TIMEOUT);
            assertEquals("the waiting peer is not attached yet", 1, r.nbSent());
            assertEquals("pong", new String(r.replies().get(0).params(), StandardCharsets.UTF_8));
            assertTrue("answered once the pairing gave up", rawAnswered.await(10, TimeUnit.SECONDS));
            assertEquals("without fds", 0, rawFlag.get());
            MpTesting.await("both attached", 5000, () -> primary.peers().size() == 2);
        }
    }

    @Test(timeout = 60_000)
    public void shouldCloseOnlyThePeerWhoseActionThrewAnErrorAndKeepServing() throws Exception
    {
        final AtomicInteger calls = new AtomicInteger();
        primary.register("deep", m ->
        {
            if (0 == calls.getAndIncrement())
            {
                throw new StackOverflowError("test");
            }
            return "ok".getBytes(StandardCharsets.UTF_8);
        }, "test");
        final MpSecondary a = attach();
        final MpSecondary b = attach();
        MpTesting.await("both attached", 5000, () -> primary.peers().size() == 2);
        final long errors = primary.actionErrors.get();
        final long connects = a.connects.get();
        assertEquals("no reply from the action that threw", 0, a.request("deep", new byte[0], TIMEOUT)
            .nbReceived());
        assertEquals("counted", errors + 1, primary.actionErrors.get());
        final MpReply rb = b.request("deep", new byte[0], TIMEOUT);
        assertEquals("the other secondary is served", 1, rb.nbReceived());
        assertEquals("ok", new String(rb.replies().get(0).params(), StandardCharsets.UTF_8));
        MpTesting.await("the peer reattached", 5000, () -> a.connects.get() == connects + 1
            && primary.peers().size() == 2);
        final MpReply r = a.request("deep", new byte[0], TIMEOUT);
        assertNotNull(r);
        assertEquals(1, r.nbReceived());
    }

    /** Voluntary and involuntary context switches of this JVM's thread of that name (Linux). */
    private static long contextSwitches(final String name) throws IOException
    {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task")))
        {
            for (final Path t : tasks)
            {
                if (!name.equals(Files.readString(t.resolve("comm")).trim()))
                {
                    continue;
                }
                long n = 0;
                for (final String line : Files.readAllLines(t.resolve("status")))
                {
                    if (line.startsWith("voluntary_ctxt_switches") || line.startsWith("nonvoluntary_ctxt_switches"))
                    {
                        n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
                return n;
            }
        }
        fail("no thread " + name);
        return 0;
    }
}
