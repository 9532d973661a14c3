package platform.mp.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import platform.mp.api.MpException;
import platform.mp.api.MpKind;
import platform.mp.api.MpMessage;
import platform.mp.api.MpRegistration;
import platform.mp.api.MpReply;
import platform.mp.client.Frame;
import platform.mp.client.FrameReader;
import platform.mp.client.MpRuntimeInfo;
import platform.mp.client.MpConnection;
import platform.mp.client.MpSecondary;
import platform.mp.client.MpWire;

/** A primary and secondaries in one JVM over the real Unix socket. */
public class MpChannelTest
{
    private static final Duration LONG = Duration.ofSeconds(5);

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private Path dir;
    private MpPrimary primary;
    private final List<AutoCloseable> closeMe = new CopyOnWriteArrayList<>();

    @Before
    public void start() throws IOException
    {
        dir = tmp.newFolder("mp").toPath();
        primary = new MpPrimary(dir, 256);
    }

    @After
    public void stop() throws Exception
    {
        for (final AutoCloseable c : closeMe)
        {
            c.close();
        }
        primary.close();
    }

    private MpSecondary secondary() throws IOException, InterruptedException
    {
        final int before = primary.peers().size();
        final MpSecondary s = MpSecondary.attach(dir);
        closeMe.add(s);
        MpTesting.await("the primary lists the secondary", 5000, () -> primary.peers().size() == before + 1);
        return s;
    }

    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(final MpMessage m)
    {
        return new String(m.params(), StandardCharsets.UTF_8);
    }

    @Test
    public void shouldWriteTheRuntimeInfoAndRefuseASecondPrimary() throws IOException
    {
        final MpRuntimeInfo info = MpRuntimeInfo.read(dir);
        assertEquals(ProcessHandle.current().pid(), info.pid());
        assertEquals(MpWire.VERSION, info.version());
        assertEquals(dir.resolve(MpRuntimeInfo.SOCKET_NAME), info.socket());
        assertEquals(256, info.maxParamLen());
        try (MpPrimary other = new MpPrimary(dir, 256))
        {
            fail("a second primary bound " + other.socket);
        }
        catch (final IOException e)
        {
            assertTrue(e.getMessage(), e.getMessage().contains("another primary"));
        }
    }

    @Test
    public void shouldRefuseToAttachToAPrimaryOfAnotherVersion() throws Exception
    {
        final Path other = tmp.newFolder("v2").toPath();
        new MpRuntimeInfo(1, MpWire.VERSION + 1, dir.resolve(MpRuntimeInfo.SOCKET_NAME), 256, 0).write(other);
        try (MpSecondary s = MpSecondary.attach(other))
        {
            fail("attached to a version " + (MpWire.VERSION + 1) + " primary as " + s.id());
        }
        catch (final IOException e)
        {
            assertTrue(e.getMessage(), e.getMessage().contains("speaks protocol version " + (MpWire.VERSION + 1) + ", this client " + MpWire.VERSION));
        }
        assertEquals(0, primary.peers().size());
    }

    @Test
    public void shouldRequestBothWays() throws Exception
    {
        primary.register("version", m -> utf8("primary-1 for peer " + m.peer()), "test");
        final MpSecondary a = secondary();
        final MpSecondary b = secondary();
        a.register("whoami", m -> utf8("a:" + new String(m.params(), StandardCharsets.UTF_8)));
        b.register("whoami", m -> utf8("b:" + new String(m.params(), StandardCharsets.UTF_8)));

        final MpReply up = a.request("version", new byte[0], LONG);
        assertEquals(1, up.nbSent());
        assertEquals(1, up.nbReceived());
        assertEquals("primary-1 for peer " + a.id(), text(up.replies().get(0)));
        assertEquals(0, up.replies().get(0).peer());

        final MpReply down = primary.request("whoami", utf8("x"), LONG);
        assertEquals(2, down.nbSent());
        assertEquals(2, down.nbReceived());
        final Set<String> got = ConcurrentHashMap.newKeySet();
        down.replies().forEach(m -> got.add(text(m)));
        assertEquals(Set.of("a:x", "b:x"), got);
    }

