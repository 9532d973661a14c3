package platform.sockopt.impl;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import platform.lcore.api.LcoreInfo;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.lcore.api.Edpvs;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgReply;
import platform.msgmgr.api.MsgTypeSpec;
import platform.msgmgr.api.MulticastResult;
import platform.msgmgr.impl.TestMsgManagers;
import platform.sockopt.api.Sockopt;
import platform.sockopt.api.SockoptConflictException;
import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptSpec;
import platform.sockopt.cli.DplaneCtlAccess;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptClientException;
import platform.sockopt.client.SockoptResponse;

/**
 * The control socket over real Unix-domain sockets, served by a real master lcore.
 */
public class SockoptServerTest
{
    static final int ECHO_GET = 500;
    static final int ECHO_SET = 500;

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private LcoreScheduler lcores;
    private SockoptCore core;
    private Path path;
    private SockoptClient client;
    private SockoptHandle echo;
    private final AtomicLong sets = new AtomicLong();

    @Before
    public void setUp() throws IOException
    {
        lcores = TestLcores.start("lcore 0 role MASTER cpu none\nlcore 1 role FWD_WORKER cpu none\n");
        // a short path: sun_path holds 107 bytes
        path = Files.createTempDirectory("sockopt").resolve("t.ipc");
        // request timeout 5 s (the default): a fresh connection must send its header within it, so keep it well
        // above what a loaded host may delay a client thread between its connect and its write
        start(new ServerConfig(path, 4096, 1 << 20, 16, 5_000, 60_000, 64));
        registerEcho();
    }

    private void registerEcho()
    {
        // GET 500..509 echoes its body after the id; SET 500..509 counts
        echo = core.register(SockoptSpec.builder("echo").get(ECHO_GET, ECHO_GET + 9, (req, rep) ->
        {
            final ByteBuffer in = req.body();
            final ByteBuffer out = rep.body(4 + in.remaining());
            out.putInt(req.id());
            out.put(in);
            return Edpvs.OK;
        }).set(ECHO_SET, ECHO_SET + 9, (req, rep) ->
        {
            sets.incrementAndGet();
            return Edpvs.OK;
        }).build(), "test");
    }

    private void start(final ServerConfig config) throws IOException
    {
        core = new SockoptCore(config, lcores);
        core.start();
        client = SockoptClient.of(path, Duration.ofSeconds(5));
    }

    @After
    public void tearDown()
    {
        if (null != core)
        {
            core.stop();
        }
        TestLcores.stop(lcores);
    }

    // ------------------------------------------------------------------ wire format

