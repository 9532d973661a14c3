package platform.sockopt.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static platform.sockopt.impl.SockoptServerTest.await;
import static platform.sockopt.impl.SockoptServerTest.cString;
import static platform.sockopt.impl.SockoptServerTest.le;
import static platform.sockopt.impl.SockoptServerTest.write;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.Test;

import platform.lcore.api.Edpvs;
import platform.lcore.api.JobInfo;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.sockopt.api.Sockopt;
import platform.sockopt.api.SockoptSpec;
import platform.sockopt.client.SockoptClient;

/**
 * The control socket's limits (issue 11, section 7) over real Unix-domain sockets on a real master lcore: the memory
 * pending requests may hold, what one failing connection may take down, silent connections, the connection limit
 * and the listen backlog.
 */
public class SockoptLimitsTest
{
    private static final int ECHO = 500;
    private static final long WAIT_MS = 5_000;

    private LcoreScheduler lcores;
    private SockoptCore core;
    private Path path;
    private final List<SocketChannel> opened = new ArrayList<>();

    private void start(final ServerConfig.Builder config) throws IOException
    {
        lcores = TestLcores.start("lcore 0 role MASTER cpu none\nlcore 1 role FWD_WORKER cpu none\n");
        path = Files.createTempDirectory("sockopt").resolve("l.ipc");
        core = new SockoptCore(config.build(path), lcores);
        core.start();
        // GET 500 answers the length of its body
        core.register(SockoptSpec.builder("len").get(ECHO, ECHO, (req, rep) ->
        {
            rep.body(4).putInt(0, req.body().remaining());
            return Edpvs.OK;
        }).build(), "test");
    }

    @After
    public void tearDown() throws IOException
    {
        for (final SocketChannel ch : opened)
        {
            ch.close();
        }
        if (null != core)
        {
            core.stop();
        }
        if (null != lcores)
        {
            TestLcores.stop(lcores);
        }
    }

    // ------------------------------------------------------------------ memory of pending bodies

    @Test
    public void shouldChargeBodiesAsTheyArriveNotWhenAnnounced() throws Exception
    {
        // 20 clients announce 32 KiB each (640 KiB) against a 64 KiB budget, then send 10 bytes and stall
        start(ServerConfig.builder().maxRequestLength(32 << 10).bodyBudget(64 << 10));
        final List<SocketChannel> stalled = new ArrayList<>();
        for (int i = 0; i < 20; i++)
        {
            final SocketChannel ch = connect();
            write(ch, header(32 << 10).put(new byte[10]).flip());
            stalled.add(ch);
        }
        // a whole 32 KiB request still fits: the announced bodies hold nothing
        try (SocketChannel big = connect())
        {
            write(big, header(32 << 10).put(new byte[32 << 10]).flip());
            final ByteBuffer reply = readWithin(big, 88 + 4);
            assertEquals(cString(reply, 16), Edpvs.OK, reply.getInt(Sockopt.REPLY_ERRCODE_OFFSET));
            assertEquals(32 << 10, reply.getInt(88));
        }
        // and every stalled one, completed one after the other, is served
        for (final SocketChannel ch : stalled)
        {
            write(ch, ByteBuffer.allocate((32 << 10) - 10));
            final ByteBuffer reply = readWithin(ch, 88 + 4);
            assertEquals(cString(reply, 16), Edpvs.OK, reply.getInt(Sockopt.REPLY_ERRCODE_OFFSET));
        }
        assertEquals(0, core.server.counters.noMemory.get());
        await("bodies given back", () -> 0 == core.server.bodyBudget.used());
    }