    @Test
    public void shouldNotWaitForAPeerWithoutTheAction() throws Exception
    {
        final MpSecondary a = secondary();
        secondary();
        a.register("only-a", m -> utf8("a"));
        final long t0 = System.nanoTime();
        final MpReply r = primary.request("only-a", new byte[0], Duration.ofSeconds(10));
        assertTrue("IGN must end the wait", System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        assertEquals("the IGN peer is not counted", 1, r.nbSent());
        assertEquals(1, r.nbReceived());

        final MpReply none = a.request("nobody", new byte[0], Duration.ofSeconds(10));
        assertEquals(0, none.nbSent());
        assertEquals(0, none.nbReceived());
        assertTrue(primary.unknownActions.get() >= 1);
    }

    @Test
    public void shouldCompleteWithWhatArrivedOnTimeout() throws Exception
    {
        final MpSecondary slow = secondary();
        final MpSecondary fast = secondary();
        final CountDownLatch release = new CountDownLatch(1);
        slow.register("work", m ->
        {
            release.await(5, TimeUnit.SECONDS);
            return utf8("late");
        });
        fast.register("work", m -> utf8("fast"));
        // long enough for the fast reply on a loaded machine; the slow one waits for the latch
        final MpReply r = primary.request("work", new byte[0], Duration.ofMillis(1500));
        release.countDown();
        assertEquals(2, r.nbSent());
        assertEquals(1, r.nbReceived());
        assertEquals("fast", text(r.replies().get(0)));
        assertEquals(1, primary.timeouts.get());
        MpTesting.await("the late reply is dropped", 5000, () -> primary.lateReplies.get() == 1);
        assertEquals(0, primary.pendingRequests());
    }

    @Test
    public void shouldRunTheCallbackExactlyOnceAlsoWithNobodyToAsk() throws Exception
    {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicReference<MpReply> got = new AtomicReference<>();
        primary.requestAsync("any", new byte[0], LONG, r ->
        {
            got.set(r);
            calls.incrementAndGet();
        });
        MpTesting.await("callback with no peers", 5000, () -> calls.get() == 1);
        assertEquals(0, got.get().nbSent());

        final MpSecondary s = secondary();
        s.register("hang", m ->
        {
            Thread.sleep(1500);
            return null;
        });
        final AtomicInteger calls2 = new AtomicInteger();
        final AtomicReference<MpReply> got2 = new AtomicReference<>();
        primary.requestAsync("hang", new byte[0], Duration.ofMillis(200), r ->
        {
            got2.set(r);
            calls2.incrementAndGet();
        });
        MpTesting.await("callback on timeout", 5000, () -> calls2.get() == 1);
        assertEquals(1, got2.get().nbSent());
        assertEquals(0, got2.get().nbReceived());
        // the late reply must not call it again
        Thread.sleep(1800);
        assertEquals(1, calls2.get());
    }

    @Test
    public void shouldRejectASyncRequestFromACallbackAndServeAnAsyncOne() throws Exception
    {
        final MpSecondary s = secondary();
        s.register("ping", m -> utf8("pong"));
        final AtomicReference<Throwable> syncInCallback = new AtomicReference<>();
        final AtomicReference<MpReply> nested = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);
        primary.requestAsync("ping", new byte[0], LONG, r ->
        {
            try
            {
                primary.request("ping", new byte[0], LONG);
            }
            catch (final MpException e)
            {
                syncInCallback.set(e);
            }
            primary.requestAsync("ping", new byte[0], LONG, r2 ->
            {
                nested.set(r2);
                done.countDown();
            });
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(MpException.IN_CALLBACK, ((MpException) syncInCallback.get()).code());
        assertEquals(1, nested.get().nbReceived());
        assertEquals("pong", text(nested.get().replies().get(0)));

        // the same from inside an action on the primary: it runs on the I/O thread of s's connection, the very
        // thread that would have to read the reply it waited for; an async request from there works
        final AtomicReference<Throwable> syncInAction = new AtomicReference<>();
        final AtomicReference<MpReply> nestedInAction = new AtomicReference<>();
        final CountDownLatch nestedDone = new CountDownLatch(1);
        primary.register("ask-back", m ->
        {
            assertTrue(Thread.currentThread().getName(), MpConnection.IoThread.current());
            try
            {
                primary.request("ping", new byte[0], LONG);
            }
            catch (final MpException e)
            {
                syncInAction.set(e);
            }
            primary.requestAsync("ping", new byte[0], LONG, r2 ->
            {
                nestedInAction.set(r2);
                nestedDone.countDown();
            });
            return utf8("ok");
        }, "test");
        final MpReply r = s.request("ask-back", new byte[0], LONG);
        assertEquals(1, r.nbReceived());
        assertEquals("ok", text(r.replies().get(0)));
        assertEquals(MpException.IN_CALLBACK, ((MpException) syncInAction.get()).code());
        assertTrue(nestedDone.await(5, TimeUnit.SECONDS));
        assertEquals("pong", text(nestedInAction.get().replies().get(0)));
    }

    @Test
    public void shouldBroadcastMessages() throws Exception
    {
        final MpSecondary a = secondary();
        final MpSecondary b = secondary();
        final List<String> got = new CopyOnWriteArrayList<>();
        a.register("event", m -> got.add("a:" + text(m)) ? null : null);
        b.register("event", m -> got.add("b:" + text(m)) ? null : null);
        assertEquals(2, primary.send("event", utf8("route-added")));
        MpTesting.await("both got the message", 5000, () -> got.size() == 2);
        assertTrue(got.containsAll(List.of("a:route-added", "b:route-added")));

        final List<MpMessage> up = new CopyOnWriteArrayList<>();
        primary.register("notify", m -> up.add(m) ? null : null, "test");
        assertTrue(a.send("notify", utf8("hi")));
        MpTesting.await("the primary got the message", 5000, () -> up.size() == 1);
        assertEquals(MpKind.MSG, up.get(0).kind());
        assertEquals(a.id(), up.get(0).peer());
    }

    @Test
    public void shouldPublishToSubscribersOnly() throws Exception
    {
        final MpSecondary a = secondary();
        final MpSecondary b = secondary();
        final List<String> got = new CopyOnWriteArrayList<>();
        a.register("platform.route", m -> got.add(text(m)) ? null : null);
        MpTesting.await("subscribed", 5000, () -> primary.actions().stream()
            .anyMatch(x -> x.name().equals("platform.route")));
        assertEquals(1, primary.publish("platform.route", utf8("add 10.0.0.0/8")));
        MpTesting.await("delivered", 5000, () -> got.size() == 1);
        assertEquals("add 10.0.0.0/8", got.get(0));
        assertEquals("the other secondary was not sent it", 0, b.unknownActions.get());
        assertEquals(0, primary.publish("platform.neigh", utf8("x")));
    }

    @Test
    public void shouldRefuseTooBigParamsAndTakenNames() throws Exception
    {
        final MpSecondary s = secondary();
        try
        {
            primary.send("x", new byte[257]);
            fail("257 bytes sent");
        }
        catch (final MpException e)
        {
            assertEquals(MpException.TOO_BIG, e.code());
        }
        try
        {
            s.request("x", new byte[257], LONG);
            fail("257 bytes sent");
        }
        catch (final MpException e)
        {
            assertEquals(MpException.TOO_BIG, e.code());
        }
        primary.register("taken", m -> null, "test");
        try
        {
            primary.register("taken", m -> null, "test");
            fail("registered twice");
        }
        catch (final MpException e)
        {
            assertEquals(MpException.EXISTS, e.code());
        }
    }

    @Test
    public void shouldAnswerIgnOnceUnregisteredAndListAnnouncedActions() throws Exception
    {
        final MpSecondary s = secondary();
        final MpRegistration reg = s.register("stats", m -> utf8("1"));
        MpTesting.await("announced", 5000, () -> primary.actions().stream()
            .anyMatch(a -> a.name().equals("stats") && a.owner().startsWith("secondary " + s.id())));
        assertEquals(1, primary.request("stats", new byte[0], LONG).nbReceived());
        reg.close();
        final MpReply r = primary.request("stats", new byte[0], LONG);
        assertEquals(0, r.nbSent());
        MpTesting.await("unannounced", 5000, () -> primary.actions().stream().noneMatch(a -> a.name().equals("stats")));
    }

    @Test
    public void shouldSendNoReplyForAFailingActionAsDpdk() throws Exception
    {
        final MpSecondary s = secondary();
        s.register("fails", m ->
        {
            throw new IllegalStateException("broken");
        });
        s.register("too-long", m -> new byte[257]);
        final MpReply r = primary.request("fails", new byte[0], Duration.ofMillis(300));
        assertEquals(1, r.nbSent());
        assertEquals(0, r.nbReceived());
        final MpReply r2 = primary.request("too-long", new byte[0], Duration.ofMillis(300));
        assertEquals(1, r2.nbSent());
        assertEquals(0, r2.nbReceived());
        assertEquals(2, s.actionErrors.get());
        // a MSG with no action: counted, nothing sent back
        assertTrue(s.send("nobody-here", new byte[0]));
        MpTesting.await("counted", 5000, () -> primary.unknownActions.get() == 1);
        assertTrue(s.connected());
    }

    @Test
    public void shouldNotReturnFromCloseWhileTheActionRuns() throws Exception
    {
        final MpSecondary s = secondary();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final MpRegistration reg = primary.register("busy", m ->
        {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            return utf8("done");
        }, "test");
        final AtomicReference<MpReply> got = new AtomicReference<>();
        final Thread requester = new Thread(() -> got.set(s.request("busy", new byte[0], LONG)));
        requester.start();
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        final Thread closer = new Thread(reg::close);
        closer.start();
        closer.join(300);
        assertTrue("close() returned while the action ran", closer.isAlive());
        release.countDown();
        closer.join(5000);
        assertFalse(closer.isAlive());
        requester.join(5000);
        assertEquals(1, got.get().nbReceived());
        assertEquals(0, s.request("busy", new byte[0], LONG).nbSent());
    }

    @Test
    public void shouldRemoveABundlesActionsWhenItReleasesTheChannel() throws Exception
    {
        final BundleMpChannel ch = new BundleMpChannel(primary, "some.bundle", LONG);
        ch.register("a1", m -> null);
        ch.register("a2", m -> null).close();
        assertEquals(1, ch.registrationCount());
        assertTrue(primary.actions().stream().anyMatch(a -> a.name().equals("a1")
            && a.owner().equals("primary: some.bundle")));
        ch.release();
        assertEquals(0, ch.registrationCount());
        assertTrue(primary.actions().stream().noneMatch(a -> a.owner().equals("primary: some.bundle")));
        final MpSecondary s = secondary();
        assertEquals(0, s.request("a1", new byte[0], LONG).nbSent());
        try
        {
            ch.register("late", m -> null);
            fail("registered on a released channel");
        }
        catch (final MpException e)
        {
            assertEquals(MpException.NOT_CONNECTED, e.code());
        }
    }

    @Test
    public void shouldNotCallAReleasedBundlesCallback() throws Exception
    {
        final MpSecondary s = secondary();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        s.register("slowly", m ->
        {
            entered.countDown();
            release.await(5, TimeUnit.SECONDS);
            return utf8("late");
        });
        final BundleMpChannel ch = new BundleMpChannel(primary, "stopping.bundle", LONG);
        final AtomicInteger calls = new AtomicInteger();
        ch.requestAsync("slowly", new byte[0], LONG, r -> calls.incrementAndGet());
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        ch.release();
        release.countDown();
        MpTesting.await("the request completed", 5000, () -> primary.pendingRequests() == 0);
        // the completion went through the dispatch thread: one more round trip there orders this check after it
        final CountDownLatch after = new CountDownLatch(1);
        primary.requestAsync("none", new byte[0], LONG, r -> after.countDown());
        assertTrue(after.await(5, TimeUnit.SECONDS));
        assertEquals(0, calls.get());
    }

    @Test
    public void shouldCloseABadPeerWithAClearErrorAndKeepServingTheOthers() throws Exception
    {
        final MpSecondary good = secondary();
        good.register("ping", m -> utf8("pong"));

        // garbage
        assertEquals(MpWire.ERR_GARBAGE, rawPeerError("hello, primary, this is not a frame at all.".repeat(3)
            .getBytes(StandardCharsets.US_ASCII)));
        // another protocol version
        final ByteBuffer v2 = MpWire.encode(MpKind.HELLO, 0, new byte[0], new byte[8]);
        v2.putShort(MpWire.VERSION_OFFSET, (short) (MpWire.VERSION + 1));
        assertEquals(MpWire.ERR_VERSION, rawPeerError(v2.array()));
        // oversized, after a proper HELLO
        final byte[] hello = MpWire.encode(MpKind.HELLO, 0, new byte[0], new byte[8]).array();
        final byte[] big = MpWire.encode(MpKind.MSG, 0, utf8("x"), new byte[300]).array();
        final byte[] both = new byte[hello.length + big.length];
        System.arraycopy(hello, 0, both, 0, hello.length);
        System.arraycopy(big, 0, both, hello.length, big.length);
        assertEquals(MpWire.ERR_TOO_BIG, rawPeerError(both));
        // a request before HELLO
        assertEquals(MpWire.ERR_PROTOCOL, rawPeerError(MpWire.encode(MpKind.REQ, 1, utf8("ping"), new byte[0])
            .array()));

        assertEquals(4, primary.protocolErrors.get());
        assertTrue(good.connected());
        final MpReply r = primary.request("ping", new byte[0], LONG);
        assertEquals(1, r.nbSent());
        assertEquals(1, r.nbReceived());
        assertEquals(1, primary.peers().size());
    }

    /** Writes bytes on a raw connection; returns the ERROR code the primary answered before closing it. */
    private int rawPeerError(final byte[] bytes) throws IOException
    {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve(MpRuntimeInfo.SOCKET_NAME)));
            ch.write(ByteBuffer.wrap(bytes));
            final FrameReader r = new FrameReader(ch, 256);
            Frame f;
            while (null != (f = r.read()))
            {
                if (MpKind.ERROR == f.kind())
                {
                    assertFalse(f.errorText().isEmpty());
                    // then the primary closes
                    assertEquals(null, r.read());
                    return f.errorCode();
                }
            }
            fail("closed without an ERROR");
            return -1;
        }
    }

    @Test
    public void shouldCompletePendingRequestsWhenASecondaryDetaches() throws Exception
    {
        final MpSecondary stays = secondary();
        final MpSecondary leaves = secondary();
        stays.register("job", m -> utf8("done"));
        final CountDownLatch entered = new CountDownLatch(1);
        leaves.register("job", m ->
        {
            entered.countDown();
            Thread.sleep(3000);
            return utf8("never");
        });
        final AtomicReference<MpReply> got = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);
        primary.requestAsync("job", new byte[0], Duration.ofSeconds(20), r ->
        {
            got.set(r);
            done.countDown();
        });
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        final long t0 = System.nanoTime();
        leaves.close();
        assertTrue("completed when the peer left, not at the timeout", done.await(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        assertEquals(2, got.get().nbSent());
        assertEquals(1, got.get().nbReceived());
        MpTesting.await("the peer is removed", 5000, () -> primary.peers().size() == 1);
    }

    @Test
    public void shouldReattachWhenThePrimaryRestarts() throws Exception
    {
        final MpSecondary s = MpSecondary.attach(dir, Duration.ofMillis(50));
        closeMe.add(s);
        s.register("alive", m -> utf8("yes"));
        MpTesting.await("attached", 5000, () -> primary.peers().size() == 1);
        primary.close();
        MpTesting.await("noticed", 5000, () -> !s.connected());
        assertEquals(0, s.request("alive", new byte[0], LONG).nbSent());
        primary = new MpPrimary(dir, 256);
        MpTesting.await("reattached", 5000, () -> s.connected() && primary.peers().size() == 1);
        MpTesting.await("re-announced", 5000, () -> primary.actions().stream()
            .anyMatch(a -> a.name().equals("alive")));
        final MpReply r = primary.request("alive", new byte[0], LONG);
        assertEquals(1, r.nbReceived());
        assertEquals(2, s.connects.get());
    }
}
