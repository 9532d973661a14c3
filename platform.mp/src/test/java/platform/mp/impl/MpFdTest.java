package platform.mp.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import platform.mp.api.MpAction;
import platform.mp.api.MpException;
import platform.mp.api.MpMessage;
import platform.mp.api.MpReply;
import platform.mp.api.MpResponse;
import platform.mp.client.MpFds;
import platform.mp.client.MpRuntimeInfo;
import platform.mp.client.MpSecondary;

/**
 * File descriptors with messages (SCM_RIGHTS on the fd socket beside each connection), primary and secondary in
 * this JVM over the real sockets: each fd received is a new fd of its own that reads the file, 8 at most, replies
 * carry fds too, fds nobody takes are closed, and a peer without fd passing is refused or skipped.
 */
public class MpFdTest
{
    private static final Duration LONG = Duration.ofSeconds(5);

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private Path dir;
    private MpPrimary primary;
    private MpSecondary s;
    private final List<Integer> opened = new ArrayList<>();

    @Before
    public void start() throws IOException, InterruptedException
    {
        assertTrue("JNA is on the test class path: " + MpFds.unavailableReason(), MpFds.available());
        dir = tmp.newFolder("mp").toPath();
        primary = new MpPrimary(dir, 256);
        s = MpSecondary.attach(dir);
        MpTesting.await("attached", 5000, () -> primary.peers().size() == 1);
    }

    @After
    public void stop()
    {
        s.close();
        primary.close();
        for (final int fd : opened)
        {
            MpFds.close(fd);
        }
    }

    private int fileFd(final String name, final String content) throws IOException
    {
        final Path f = tmp.newFile(name).toPath();
        Files.writeString(f, content);
        final int fd = MpFds.openRead(f);
        opened.add(fd);
        // the receiver reads through the fd, not by the name
        Files.delete(f);
        return fd;
    }

    private static String readAndClose(final int fd) throws IOException
    {
        try
        {
            return new String(MpFds.read(fd, 4096), StandardCharsets.UTF_8);
        }
        finally
        {
            assertTrue("the received fd was open", MpFds.close(fd));
        }
    }

    private static long openFds() throws IOException
    {
        try (Stream<Path> l = Files.list(Path.of("/proc/self/fd")))
        {
            return l.count();
        }
    }

