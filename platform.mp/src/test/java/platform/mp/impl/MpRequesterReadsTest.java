package platform.mp.impl;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import platform.mp.api.MpMessage;
import platform.mp.api.MpReply;
import platform.mp.client.MpConnection;
import platform.mp.client.MpSecondary;

/**
 * Synchronous requesters take their own replies from the socket while the connections' I/O threads read requests
 * and messages on the same sockets: every request gets its own answer from every secondary, every message arrives
 * once and in order, nothing is counted late, and the requesters did take replies themselves.
 */
public class MpRequesterReadsTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int REQUESTERS = 3;
    private static final int REQUESTS = 400;
    private static final int MESSAGES = 2000;

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
        for (int i = 0; i < 2; i++)
        {
            final MpSecondary s = MpSecondary.attach(dir);
            secondaries.add(s);
            final int me = i;
            // the answer names the secondary and carries the request's params back
            s.register("echo", m -> ByteBuffer.allocate(4 + m.params().length).putInt(me).put(m.params()).array());
        }
        MpTesting.await("both attached", 5000, () -> primary.peers().size() == 2);
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

    @Test(timeout = 120_000)
    public void shouldGiveEveryRequesterItsOwnRepliesWhileTheIoThreadsServeTheRest() throws Exception
    {
        // the secondaries' traffic to the primary on the same sockets: ordered messages and requests
        final int[] nextSeq = new int[2];
        final AtomicInteger outOfOrder = new AtomicInteger();
        // actions run on the I/O threads only, never on a requester that took frames itself
        final AtomicInteger offIoThread = new AtomicInteger();
        primary.register("seq", m ->
        {
            offIoThread.addAndGet(MpConnection.IoThread.current() ? 0 : 1);
            final int from = ByteBuffer.wrap(m.params()).getInt(0);
            final int seq = ByteBuffer.wrap(m.params()).getInt(4);
            synchronized (nextSeq)
            {
                if (seq != nextSeq[from])
                {
                    outOfOrder.incrementAndGet();
                }
                nextSeq[from] = seq + 1;
            }
            return null;
        }, "test");
        primary.register("ask", m ->
        {
            offIoThread.addAndGet(MpConnection.IoThread.current() ? 0 : 1);
            return m.params();
        }, "test");
        final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        final AtomicLong answered = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < REQUESTERS; t++)
        {
            final int me = t;
            threads.add(new Thread(() ->
            {
                for (int i = 0; i < REQUESTS; i++)
                {
                    final byte[] mine = ByteBuffer.allocate(8).putInt(me).putInt(i).array();
                    final MpReply r = primary.request("echo", mine, TIMEOUT);
                    if (2 != r.nbSent() || 2 != r.nbReceived())
                    {
                        wrong.add("request " + me + "/" + i + ": " + r.nbSent() + " sent, " + r.nbReceived()
                            + " received");
                        continue;
                    }
                    int from = 0;
                    for (final MpMessage m : r.replies())
                    {
                        final ByteBuffer b = ByteBuffer.wrap(m.params());
                        from |= 1 << b.getInt(0);
                        final byte[] back = new byte[8];
                        b.get(4, back);
                        if (!java.util.Arrays.equals(mine, back))
                        {
                            wrong.add("request " + me + "/" + i + " got another's reply");
                        }
                    }
                    if (3 != from)
                    {
                        wrong.add("request " + me + "/" + i + " replies from " + from);
                    }
                    answered.incrementAndGet();
                }
            }, "requester-" + t));
        }
        for (int s = 0; s < 2; s++)
        {
            final MpSecondary sec = secondaries.get(s);
            final int from = s;
            threads.add(new Thread(() ->
            {
                for (int i = 0; i < MESSAGES; i++)
                {
                    final byte[] p = ByteBuffer.allocate(8).putInt(from).putInt(i).array();
                    if (!sec.send("seq", p))
                    {
                        wrong.add("secondary " + from + " could not send " + i);
                    }
                    if (0 == i % 10)
                    {
                        final MpReply r = sec.request("ask", p, TIMEOUT);
                        if (1 != r.nbReceived() || !java.util.Arrays.equals(p, r.replies().get(0).params()))
                        {
                            wrong.add("secondary " + from + " request " + i + ": " + r);
                        }
                    }
                }
            }, "secondary-traffic-" + s));
        }
        threads.forEach(Thread::start);
        for (final Thread th : threads)
        {
            th.join();
        }
        MpTesting.await("every message", 10_000, () ->
        {
            synchronized (nextSeq)
            {
                return nextSeq[0] == MESSAGES && nextSeq[1] == MESSAGES;
            }
        });
        assertEquals(List.of(), new ArrayList<>(wrong));
        assertEquals(REQUESTERS * REQUESTS, answered.get());
        assertEquals(0, outOfOrder.get());
        assertEquals(0, offIoThread.get());
        assertEquals(0, primary.lateReplies.get());
        assertEquals(0, primary.protocolErrors.get());
        assertEquals(0, primary.timeouts.get());
        long taken = 0;
        for (final MpConnection c : primary.peerList())
        {
            taken += c.repliesTakenByRequester.get();
        }
        assertTrue("the requesters took some replies themselves: " + taken, taken > 0);
        assertArrayEquals(new int[] {MESSAGES, MESSAGES}, nextSeq);
    }
}