    @Test
    public void shouldRefuseABodyWhoseGrowthWouldGoOverTheBudget() throws Exception
    {
        start(ServerConfig.builder().maxRequestLength(32 << 10).bodyBudget(32 << 10));
        // A: 9000 of 24 KiB, its buffer grown to 16 KiB; B: 10000 of 16 KiB, 16 KiB: the budget is spent
        final SocketChannel a = connect();
        write(a, header(24 << 10).put(new byte[9000]).flip());
        await("A holds 16 KiB", () -> 16 << 10 == core.server.bodyBudget.used());
        final SocketChannel b = connect();
        write(b, header(16 << 10).put(new byte[10_000]).flip());
        await("A and B hold 32 KiB", () -> 32 << 10 == core.server.bodyBudget.used());
        // A's next bytes need a bigger buffer: refused with EDPVS_NOMEM, then closed
        write(a, ByteBuffer.allocate((24 << 10) - 9000));
        final ByteBuffer refused = readWithin(a, 88);
        assertEquals(Edpvs.NOMEM, refused.getInt(Sockopt.REPLY_ERRCODE_OFFSET));
        assertTrue(cString(refused, 16), cString(refused, 16).startsWith("request of 24576 bytes: no room"));
        assertEquals(ECHO, refused.getInt(Sockopt.REPLY_ID_OFFSET));
        assertEquals(-1, readWithin(a));
        assertEquals(1, core.server.counters.noMemory.get());
        // A's 16 KiB are back: B completes
        write(b, ByteBuffer.allocate((16 << 10) - 10_000));
        final ByteBuffer ok = readWithin(b, 88 + 4);
        assertEquals(Edpvs.OK, ok.getInt(Sockopt.REPLY_ERRCODE_OFFSET));
        assertEquals(16 << 10, ok.getInt(88));
        await("bodies given back", () -> 0 == core.server.bodyBudget.used());
    }

    @Test
    public void shouldRefuseAtItsHeaderABodyThatCannotFit() throws Exception
    {
        start(ServerConfig.builder().maxRequestLength(32 << 10).bodyBudget(32 << 10));
        final SocketChannel a = connect();
        write(a, header(24 << 10).put(new byte[9000]).flip());
        await("A holds 16 KiB", () -> 16 << 10 == core.server.bodyBudget.used());
        // 24 KiB announced, 16 KiB left: answered at once, before a byte of the body is sent
        try (SocketChannel c = connect())
        {
            write(c, header(24 << 10).flip());
            final ByteBuffer refused = readWithin(c, 88);
            assertEquals(Edpvs.NOMEM, refused.getInt(Sockopt.REPLY_ERRCODE_OFFSET));
            assertEquals(-1, readWithin(c));
        }
        assertEquals(1, core.server.counters.noMemory.get());
        // a small body needs no budget
        try (SocketChannel d = connect())
        {
            write(d, header(200).put(new byte[200]).flip());
            assertEquals(Edpvs.OK, readWithin(d, 88 + 4).getInt(Sockopt.REPLY_ERRCODE_OFFSET));
        }
    }

    @Test
    public void shouldCloseOnlyTheConnectionWhoseServingThrewAnErrorAndKeepTheJob() throws Exception
    {
        start(ServerConfig.builder().requestTimeoutMs(300));
        final AtomicInteger thrown = new AtomicInteger();
        core.server.framing.allocator = n ->
        {
            if (0 == thrown.getAndIncrement())
            {
                throw new OutOfMemoryError("test: no heap for a " + n + "-byte body");
            }
            return ByteBuffer.allocate(n);
        };
        try (SocketChannel victim = connect())
        {
            write(victim, header(1000).put(new byte[1000]).flip());
            // closed without a reply: its request could not be held
            assertEquals(-1, readWithin(victim));
        }
        assertEquals(1, core.server.counters.connectionFailures.get());
        assertEquals(1, thrown.get());
        // the job is not failing (nor quarantined): the next client is served, with a body needing the allocator
        try (SocketChannel next = connect())
        {
            write(next, header(1000).put(new byte[1000]).flip());
            assertEquals(1000, readWithin(next, 88 + 4).getInt(88));
        }
        assertEquals(0, sockoptJob().failures());
        // and a silent client is still swept out
        try (SocketChannel silent = connect())
        {
            assertEquals(Edpvs.INVAL, readWithin(silent, 88).getInt(Sockopt.REPLY_ERRCODE_OFFSET));
        }
        await("swept", () -> 0 == core.server.openConnections());
    }