    @Test
    public void shouldPassEightFdsWithARequestAndNotNine() throws Exception
    {
        assertTrue(s.passesFds());
        final int[] fds = new int[8];
        for (int i = 0; i < fds.length; i++)
        {
            fds[i] = fileFd("f" + i, "content " + i);
        }
        s.register("read.all", m ->
        {
            final StringBuilder sb = new StringBuilder();
            for (final int fd : m.fds())
            {
                sb.append(readAndClose(fd)).append(';');
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        });
        final MpReply r = primary.request("read.all", new byte[0], LONG, fds);
        assertEquals(1, r.nbReceived());
        final StringBuilder want = new StringBuilder();
        for (int i = 0; i < 8; i++)
        {
            want.append("content ").append(i).append(';');
        }
        assertEquals(want.toString(), new String(r.replies().get(0).params(), StandardCharsets.UTF_8));
        // the sender's fds stay open (a read of a closed fd throws), and share the open file description with the
        // received ones, as dup(2) does: the receiver read to the end, so the sender is at the end too
        assertEquals("", new String(MpFds.read(fds[3], 100), StandardCharsets.UTF_8));

        try
        {
            primary.request("read.all", new byte[0], LONG, new int[9]);
            fail("nine fds sent");
        }
        catch (final MpException e)
        {
            assertEquals(MpException.INVALID, e.code());
        }
        try
        {
            s.send("x", new byte[0], new int[] {-1});
            fail("a negative fd sent");
        }
        catch (final MpException e)
        {
            assertEquals(MpException.INVALID, e.code());
        }
    }

    @Test
    public void shouldPassFdsBothWaysWithMessagesAndReplies() throws Exception
    {
        // the primary's action replies with an fd (as DPDK's primary hands a secondary its VFIO container fd)
        final int answer = fileFd("answer", "from the primary");
        primary.register("give", new MpAction()
        {
            @Override
            public byte[] handle(final MpMessage msg)
            {
                throw new IllegalStateException("respond is called");
            }

            @Override
            public MpResponse respond(final MpMessage msg)
            {
                return new MpResponse("here".getBytes(StandardCharsets.UTF_8), new int[] {answer});
            }
        }, "test");
        final MpReply r = s.request("give", new byte[0], LONG);
        assertEquals(1, r.nbReceived());
        final MpMessage rep = r.replies().get(0);
        assertEquals("here", new String(rep.params(), StandardCharsets.UTF_8));
        assertEquals(1, rep.fds().length);
        assertTrue("a new fd of the receiver", answer != rep.fds()[0]);
        assertEquals("from the primary", readAndClose(rep.fds()[0]));

        // a one-way MSG from the secondary with an fd
        final BlockingQueue<String> got = new LinkedBlockingQueue<>();
        primary.register("take", m ->
        {
            got.add(m.peer() + ":" + readAndClose(m.fds()[0]));
            return null;
        }, "test");
        assertTrue(s.send("take", new byte[0], new int[] {fileFd("msg", "from the secondary")}));
        assertEquals(s.id() + ":from the secondary", got.poll(5, TimeUnit.SECONDS));
        // and a broadcast MSG from the primary
        final BlockingQueue<String> got2 = new LinkedBlockingQueue<>();
        s.register("bcast", m ->
        {
            got2.add(m.fds().length + ":" + readAndClose(m.fds()[0]));
            return null;
        });
        assertEquals(1, primary.send("bcast", new byte[0], new int[] {fileFd("b", "to all")}));
        assertEquals("1:to all", got2.poll(5, TimeUnit.SECONDS));
    }

    @Test
    public void shouldCloseFdsNobodyTakes() throws Exception
    {
        final int fd = fileFd("x", "x");
        // no action on the secondary: IGN for a REQ, counted for a MSG; the received fds are closed
        final long before = openFds();
        for (int i = 0; i < 50; i++)
        {
            primary.request("nobody", new byte[0], LONG, new int[] {fd, fd, fd});
            primary.send("nobody", new byte[0], new int[] {fd, fd});
        }
        MpTesting.await("the MSGs counted", 5000, () -> s.unknownActions.get() == 100);
        final long after = openFds();
        assertTrue("fds " + before + " then " + after + " after 250 fds received and not taken",
            after - before < 10);
    }

    @Test
    public void shouldRefuseOrSkipAPeerThatPassesNoFds() throws Exception
    {
        // a secondary told by mp.info that the primary passes no fds (as a primary without JNA writes it)
        final MpRuntimeInfo info = MpRuntimeInfo.read(dir);
        final Path other = tmp.newFolder("nofds").toPath();
        new MpRuntimeInfo(info.pid(), info.version(), info.socket(), info.maxParamLen(), info.started(), null)
            .write(other);
        final Properties p = new Properties();
        p.load(Files.newBufferedReader(other.resolve(MpRuntimeInfo.FILE_NAME)));
        assertFalse(p.containsKey("fd.socket"));
        try (MpSecondary plain = MpSecondary.attach(other))
        {
            MpTesting.await("attached", 5000, () -> primary.peers().size() == 2);
            assertFalse(plain.passesFds());
            try
            {
                plain.send("x", new byte[0], new int[] {fileFd("n", "n")});
                fail("fds sent where they cannot go");
            }
            catch (final MpException e)
            {
                assertEquals(MpException.NOT_SUPPORTED, e.code());
            }
            final BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
            s.register("both", m ->
            {
                got.add(m.fds().length);
                MpFds.close(m.fds()[0]);
                return null;
            });
            plain.register("both", m ->
            {
                got.add(-1);
                return null;
            });
            MpTesting.await("announced", 5000, () -> primary.actions().stream()
                .filter(a -> a.name().equals("both")).count() == 2);
            // the one that takes fds gets it; the other is skipped, not sent a message without its fds
            assertEquals(1, primary.send("both", new byte[0], new int[] {fileFd("b", "b")}));
            assertEquals(Integer.valueOf(1), got.poll(5, TimeUnit.SECONDS));
            final MpReply r = primary.request("both", new byte[0], LONG, new int[] {fileFd("c", "c")});
            assertEquals("only the secondary that takes fds is counted", 1, r.nbSent());
            assertEquals(Integer.valueOf(1), got.poll(5, TimeUnit.SECONDS));
            assertEquals(null, got.poll(200, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    public void shouldAttachWithoutFdsWhenTheFdSocketCannotBeReached() throws Exception
    {
        // mp.info names an fd socket nobody listens on: the secondary cannot pair, the primary gives up waiting
        final MpRuntimeInfo info = MpRuntimeInfo.read(dir);
        final Path other = tmp.newFolder("badfd").toPath();
        new MpRuntimeInfo(info.pid(), info.version(), info.socket(), info.maxParamLen(), info.started(),
            other.resolve("nobody_listens")).write(other);
        final long t0 = System.nanoTime();
        try (MpSecondary plain = MpSecondary.attach(other))
        {
            assertTrue("attached within the HELLO timeout", System.nanoTime() - t0 < 5_000_000_000L);
            assertFalse(plain.passesFds());
            plain.register("ping", m -> "pong".getBytes(StandardCharsets.UTF_8));
            MpTesting.await("attached", 5000, () -> primary.peers().size() == 2);
            // served as any secondary (the other one answers IGN: not counted)
            final MpReply r = primary.request("ping", new byte[0], LONG);
            assertEquals(1, r.nbReceived());
            assertEquals("pong", new String(r.replies().get(0).params(), StandardCharsets.UTF_8));
        }
    }

    @Test
    public void shouldRefuseGarbageOnTheFdSocketAndKeepPairing() throws Exception
    {
        final long errors = primary.protocolErrors.get();
        // 3 bytes where a token (8) is expected, and a peer that connects and sends nothing
        try (java.nio.channels.SocketChannel junk = java.nio.channels.SocketChannel.open(
                java.net.StandardProtocolFamily.UNIX);
            java.nio.channels.SocketChannel silent = java.nio.channels.SocketChannel.open(
                java.net.StandardProtocolFamily.UNIX))
        {
            junk.connect(java.net.UnixDomainSocketAddress.of(dir.resolve(MpRuntimeInfo.FD_SOCKET_NAME)));
            junk.write(java.nio.ByteBuffer.wrap(new byte[] {'a', 'b', 'c'}));
            silent.connect(java.net.UnixDomainSocketAddress.of(dir.resolve(MpRuntimeInfo.FD_SOCKET_NAME)));
            MpTesting.await("both refused and counted", 5000, () -> primary.protocolErrors.get() == errors + 2);
        }
        // a secondary attaching now still pairs its fd socket
        try (MpSecondary next = MpSecondary.attach(dir))
        {
            assertTrue(next.passesFds());
        }
    }

    @Test
    public void shouldPassFdsWithAsyncRequestsBothWays() throws Exception
    {
        s.register("read", m ->
        {
            final String text = readAndClose(m.fds()[0]);
            return text.getBytes(StandardCharsets.UTF_8);
        });
        final BlockingQueue<MpReply> got = new LinkedBlockingQueue<>();
        new BundleMpChannel(primary, "some.bundle", LONG).requestAsync("read", new byte[0], null,
            new int[] {fileFd("async", "async to the secondary")}, got::add);
        final MpReply r = got.poll(5, TimeUnit.SECONDS);
        assertEquals(1, r.nbReceived());
        assertEquals("async to the secondary", new String(r.replies().get(0).params(), StandardCharsets.UTF_8));

        primary.register("read", m -> readAndClose(m.fds()[0]).getBytes(StandardCharsets.UTF_8), "test");
        s.requestAsync("read", new byte[0], LONG, new int[] {fileFd("async2", "async to the primary")}, got::add);
        final MpReply r2 = got.poll(5, TimeUnit.SECONDS);
        assertEquals(1, r2.nbReceived());
        assertEquals("async to the primary", new String(r2.replies().get(0).params(), StandardCharsets.UTF_8));
    }

    @Test(timeout = 60_000)
    public void shouldRefuseAFrameWhoseFdsNeverCameWithoutWaitingForThem() throws Exception
    {
        // a peer pairs its fd socket, then announces an fd in a frame and never sends it: the I/O loop, which
        // serves every secondary, does not wait for it (a blocking receive held it 5 s, then closed the peer
        // without an ERROR)
        final long errors = primary.protocolErrors.get();
        primary.register("hi", m -> "there".getBytes(StandardCharsets.UTF_8), "test");
        try (java.nio.channels.SocketChannel raw = java.nio.channels.SocketChannel.open(
            java.net.StandardProtocolFamily.UNIX))
        {
            raw.connect(java.net.UnixDomainSocketAddress.of(dir.resolve(MpRuntimeInfo.SOCKET_NAME)));
            final long token = 0x5eed_f00dL;
            writeAll(raw, platform.mp.client.MpWire.encode(platform.mp.api.MpKind.HELLO, 0, new byte[0],
                java.nio.ByteBuffer.allocate(16).putLong(0, ProcessHandle.current().pid()).putLong(8, token).array(),
                0));
            try (platform.mp.client.FdSocket fd = platform.mp.client.FdSocket.connect(
                dir.resolve(MpRuntimeInfo.FD_SOCKET_NAME)))
            {
                fd.send(token, platform.mp.client.Frame.NO_FDS);
                final platform.mp.client.FrameReader in = new platform.mp.client.FrameReader(raw, 256);
                final platform.mp.client.Frame hello = in.read();
                assertEquals(platform.mp.api.MpKind.HELLO, hello.kind());
                assertEquals("paired", platform.mp.client.MpWire.HELLO_FDS,
                    hello.params()[4] & platform.mp.client.MpWire.HELLO_FDS);
                writeAll(raw, platform.mp.client.MpWire.encode(platform.mp.api.MpKind.MSG, 0,
                    platform.mp.client.MpWire.nameBytes("x"), new byte[0], 1));
                final platform.mp.client.Frame err = in.read();
                assertEquals(platform.mp.api.MpKind.ERROR, err.kind());
                assertEquals(platform.mp.client.MpWire.ERR_PROTOCOL, err.errorCode());
                assertTrue(err.errorText(), err.errorText().contains("none queued on the fd socket"));
                MpTesting.await("counted", 5000, () -> primary.protocolErrors.get() == errors + 1);
            }
        }
        // the other secondary is served as before
        final MpReply r = s.request("hi", new byte[0], Duration.ofSeconds(2));
        assertEquals(1, r.nbReceived());
    }

    private static void writeAll(final java.nio.channels.SocketChannel ch, final java.nio.ByteBuffer b)
        throws IOException
    {
        while (b.hasRemaining())
        {
            ch.write(b);
        }
    }
}
