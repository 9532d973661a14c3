package platform.sockopt.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static platform.sockopt.impl.SockoptServerTest.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptRange;
import platform.sockopt.api.SockoptSpec;
import platform.sockopt.client.SockoptClient;

/**
 * "Never called again after close() returns", checked at the handler's exit as well as its entry (issue 11, section
 * 5): close() called from another thread while the handler is inside its call returns only after the handler has
 * left it, and the handler is not entered again.
 */
public class SockoptHandleCloseTest
{
    private static final int ID = 700;

    private LcoreScheduler lcores;
    private SockoptCore core;
    private Path path;

    @Before
    public void setUp() throws IOException
    {
        lcores = TestLcores.start("lcore 0 role MASTER cpu none\nlcore 1 role FWD_WORKER cpu none\n");
        path = Files.createTempDirectory("sockopt").resolve("h.ipc");
        core = new SockoptCore(ServerConfig.defaults(path), lcores);
        core.start();
    }

    @After
    public void tearDown()
    {
        core.stop();
        TestLcores.stop(lcores);
    }

    @Test
    public void shouldNotReturnFromCloseBeforeTheHandlerInsideItsCallHasLeftIt() throws Exception
    {
        final AtomicLong entries = new AtomicLong();
        final AtomicLong exits = new AtomicLong();
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch leave = new CountDownLatch(1);
        final SockoptHandle h = core.register(SockoptSpec.builder("slow").get(ID, ID, (req, rep) ->
        {
            entries.incrementAndGet();
            inside.countDown();
            try
            {
                leave.await(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            exits.incrementAndGet();
            return Edpvs.OK;
        }).build(), "test");
        final SockoptClient client = SockoptClient.of(path, Duration.ofSeconds(10));
        final AtomicReference<Integer> firstReply = new AtomicReference<>();
        final Thread caller = new Thread(() ->
        {
            try
            {
                firstReply.set(client.get(ID, null).errcode());
            }
            catch (final IOException ex)
            {
                firstReply.set(Integer.MIN_VALUE);
            }
        });
        caller.start();
        assertTrue("handler entered", inside.await(10, TimeUnit.SECONDS));

        // close() from another thread while the handler is inside its call
        final AtomicLong exitsWhenCloseReturned = new AtomicLong(-1);
        final Thread closer = new Thread(() ->
        {
            h.close();
            exitsWhenCloseReturned.set(exits.get());
        });
        closer.start();
        // close() has taken the range out (observable), and is now waiting for the handler
        await("range removed", () -> !hasRange(ID));
        assertEquals("close() returned while the handler was inside its call", -1, exitsWhenCloseReturned.get());
        leave.countDown();
        closer.join(10_000);
        assertFalse(closer.isAlive());
        assertEquals("the handler had left its call when close() returned", 1, exitsWhenCloseReturned.get());

        // after close() returned the handler is never entered again
        caller.join(10_000);
        assertEquals(Integer.valueOf(Edpvs.OK), firstReply.get());
        for (int i = 0; i < 20; i++)
        {
            assertEquals(Edpvs.NOTSUPP, client.get(ID, null).errcode());
        }
        assertEquals(1, entries.get());
        assertEquals(1, exits.get());
    }

    private boolean hasRange(final int id)
    {
        for (final SockoptRange r : core.ranges())
        {
            if (r.min() <= id && id <= r.max())
            {
                return true;
            }
        }
        return false;
    }
}