    // ------------------------------------------------------------------ lock-out

    @Test
    public void shouldCloseAConnectionThatSendsNoHeaderWithinTheRequestTimeout() throws Exception
    {
        start(ServerConfig.builder().requestTimeoutMs(300).idleTimeoutMs(600_000));
        try (SocketChannel silent = connect())
        {
            final ByteBuffer reply = readWithin(silent, 88);
            assertEquals(Edpvs.INVAL, reply.getInt(Sockopt.REPLY_ERRCODE_OFFSET));
            assertEquals("no request within 300 ms", cString(reply, 16));
            assertEquals(-1, readWithin(silent));
        }
        assertEquals(1, core.server.counters.headerTimedOut.get());
        assertEquals(0, core.server.counters.timedOut.get());
    }

    @Test
    public void shouldReplyResourceToANewClientAtTheConnectionLimit() throws Exception
    {
        start(ServerConfig.builder().maxConnections(4).requestTimeoutMs(600_000));
        for (int i = 0; i < 4; i++)
        {
            connect();
        }
        await("4 open", () -> 4 == core.server.openConnections());
        try (SocketChannel fifth = connect())
        {
            write(fifth, header(0).flip());
            final ByteBuffer reply = readWithin(fifth, 88);
            assertEquals(Edpvs.RESOURCE, reply.getInt(Sockopt.REPLY_ERRCODE_OFFSET));
            assertEquals("too many control socket connections (4), try again later", cString(reply, 16));
            assertEquals(-1, readWithin(fifth));
        }
        assertEquals(1, core.server.counters.refused.get());
        // one leaves: the next is served
        opened.remove(0).close();
        await("3 open", () -> 3 == core.server.openConnections());
        try (SocketChannel next = connect())
        {
            write(next, header(0).flip());
            assertEquals(Edpvs.OK, readWithin(next, 88 + 4).getInt(Sockopt.REPLY_ERRCODE_OFFSET));
        }
    }