    @Test
    public void shouldAnswerADpvsStyleRequestByteForByte() throws IOException
    {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path)))
        {
            // <III4xQ: version, id 501, GET, pad, len 3; then the body
            final ByteBuffer req = le(27).putInt(0x010000).putInt(501).putInt(0).putInt(0).putLong(3)
                .put(new byte[] {7, 8, 9}).flip();
            write(ch, req);
            final ByteBuffer reply = readFully(ch, 88 + 7);
            assertEquals(0x010000, reply.getInt(0));
            assertEquals(501, reply.getInt(4));
            assertEquals(0, reply.getInt(8));
            assertEquals(0, reply.getInt(12));
            // errstr: DPVS's text for 0, NUL-padded to 64 bytes
            final byte[] errstr = new byte[64];
            reply.get(16, errstr);
            final byte[] expected = new byte[64];
            System.arraycopy("OK".getBytes(StandardCharsets.US_ASCII), 0, expected, 0, 2);
            assertArrayEquals(expected, errstr);
            assertEquals(7L, reply.getLong(80));
            assertEquals(501, reply.getInt(88));
            assertEquals(7, reply.get(92));
            assertEquals(8, reply.get(93));
            assertEquals(9, reply.get(94));
            // then DPVS's end of the exchange: the server closes (pad 0, as DPVS's tools send it)
            assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
            assertEquals(1, core.server.counters.oneShotClosed.get());
        }
    }

    @Test
    public void shouldKeepAConnectionWhoseRequestsAskForIt() throws IOException
    {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path)))
        {
            for (int i = 0; i < 3; i++)
            {
                write(ch, le(25).putInt(0x010000).putInt(501).putInt(0).putInt(Sockopt.KEEP_ALIVE).putLong(1)
                    .put((byte)i).flip());
                final ByteBuffer reply = readFully(ch, 88 + 5);
                assertEquals(0, reply.getInt(12));
                assertEquals(i, reply.get(92));
            }
            // a last request without the flag: answered, then closed
            write(ch, le(25).putInt(0x010000).putInt(501).putInt(0).putInt(0).putLong(1).put((byte)9).flip());
            assertEquals(9, readFully(ch, 88 + 5).get(92));
            assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
        }
        assertEquals(1, core.server.counters.oneShotClosed.get());
    }

    @Test
    public void shouldSendNoBodyWithASetReply() throws IOException
    {
        final SockoptResponse r = client.set(ECHO_SET + 3, new byte[] {1, 2});
        assertTrue(r.ok());
        assertEquals(Sockopt.SET, r.type());
        assertEquals(0, r.body().length);
        assertEquals(1, sets.get());
    }

    @Test
    public void shouldServeSeveralRequestsOnOneConnection() throws IOException
    {
        try (SockoptClient.Connection c = client.open())
        {
            for (int i = 0; i < 100; i++)
            {
                final SockoptResponse r = c.call(Sockopt.GET, ECHO_GET + i % 10, new byte[] {(byte)i});
                assertTrue(r.ok());
                assertEquals(ECHO_GET + i % 10, r.buffer().getInt(0));
                assertEquals((byte)i, r.body()[4]);
            }
        }
    }

    @Test
    public void shouldSendALargeReplyThroughPartialWrites() throws IOException
    {
        final byte[] big = new byte[900_000];
        new Random(1).nextBytes(big);
        try (SockoptHandle h = core.register(SockoptSpec.builder("big").get(600, 600, (req, rep) ->
        {
            rep.body(big.length).put(big);
            return Edpvs.OK;
        }).build(), "test"))
        {
            final SockoptResponse r = client.get(600, null);
            assertTrue(r.ok());
            assertArrayEquals(big, r.body());
        }
    }

    // ------------------------------------------------------------------ errors: always a reply

    @Test
    public void shouldReplyNotSupportedToAnUnknownIdAndKeepTheConnection() throws IOException
    {
        try (SockoptClient.Connection c = client.open())
        {
            final SockoptResponse r = c.call(Sockopt.GET, 4242, new byte[] {1, 2, 3});
            assertEquals(Edpvs.NOTSUPP, r.errcode());
            assertEquals("no GET sockopt 4242 registered", r.errstr());
            assertEquals(0, r.body().length);
            // a SET id has no GET meaning: the type picks the table
            assertEquals(Edpvs.NOTSUPP, c.call(Sockopt.SET, ECHO_GET + 20, null).errcode());
            assertTrue(c.call(Sockopt.GET, ECHO_GET, null).ok());
        }
        assertEquals(2, core.server.counters.notSupported.get());
    }

    @Test
    public void shouldReplyToAVersionMismatch() throws IOException
    {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path)))
        {
            // even on a connection that asked to be kept: a client of another version cannot be trusted to frame
            // its next request as ours, and DPVS's tools use one connection per request anyway
            write(ch, le(24).putInt(0x020000).putInt(ECHO_GET).putInt(0).putInt(Sockopt.KEEP_ALIVE).putLong(0).flip());
            final ByteBuffer reply = readFully(ch, 88);
            assertEquals(Edpvs.INVAL, reply.getInt(12));
            assertEquals("sockopt version 0x20000, echo wants 0x10000", cString(reply, 16));
            assertEquals(0L, reply.getLong(80));
            assertEquals(-1, SockoptLimitsTest.readWithin(ch));
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
        assertEquals(1, core.server.counters.versionMismatch.get());
    }

    @Test
    public void shouldRefuseAnOversizedRequestThenClose() throws IOException
    {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path)))
        {
            write(ch, le(24).putInt(0x010000).putInt(ECHO_GET).putInt(0).putInt(0).putLong(4097).flip());
            final ByteBuffer reply = readFully(ch, 88);
            assertEquals(Edpvs.INVAL, reply.getInt(12));
            assertEquals("request length 4097 over max 4096", cString(reply, 16));
            assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
        }
        assertTrue(client.get(ECHO_GET, null).ok());
    }

    @Test
    public void shouldRefuseABadTypeThenClose() throws IOException
    {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path)))
        {
            write(ch, le(24).putInt(0x010000).putInt(ECHO_GET).putInt(7).putInt(0).putLong(0).flip());
            final ByteBuffer reply = readFully(ch, 88);
            assertEquals(Edpvs.INVAL, reply.getInt(12));
            assertEquals("bad sockopt type 7 (0 GET, 1 SET)", cString(reply, 16));
            assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    public void shouldCountATruncatedHeaderAndServeOthers() throws Exception
    {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path)))
        {
            write(ch, le(10).putInt(0x010000).putInt(ECHO_GET).putShort((short)0).flip());
            ch.shutdownOutput();
            // nothing to answer a request never framed: the server closes
            assertEquals(-1, ch.read(ByteBuffer.allocate(88)));
        }
        await("truncated header counted", () -> 1 == core.server.counters.malformed.get());
        assertTrue(client.get(ECHO_GET, null).ok());
    }

    @Test
    public void shouldReplyCallbackFailWhenAHandlerThrowsAndKeepServing() throws IOException
    {
        try (SockoptHandle h = core.register(SockoptSpec.builder("buggy").get(700, 700, (req, rep) ->
        {
            rep.body(10);
            throw new IllegalStateException("bug");
        }).build(), "test"))
        {
            final SockoptResponse r = client.get(700, null);
            assertEquals(Edpvs.CALLBACKFAIL, r.errcode());
            assertEquals("buggy handler failed: IllegalStateException", r.errstr());
            assertEquals(0, r.body().length);
            assertTrue(client.get(ECHO_GET, null).ok());
        }
        assertEquals(1, core.server.counters.handlerThrew.get());
    }

    @Test
    public void shouldPassAHandlersErrorCodeAndText() throws IOException
    {
        try (SockoptHandle h = core.register(SockoptSpec.builder("picky").set(700, 700, (req, rep) ->
        {
            if (req.body().remaining() != 4)
            {
                rep.message("want 4 bytes, got " + req.body().remaining());
                return Edpvs.INVAL;
            }
            return Edpvs.EXIST;
        }).build(), "test"))
        {
            final SockoptResponse bad = client.set(700, new byte[3]);
            assertEquals(Edpvs.INVAL, bad.errcode());
            assertEquals("want 4 bytes, got 3", bad.errstr());
            final SockoptResponse exist = client.set(700, new byte[4]);
            assertEquals(Edpvs.EXIST, exist.errcode());
            assertEquals("already exist", exist.errstr());
        }
        assertEquals(2, core.server.counters.handlerErrors.get());
    }

    // ------------------------------------------------------------------ handlers use the message manager

    @Test
    public void shouldLetAHandlerMulticastAndSendSyncToWorkersBeforeReplying() throws Exception
    {
        final int typeMc = 300;
        final int typeUc = 301;
        final int get = 600;
        try (TestMsgManagers.Running msg = TestMsgManagers.start(lcores, "test"))
        {
            final MsgManager mm = msg.manager();
            // each worker answers with its lcore id and thread; the handler's own lcore never runs this
            mm.registerMulticast(MsgTypeSpec.multicast(typeMc, "route_add", MsgPriority.NORM, m ->
            {
                m.reply(lcores.currentLcoreId() + "@" + Thread.currentThread().getName() + ":" + m.payload());
                return Edpvs.OK;
            }, null));
            for (final int worker : mm.workerLcoreIds())
            {
                mm.register(MsgTypeSpec.unicast(typeUc, "route_get", MsgPriority.NORM, m ->
                {
                    m.reply("uc" + lcores.currentLcoreId() + ":" + m.payload());
                    return Edpvs.OK;
                }), worker);
            }
            final MulticastResult mr = new MulticastResult();
            final MsgReply ur = new MsgReply();
            final AtomicReference<String> handlerThread = new AtomicReference<>();
            core.register(SockoptSpec.builder("fanout").get(get, get, (req, rep) ->
            {
                handlerThread.set(Thread.currentThread().getName());
                final String arg = StandardCharsets.US_ASCII.decode(req.body()).toString();
                final int rc = mm.multicastSync(typeMc, arg, 2_000_000, mr);
                if (rc != Edpvs.OK)
                {
                    rep.message("multicast: " + rc);
                    return rc;
                }
                final StringBuilder sb = new StringBuilder();
                for (int i = 0; i < mr.count(); i++)
                {
                    sb.append(mr.reply(i)).append(' ');
                }
                final int rc2 = mm.sendSync(typeUc, mm.workerLcoreIds()[0], arg, 2_000_000, ur);
                if (rc2 != Edpvs.OK)
                {
                    return rc2;
                }
                sb.append(ur.reply());
                final byte[] text = sb.toString().getBytes(StandardCharsets.US_ASCII);
                rep.body(text.length).put(text);
                return Edpvs.OK;
            }).build(), "test");

            for (int i = 0; i < 20; i++)
            {
                final SockoptResponse r = client.get(get, ("x" + i).getBytes(StandardCharsets.US_ASCII));
                assertEquals(r.toString(), Edpvs.OK, r.errcode());
                assertEquals("1@lcore-1:x" + i + " uc1:x" + i, new String(r.body(), StandardCharsets.US_ASCII));
            }
            assertEquals("lcore-0", handlerThread.get());
        }
    }

    // ------------------------------------------------------------------ many clients, stalled and hostile ones

    @Test
    public void shouldServeSixteenConcurrentClients() throws Exception
    {
        final int clients = 16;
        final int each = 200;
        final AtomicInteger bad = new AtomicInteger();
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++)
        {
            final int id = t;
            final Thread th = new Thread(() ->
            {
                for (int i = 0; i < each; i++)
                {
                    try
                    {
                        // half per connection as DPVS's tools do, half on a kept one
                        final byte[] body = {(byte)id, (byte)i};
                        final SockoptResponse r = client.get(ECHO_GET + id % 10, body);
                        if (!r.ok() || r.buffer().getInt(0) != ECHO_GET + id % 10 || r.body()[4] != id
                            || r.body()[5] != (byte)i)
                        {
                            bad.incrementAndGet();
                        }
                    }
                    catch (final IOException ex)
                    {
                        bad.incrementAndGet();
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (final Thread th : threads)
        {
            th.join(60_000);
            assertFalse(th.isAlive());
        }
        assertEquals(0, bad.get());
        assertTrue(core.server.counters.requests.get() >= clients * each);
    }

    @Test
    public void shouldServeOthersAndKeepTheMasterLoopingWhileAClientStallsMidHeader() throws Exception
    {
        core.stop();
        core = null;
        start(new ServerConfig(path, 4096, 1 << 20, 16, 2_000, 60_000, 64));
        core.register(SockoptSpec.builder("echo").get(ECHO_GET, ECHO_GET, (req, rep) -> Edpvs.OK).build(), "test");
        try (SocketChannel stalled = SocketChannel.open(UnixDomainSocketAddress.of(path)))
        {
            write(stalled, le(12).putInt(0x010000).putInt(ECHO_GET).putInt(0).flip());
            await("the stalled client accepted", () -> 1 == core.server.openConnections());
            final long loops0 = masterLoops();
            for (int i = 0; i < 200; i++)
            {
                assertTrue(client.get(ECHO_GET, null).ok());
            }
            // a blocking read (DPVS) would hold the master in one iteration until the client sent the rest
            await("the master looping on while a client is stalled", () -> masterLoops() - loops0 > 200);
            assertEquals(1 + 200, core.server.counters.connections.get());
            // the stalled request times out: an error reply, then the connection is closed
            stalled.configureBlocking(true);
            final ByteBuffer reply = readFully(stalled, 88);
            assertEquals(Edpvs.INVAL, reply.getInt(12));
            assertEquals("request incomplete after 2000 ms", cString(reply, 16));
            assertEquals(-1, stalled.read(ByteBuffer.allocate(1)));
        }
        assertEquals(1, core.server.counters.timedOut.get());
    }

    private long masterLoops()
    {
        for (final LcoreInfo i : lcores.lcores())
        {
            if (i.id() == lcores.masterLcoreId())
            {
                return i.loops();
            }
        }
        throw new AssertionError("no master");
    }

    @Test
    public void shouldWakeAParkedMasterForANewClientAndNotForEachClientWhileHot() throws Exception
    {
        // a master lcore that parks for a whole second at once when idle: only the doorbell brings it back sooner
        core.stop();
        TestLcores.stop(lcores);
        lcores = TestLcores.start("lcore 0 role MASTER cpu none idle backoff:0,0,1000000,1000000\n"
            + "lcore 1 role FWD_WORKER cpu none\n");
        start(new ServerConfig(path, 4096, 1 << 20, 16, 300, 60_000, 64));
        registerEcho();
        // cold: the job handed the selector to the doorbell, so the master lcore is in its one-second park
        await("the job cold", () -> core.server.cold());
        final long rings = core.server.doorbell.rings.get();
        final SockoptResponse first = SockoptClient.of(path, Duration.ofMillis(500)).get(ECHO_GET, new byte[] {42});
        assertEquals(0, first.errcode());
        assertEquals(ECHO_GET, first.buffer().getInt(0));
        assertEquals(42, first.body()[4]);
        assertTrue("the doorbell rang for the first client after a cold spell",
            core.server.doorbell.rings.get() > rings);

        // hot: clients one after the other, a connection each, as DPVS's tools do; the master accepts them
        // itself, the doorbell sleeps (only a client descheduled for over 1 ms could make it ring)
        final long before = core.server.doorbell.rings.get();
        for (int i = 0; i < 200; i++)
        {
            assertEquals(0, client.get(ECHO_GET, new byte[] {(byte)i}).errcode());
        }
        final long rang = core.server.doorbell.rings.get() - before;
        assertTrue("the doorbell rang " + rang + " times for 200 back-to-back clients", rang < 100);

        // a kept connection that idles through a cold spell: its next request wakes the parked master too
        try (SocketChannel kept = SocketChannel.open(UnixDomainSocketAddress.of(path)))
        {
            for (int i = 0; i < 3; i++)
            {
                await("the job cold", () -> core.server.cold());
                final long rings0 = core.server.doorbell.rings.get();
                write(kept, request(ECHO_GET, new byte[] {(byte)i}));
                final long t0 = System.nanoTime();
                final ByteBuffer reply = readFully(kept, 88 + 5);
                final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertEquals(0, reply.getInt(12));
                assertEquals((byte)i, reply.get(88 + 4));
                // the park is 1 s: an answer well before it came through the doorbell
                assertTrue("kept connection answered after " + tookMs + " ms", tookMs < 500);
                assertTrue(core.server.doorbell.rings.get() > rings0);
            }
        }

        // a client stalled mid-header while the master is parked is still timed out (300 ms here), not after
        // the next park
        try (SocketChannel stalled = SocketChannel.open(UnixDomainSocketAddress.of(path)))
        {
            final long timeouts0 = core.server.doorbell.timeouts.get();
            write(stalled, le(8).putInt(0x010000).putInt(ECHO_GET).flip());
            final long t0 = System.nanoTime();
            final ByteBuffer reply = readFully(stalled, 88);
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(Edpvs.INVAL, reply.getInt(12));
            assertTrue("stalled client closed after " + tookMs + " ms", tookMs >= 300 && tookMs < 900);
            assertTrue(core.server.doorbell.timeouts.get() > timeouts0);
        }
    }

    private static ByteBuffer request(final int id, final byte[] body)
    {
        final ByteBuffer b = le(24 + body.length).putInt(Sockopt.VERSION).putInt(id).putInt(0)
            .putInt(Sockopt.KEEP_ALIVE).putLong(body.length).put(body);
        return b.flip();
    }

    @Test
    public void shouldAnswerWellFormedRequestsAfterFuzzing() throws Exception
    {
        final Random rnd = new Random(20261122);
        for (int round = 0; round < 300; round++)
        {
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path)))
            {
                final ByteBuffer b = le(24 + 64);
                switch (rnd.nextInt(4))
                {
                    case 0: // pure garbage of random length
                        final byte[] g = new byte[rnd.nextInt(88)];
                        rnd.nextBytes(g);
                        b.put(g);
                        break;
                    case 1: // a header with random fields
                        b.putInt(rnd.nextBoolean() ? 0x010000 : rnd.nextInt()).putInt(rnd.nextInt(1200))
                            .putInt(rnd.nextInt(3)).putInt(rnd.nextInt()).putLong(rnd.nextInt(8192));
                        break;
                    case 2: // a header announcing more body than it sends
                        b.putInt(0x010000).putInt(ECHO_GET).putInt(0).putInt(0).putLong(64 + rnd.nextInt(64));
                        b.put(new byte[rnd.nextInt(64)]);
                        break;
                    default: // a well-formed request with a random body
                        final byte[] body = new byte[rnd.nextInt(64)];
                        rnd.nextBytes(body);
                        b.putInt(0x010000).putInt(ECHO_GET + rnd.nextInt(20)).putInt(rnd.nextInt(2)).putInt(0)
                            .putLong(body.length).put(body);
                }
                b.flip();
                write(ch, b);
                ch.shutdownOutput();
                // whatever it was, the server answers or closes; it never hangs the client
                final ByteBuffer sink = ByteBuffer.allocate(4096);
                ch.configureBlocking(true);
                while (ch.read(sink) >= 0)
                {
                    sink.clear();
                }
            }
        }
        for (int i = 0; i < 10; i++)
        {
            final SockoptResponse r = client.get(ECHO_GET + i, new byte[] {(byte)i});
            assertTrue(r.ok());
            assertEquals((byte)i, r.body()[4]);
        }
        assertEquals(0, core.server.counters.handlerThrew.get());
    }

    // ------------------------------------------------------------------ registry

    @Test
    public void shouldRefuseAnOverlappingRangeNamingTheHolder()
    {
        try
        {
            core.register(SockoptSpec.builder("route").get(505, 520, (q, r) -> 0).build(), "other.bundle");
            fail("overlap accepted");
        }
        catch (final SockoptConflictException ex)
        {
            assertEquals("sockopt route (other.bundle): GET range [505, 520] overlaps [500, 509] held by echo (test)",
                ex.getMessage());
            assertEquals("echo", ex.holder().name());
        }
        // the same ids of the other type are free: the type field tells them apart (DPVS's ids overlap so)
        try (SockoptHandle h = core.register(SockoptSpec.builder("route").set(510, 520, (q, r) -> 0)
            .get(510, 520, (q, r) -> 0).build(), "other.bundle"))
        {
            assertNotNull(h);
        }
        try
        {
            core.register(SockoptSpec.builder("mine").get(9000, 9001, (q, r) -> 0).build(), "other.bundle");
            fail("platform ids accepted");
        }
        catch (final IllegalArgumentException ex)
        {
            assertTrue(ex.getMessage(), ex.getMessage().contains("9000..9099 belong to platform.sockopt"));
        }
    }

    @Test
    public void shouldListRangesThroughItsOwnGet() throws IOException
    {
        client.get(ECHO_GET, null);
        final SockoptResponse r = client.get(Sockopt.GET_RANGES, null);
        assertTrue(r.ok());
        final ByteBuffer b = r.buffer();
        assertEquals(4, b.getInt(0));
        assertEquals(8 + 4 * 128, r.body().length);
        // GETs first, by first id: echo 500..509, then the platform's own 9000..9003 and 9004
        assertEquals(Sockopt.GET, b.getInt(8));
        assertEquals(500, b.getInt(8 + 4));
        assertEquals(509, b.getInt(8 + 8));
        assertEquals(0x010000, b.getInt(8 + 12));
        assertEquals("echo", cString(b, 8 + 16));
        assertEquals("test", cString(b, 8 + 48));
        assertEquals(1L, b.getLong(8 + 112));
        assertEquals(9000, b.getInt(8 + 128 + 4));
        assertEquals(9003, b.getInt(8 + 128 + 8));
        assertEquals("platform.sockopt", cString(b, 8 + 128 + 48));
        assertEquals(9004, b.getInt(8 + 256 + 4));
        assertEquals("sockopt-stats", cString(b, 8 + 256 + 16));
        assertEquals(Sockopt.SET, b.getInt(8 + 384));
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        DplaneCtlAccess.printRanges(new PrintStream(out, true, StandardCharsets.UTF_8), r.buffer());
        final String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text, text.contains("GET  500-509     0x010000 echo"));
        assertTrue(text, text.contains("GET  9000-9003   0x010000 sockopt          platform.sockopt"));
    }

    /** msg:stats through the socket: GET 9003 while a message manager runs, a clear refusal while none does. */
    @Test
    public void shouldServeTheMessageTypesAndTheirCountersWhileAMessageManagerRuns() throws Exception
    {
        final SockoptResponse none = client.get(Sockopt.GET_MSG_TYPES, null);
        assertEquals(Edpvs.NOTSUPP, none.errcode());
        assertEquals("no message manager running", none.errstr());
        try (TestMsgManagers.Running msg = TestMsgManagers.start(lcores, "test.owner"))
        {
            core.msgTypes = MsgTypesGet.of(msg.manager());
            msg.manager().register(MsgTypeSpec.unicast(310, "route_get", MsgPriority.LOW, m -> Edpvs.OK), 1);
            final MsgReply r = new MsgReply();
            for (int i = 0; i < 3; i++)
            {
                assertEquals(Edpvs.OK, msg.manager().sendSync(310, 1, null, 1_000_000, r));
            }
            // the receiving lcore counts a message as finished after it released the sender: wait for the count
            await("three messages finished on lcore 1", () -> 3 == finishedOf310());
            final SockoptResponse types = client.get(Sockopt.GET_MSG_TYPES, null);
            assertEquals(Edpvs.OK, types.errcode());
            final ByteBuffer b = types.buffer();
            boolean found = false;
            for (int i = 0; i < b.getInt(0); i++)
            {
                final int at = 8 + i * Sockopt.MSG_ENTRY_LENGTH;
                if (310 == b.getInt(at + Sockopt.MSG_ID_OFFSET))
                {
                    found = true;
                    assertEquals(1, b.getInt(at + Sockopt.MSG_LCORE_OFFSET));
                    assertEquals("route_get", cString(b, at + Sockopt.MSG_NAME_OFFSET));
                    assertEquals("UNICAST", cString(b, at + Sockopt.MSG_MODE_OFFSET));
                    assertEquals("LOW", cString(b, at + Sockopt.MSG_PRIORITY_OFFSET));
                    assertEquals("test.owner", cString(b, at + Sockopt.MSG_OWNER_OFFSET));
                    assertEquals(3, b.getLong(at + Sockopt.MSG_SENT_OFFSET));
                    assertEquals(3, b.getLong(at + Sockopt.MSG_FINISHED_OFFSET));
                }
            }
            assertTrue("type 310 listed", found);
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, platform.sockopt.cli.DplaneCtl.run(new String[] {"-s", path.toString(), "msgs"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
            final String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text, text.matches("(?s)ID +NAME .*\n310 +route_get +1 +UNICAST +LOW +3 +3 +3 +0 .* test\\.owner\n.*"));
        }
        finally
        {
            core.msgTypes = null;
        }
    }

    private long finishedOf310()
    {
        try
        {
            final ByteBuffer b = client.get(Sockopt.GET_MSG_TYPES, null).buffer();
            for (int i = 0; i < b.getInt(0); i++)
            {
                final int at = 8 + i * Sockopt.MSG_ENTRY_LENGTH;
                if (310 == b.getInt(at + Sockopt.MSG_ID_OFFSET))
                {
                    return b.getLong(at + Sockopt.MSG_FINISHED_OFFSET);
                }
            }
            return -1;
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** lcore:list and lcore:jobs through the socket: GET 9001 and 9002, and dplanectl's tables of them. */
    @Test
    public void shouldServeTheLcoresAndTheirJobsThroughThePlatformsOwnGets() throws Exception
    {
        final SockoptResponse l = client.get(Sockopt.GET_LCORES, null);
        assertEquals(Edpvs.OK, l.errcode());
        final ByteBuffer b = l.buffer();
        assertEquals(2, b.getInt(0));
        assertEquals(8 + 2 * Sockopt.LCORE_ENTRY_LENGTH, l.body().length);
        final int second = 8 + Sockopt.LCORE_ENTRY_LENGTH;
        assertEquals(0, b.getInt(8 + Sockopt.LCORE_ID_OFFSET));
        assertEquals("MASTER", cString(b, 8 + Sockopt.LCORE_ROLE_OFFSET));
        assertEquals("RUNNING", cString(b, 8 + Sockopt.LCORE_STATE_OFFSET));
        assertEquals(-1, b.getInt(8 + Sockopt.LCORE_CPU_OFFSET));
        await("lcore 0's loops counted", () ->
        {
            try
            {
                return client.get(Sockopt.GET_LCORES, null).buffer().getLong(8 + Sockopt.LCORE_LOOPS_OFFSET) > 0;
            }
            catch (final IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        });
        assertEquals(1, b.getInt(second + Sockopt.LCORE_ID_OFFSET));
        assertEquals("FWD_WORKER", cString(b, second + Sockopt.LCORE_ROLE_OFFSET));
        assertEquals(lcores.lcores().get(1).idleStrategy(), cString(b, second + Sockopt.LCORE_IDLE_OFFSET));

        // the job statistics are published by the lcore as it goes: wait until the server's own job shows calls
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long calls = 0;
        while (0 == calls)
        {
            assertTrue("sockopt_job never counted a call", System.nanoTime() < deadline);
            final SockoptResponse all = client.get(Sockopt.GET_JOBS, null);
            assertEquals(Edpvs.OK, all.errcode());
            final ByteBuffer j = all.buffer();
            boolean sockoptJob = false;
            for (int i = 0; i < j.getInt(0); i++)
            {
                final int at = 8 + i * Sockopt.JOB_ENTRY_LENGTH;
                if ("sockopt_job".equals(cString(j, at + Sockopt.JOB_NAME_OFFSET)))
                {
                    sockoptJob = true;
                    assertEquals(0, j.getInt(at + Sockopt.JOB_LCORE_OFFSET));
                    assertEquals("MASTER", cString(j, at + Sockopt.JOB_ROLE_OFFSET));
                    assertEquals("LOOP", cString(j, at + Sockopt.JOB_TYPE_OFFSET));
                    assertEquals("ACTIVE", cString(j, at + Sockopt.JOB_STATE_OFFSET));
                    calls = j.getLong(at + Sockopt.JOB_CALLS_OFFSET);
                }
            }
            assertTrue("sockopt_job listed", sockoptJob);
            Thread.sleep(0 == calls ? 10 : 0);
        }
        // one lcore's jobs only
        final SockoptResponse one = client.get(Sockopt.GET_JOBS, new byte[] {1, 0, 0, 0});
        assertEquals(Edpvs.OK, one.errcode());
        for (int i = 0; i < one.buffer().getInt(0); i++)
        {
            assertEquals(1, one.buffer().getInt(8 + i * Sockopt.JOB_ENTRY_LENGTH + Sockopt.JOB_LCORE_OFFSET));
        }
        SockoptResponse bad = client.get(Sockopt.GET_JOBS, new byte[] {7, 0, 0, 0});
        assertEquals(Edpvs.INVAL, bad.errcode());
        assertEquals("no lcore 7", bad.errstr());
        bad = client.get(Sockopt.GET_JOBS, new byte[] {7, 0});
        assertEquals(Edpvs.INVAL, bad.errcode());

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        final PrintStream e = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(0, platform.sockopt.cli.DplaneCtl.run(new String[] {"-s", path.toString(), "lcores"}, o, e));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text, text.matches("(?s)LCORE ROLE +CPU +PINNED STATE +IDLE .*\n0 +MASTER +- +no +RUNNING .*"
            + "\n1 +FWD_WORKER +- +no +RUNNING .*"));
        out.reset();
        assertEquals(0, platform.sockopt.cli.DplaneCtl.run(new String[] {"-s", path.toString(), "jobs", "0"}, o, e));
        text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text, text.matches("(?s)LCORE JOB .*\n0 +sockopt_job +MASTER +LOOP +\\d+ .* ACTIVE .*"));
        assertEquals(1, platform.sockopt.cli.DplaneCtl.run(new String[] {"-s", path.toString(), "jobs", "7"}, o, e));
        assertEquals(2, platform.sockopt.cli.DplaneCtl.run(new String[] {"-s", path.toString(), "jobs", "x"}, o, e));
    }

    @Test
    public void shouldRefuseAJobsRequestWhoseBodyIsNeitherEmptyNorOneU32() throws IOException
    {
        // 5 bytes and more were read as a u32 and the rest ignored (issue 11)
        for (final byte[] body : new byte[][] {{1, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0, 0, 0}, {7, 0}})
        {
            final SockoptResponse bad = client.get(Sockopt.GET_JOBS, body);
            assertEquals(body.length + " bytes", Edpvs.INVAL, bad.errcode());
            assertEquals("want nothing (every lcore) or a u32 lcore id, not " + body.length + " bytes", bad.errstr());
        }
        // the id is a u32: printed unsigned, not as a negative lcore
        final SockoptResponse big = client.get(Sockopt.GET_JOBS, new byte[] {-1, -1, -1, -1});
        assertEquals(Edpvs.INVAL, big.errcode());
        assertEquals("no lcore 4294967295", big.errstr());
        assertEquals(Edpvs.OK, client.get(Sockopt.GET_JOBS, new byte[] {1, 0, 0, 0}).errcode());
    }

    @Test
    public void shouldNeverCallAHandlerAfterCloseReturnsWhileRequestsArrive() throws Exception
    {
        final AtomicLong calls = new AtomicLong();
        final SockoptHandle h = core.register(SockoptSpec.builder("hot").get(800, 800, (req, rep) ->
        {
            calls.incrementAndGet();
            return Edpvs.OK;
        }).build(), "test");
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger unexpected = new AtomicInteger();
        final CountDownLatch running = new CountDownLatch(4);
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            final Thread th = new Thread(() ->
            {
                running.countDown();
                while (!stop.get())
                {
                    try
                    {
                        final int rc = client.get(800, null).errcode();
                        if (Edpvs.OK != rc && Edpvs.NOTSUPP != rc)
                        {
                            unexpected.incrementAndGet();
                        }
                    }
                    catch (final IOException ex)
                    {
                        unexpected.incrementAndGet();
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        running.await();
        await("traffic", () -> calls.get() > 50);
        h.close();
        final long after = calls.get();
        // requests go on arriving: wait for a hundred answered NOTSUPP after close() returned
        final long notSupported0 = core.server.counters.notSupported.get();
        await("requests answered after close()", () -> core.server.counters.notSupported.get() - notSupported0 > 100);
        stop.set(true);
        for (final Thread th : threads)
        {
            th.join(10_000);
            assertFalse(th.isAlive());
        }
        assertEquals(after, calls.get());
        assertEquals(0, unexpected.get());
        assertEquals(Edpvs.NOTSUPP, client.get(800, null).errcode());
    }

    @Test
    public void shouldLetAHandlerCloseItsOwnRegistration() throws IOException
    {
        final SockoptHandle[] self = new SockoptHandle[1];
        self[0] = core.register(SockoptSpec.builder("once").set(900, 900, (req, rep) ->
        {
            self[0].close(); // on the master lcore, inside its own handler: must not wait for itself
            return Edpvs.OK;
        }).build(), "test");
        assertTrue(client.set(900, null).ok());
        assertEquals(Edpvs.NOTSUPP, client.set(900, null).errcode());
    }

    // ------------------------------------------------------------------ the socket file

    @Test
    public void shouldMakeTheSocketOwnerOnlyAndRemoveItAtStop() throws IOException
    {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        core.stop();
        core = null;
        assertFalse(Files.exists(path));
    }

    @Test
    public void shouldNeverTakeOverALiveServer() throws IOException
    {
        final SockoptCore second = new SockoptCore(ServerConfig.defaults(path), lcores);
        try
        {
            second.start();
            fail("took over a live server");
        }
        catch (final IllegalStateException ex)
        {
            assertTrue(ex.getMessage(), ex.getMessage().startsWith("another server is listening on " + path));
        }
        assertTrue(client.get(ECHO_GET, null).ok());
    }

    @Test
    public void shouldReplaceAStaleSocketFile() throws IOException
    {
        core.stop();
        core = null;
        // a crashed run leaves a socket file nobody listens on
        final ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        crashed.bind(UnixDomainSocketAddress.of(path));
        crashed.close();
        assertTrue(Files.exists(path));
        start(ServerConfig.defaults(path));
        core.register(SockoptSpec.builder("echo").get(ECHO_GET, ECHO_GET, (req, rep) -> Edpvs.OK).build(), "test");
        assertTrue(client.get(ECHO_GET, null).ok());
    }

    // ------------------------------------------------------------------ client failures

    @Test
    public void shouldTellAMissingSocketFromAStoppedPlatformFromATimeout() throws Exception
    {
        final Path missing = path.resolveSibling("missing.ipc");
        assertKind(SockoptClientException.Kind.SOCKET_MISSING, SockoptClient.of(missing, Duration.ofSeconds(1)));

        final Path stale = path.resolveSibling("stale.ipc");
        final ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        gone.bind(UnixDomainSocketAddress.of(stale));
        gone.close();
        assertKind(SockoptClientException.Kind.NOT_RUNNING, SockoptClient.of(stale, Duration.ofSeconds(1)));

        final Path mute = path.resolveSibling("mute.ipc");
        try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            silent.bind(UnixDomainSocketAddress.of(mute));
            assertKind(SockoptClientException.Kind.TIMEOUT, SockoptClient.of(mute, Duration.ofMillis(200)));
        }
    }

    private static void assertKind(final SockoptClientException.Kind kind, final SockoptClient c)
    {
        try
        {
            c.get(1, null);
            fail("no exception");
        }
        catch (final SockoptClientException ex)
        {
            assertEquals(ex.getMessage(), kind, ex.kind());
        }
    }

    // ------------------------------------------------------------------ helpers

    static ByteBuffer le(final int n)
    {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    static void write(final SocketChannel ch, final ByteBuffer b) throws IOException
    {
        while (b.hasRemaining())
        {
            ch.write(b);
        }
    }

    static ByteBuffer readFully(final SocketChannel ch, final int n) throws IOException
    {
        final ByteBuffer b = le(n);
        while (b.hasRemaining())
        {
            if (ch.read(b) < 0)
            {
                throw new IOException("EOF after " + b.position() + " of " + n + " bytes");
            }
        }
        return b.flip();
    }

    static String cString(final ByteBuffer b, final int at)
    {
        int n = 0;
        while (0 != b.get(at + n))
        {
            n++;
        }
        final byte[] s = new byte[n];
        b.get(at, s);
        return new String(s, StandardCharsets.UTF_8);
    }

    static void await(final String what, final BooleanSupplier cond) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
