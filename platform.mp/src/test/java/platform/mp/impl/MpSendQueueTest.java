package platform.mp.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import platform.mp.api.MpKind;
import platform.mp.api.MpReply;
import platform.mp.client.MpConnection;
import platform.mp.client.MpSecondary;
import platform.mp.client.MpWire;

/**
 * The per-peer send queue: a secondary that stops reading does not block the primary's broadcast to the others
 * (it delays it once, by {@link MpConnection#SLOW_PEER_MS} at most, then it is closed and counted); one that reads
 * gets every message in order, however many are sent at once (the writer waits for room: backpressure).
 */
public class MpSendQueueTest
{
    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private Path dir;
    private MpPrimary primary;

    @Before
    public void start() throws IOException
    {
        dir = tmp.newFolder("mp").toPath();
        primary = new MpPrimary(dir, 256);
    }

    @After
    public void stop()
    {
        primary.close();
    }

    @Test(timeout = 60_000)
    public void shouldNotLetASecondaryThatStopsReadingBlockTheBroadcast() throws Exception
    {
        final AtomicInteger got = new AtomicInteger();
        try (MpSecondary good = MpSecondary.attach(dir);
            SocketChannel stuck = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            good.register("tick", m ->
            {
                got.incrementAndGet();
                return null;
            });
            // a peer that says HELLO, then never reads a byte again
            stuck.connect(UnixDomainSocketAddress.of(dir.resolve("mp_socket")));
            final ByteBuffer hello = MpWire.encode(MpKind.HELLO, 0, new byte[0], new byte[8]);
            while (hello.hasRemaining())
            {
                stuck.write(hello);
            }
            MpTesting.await("two secondaries", 5000, () -> primary.peers().size() == 2);

            // far more than the stuck peer's socket buffer holds: with blocking writes this loop would hang on it
            final int n = 3 * MpConnection.MAX_BACKLOG;
            final byte[] params = new byte[200];
            final long t0 = System.nanoTime();
            int maxWritten = 0;
            for (int i = 0; i < n; i++)
            {
                maxWritten = Math.max(maxWritten, primary.send("tick", params));
            }
            final long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue("the broadcast of " + n + " messages took " + ms + " ms", ms < MpConnection.SLOW_PEER_MS + 4000);
            assertEquals(2, maxWritten);
            MpTesting.await("the good secondary got every message", 10_000, () -> got.get() == n);
            MpTesting.await("the stuck peer closed", 5000, () -> primary.peers().size() == 1);
            assertEquals(1, primary.slowPeers.get());
            assertTrue(new MpCommands(primary).peers().contains("slow peers closed 1"));
            // and the channel goes on for the others
            final MpReply r = primary.request("tick", new byte[0], Duration.ofSeconds(5));
            assertEquals(1, r.nbReceived());
        }
    }

    @Test(timeout = 60_000)
    public void shouldFlushTheQueueWhenTheSecondaryReadsAgain() throws Exception
    {
        // twice the send queue's bound at once: the secondary's I/O thread (running each action as it reads) takes
        // them as it can, the primary's queue fills and drains; every message arrives, in order
        final StringBuilder order = new StringBuilder();
        final AtomicInteger got = new AtomicInteger();
        try (MpSecondary s = MpSecondary.attach(dir))
        {
            s.register("seq", m ->
            {
                final int v = ByteBuffer.wrap(m.params()).getInt();
                if (v != got.get())
                {
                    order.append(v).append(' ');
                }
                got.incrementAndGet();
                return null;
            });
            MpTesting.await("attached", 5000, () -> primary.peers().size() == 1);
            final int n = 2 * MpConnection.MAX_BACKLOG;
            for (int i = 0; i < n; i++)
            {
                assertEquals(1, primary.send("seq", ByteBuffer.allocate(200).putInt(0, i).array()));
            }
            MpTesting.await("every message", 10_000, () -> got.get() == n);
            assertEquals("out of order: " + order, "", order.toString());
            assertEquals(0, primary.slowPeers.get());
        }
    }
}