    @Test
    public void shouldQueueAThousandConnectsWhileTheMasterIsBusy() throws Exception
    {
        start(ServerConfig.builder().maxConnections(2048));
        // the master lcore sits in a handler; meanwhile only the kernel's listen backlog holds new clients
        final CountDownLatch inHandler = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        core.register(SockoptSpec.builder("hold").set(600, 600, (req, rep) ->
        {
            inHandler.countDown();
            try
            {
                release.await(30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            return Edpvs.OK;
        }).build(), "test");
        final Thread holder = new Thread(() ->
        {
            try
            {
                SockoptClient.of(path, Duration.ofSeconds(30)).set(600, null);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        holder.start();
        assertTrue(inHandler.await(WAIT_MS, TimeUnit.MILLISECONDS));
        final AtomicInteger connected = new AtomicInteger();
        final List<SocketChannel> queued = new ArrayList<>();
        final Thread connector = new Thread(() ->
        {
            try
            {
                for (int i = 0; i < 1000; i++)
                {
                    final SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path));
                    synchronized (queued)
                    {
                        queued.add(ch);
                    }
                    connected.incrementAndGet();
                }
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        connector.setDaemon(true);
        connector.start();
        try
        {
            // a blocking connect waits while the backlog is full: with 64 it stops at 65
            await("1000 connects queued", () -> 1000 == connected.get());
        }
        finally
        {
            release.countDown();
            holder.join(WAIT_MS);
            connector.join(WAIT_MS);
            synchronized (queued)
            {
                opened.addAll(queued);
            }
        }
    }

    // ------------------------------------------------------------------ counters

    @Test
    public void shouldShowTheLimitsCountersInItsOwnGetAndInSockoptStats() throws Exception
    {
        start(ServerConfig.builder().maxConnections(4).requestTimeoutMs(2_000).idleTimeoutMs(600_000)
            .bodyBudget(8 << 10).maxRequestLength(8 << 10));
        // a silent client, timed out; a client announcing more than the budget, refused at its header
        try (SocketChannel silent = connect())
        {
            assertEquals(Edpvs.INVAL, readWithin(silent, 88).getInt(Sockopt.REPLY_ERRCODE_OFFSET));
        }
        try (SocketChannel big = connect())
        {
            write(big, header(16 << 10).flip());
            assertEquals(Edpvs.INVAL, readWithin(big, 88).getInt(Sockopt.REPLY_ERRCODE_OFFSET));
        }
        // another one's body held mid-way
        final SocketChannel held = connect();
        write(held, header(8 << 10).put(new byte[5000]).flip());
        await("8 KiB held", () -> 8 << 10 == core.server.bodyBudget.used());
        final ByteBuffer b = SockoptClient.of(path, Duration.ofSeconds(5)).get(Sockopt.GET_SERVER_STATS, null)
            .buffer();
        assertEquals(Sockopt.SERVER_STATS_LENGTH, b.limit());
        assertEquals(1, b.getLong(Sockopt.STATS_HEADER_TIMEOUTS_OFFSET));
        assertEquals(1, b.getLong(Sockopt.STATS_MALFORMED_OFFSET));
        assertEquals(8 << 10, b.getLong(Sockopt.STATS_BODY_BYTES_OFFSET));
        assertEquals(8 << 10, b.getLong(Sockopt.STATS_BODY_BUDGET_OFFSET));
        assertEquals(core.server.counters.connections.get(), b.getLong(Sockopt.STATS_ACCEPTED_OFFSET));
        final String stats = new SockoptCommands(core).stats();
        assertTrue(stats, stats.contains("1 closed for no header in time"));
        assertTrue(stats, stats.contains("pending request bodies: 8192 of 8192 bytes"));
    }

    // ------------------------------------------------------------------ helpers

    private JobInfo sockoptJob()
    {
        for (final JobInfo j : lcores.jobs(-1))
        {
            if (SockoptServer.JOB_NAME.equals(j.name()))
            {
                return j;
            }
        }
        throw new AssertionError("no " + SockoptServer.JOB_NAME);
    }

    private SocketChannel connect() throws IOException
    {
        final SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path));
        opened.add(ch);
        return ch;
    }

    /** A GET 500 header announcing len bytes, with room for them after it. */
    private static ByteBuffer header(final int len)
    {
        return le(24 + len).putInt(Sockopt.VERSION).putInt(ECHO).putInt(Sockopt.GET).putInt(0).putLong(len);
    }

    /** Reads n bytes, failing after {@link #WAIT_MS} (a reply that never comes is a failure, not a hang). */
    static ByteBuffer readWithin(final SocketChannel ch, final int n) throws IOException, InterruptedException
    {
        final ByteBuffer b = le(n);
        ch.configureBlocking(false);
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (b.hasRemaining())
        {
            if (ch.read(b) < 0)
            {
                throw new IOException("EOF after " + b.position() + " of " + n + " bytes");
            }
            if (b.hasRemaining())
            {
                pause(deadline, "reply of " + n + " bytes (" + b.position() + " read)");
            }
        }
        return b.flip();
    }

    /** @return -1 at EOF; fails when the connection is neither closed nor sends a byte within the wait. */
    static int readWithin(final SocketChannel ch) throws IOException, InterruptedException
    {
        ch.configureBlocking(false);
        final ByteBuffer one = ByteBuffer.allocate(1);
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (true)
        {
            final int n;
            try
            {
                n = ch.read(one);
            }
            catch (final IOException reset)
            {
                return -1; // closed by the server with our bytes unread: a reset ends it too
            }
            if (0 != n)
            {
                return n;
            }
            pause(deadline, "close by the server");
        }
    }

    private static void pause(final long deadline, final String what) throws InterruptedException
    {
        if (System.nanoTime() - deadline > 0)
        {
            fail("no " + what + " within " + WAIT_MS + " ms");
        }
        Thread.sleep(1); // polling observable state, not ordering events
    }
}
