package platform.common;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.slf4j.LoggerFactory;

public class EventPublisherTest
{
    private static int threads(final String name)
    {
        int n = 0;
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            n += name.equals(t.getName()) && t.isAlive() ? 1 : 0;
        }
        return n;
    }

    /** The counter moves just after the sink returned: wait for it rather than race it. */
    private static void awaitCount(final String what, final long want, final java.util.function.LongSupplier count)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (count.getAsLong() != want && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(what, want, count.getAsLong());
    }

    @Test
    public void withoutASinkNothingIsQueuedAndNoThreadRuns()
    {
        final EventPublisher p = new EventPublisher("ev-none", 4, LoggerFactory.getLogger("test"));
        assertFalse(p.active());
        assertFalse(p.offer("x", "y"));
        assertEquals(0, p.dropped());
        assertEquals(0, threads("ev-none"));
        p.close();
    }

    @Test
    public void eventsArePublishedInOrderOnTheirOwnThread() throws Exception
    {
        final EventPublisher p = new EventPublisher("ev-order", 64, LoggerFactory.getLogger("test"));
        final BlockingQueue<String> got = new LinkedBlockingQueue<>();
        p.bind("k", (n, t) -> got.add(Thread.currentThread().getName() + " " + n + " " + t));
        for (int i = 0; i < 20; i++)
        {
            assertTrue(p.offer("route.change", "ADD " + i));
        }
        for (int i = 0; i < 20; i++)
        {
            assertEquals("ev-order route.change ADD " + i, got.poll(5, TimeUnit.SECONDS));
        }
        awaitCount("published", 20, p::published);
        p.close();
        assertFalse(p.active());
        assertEquals(0, threads("ev-order"));
    }

    @Test
    public void offerNeverBlocksOnAStuckSinkAndUnbindDoesNotWaitForIt() throws Exception
    {
        final EventPublisher p = new EventPublisher("ev-stuck", 2, LoggerFactory.getLogger("test"));
        final CountDownLatch inSink = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> after = new java.util.concurrent.CopyOnWriteArrayList<>();
        p.bind("k", (n, t) ->
        {
            after.add(t);
            inSink.countDown();
            release.await();
        });
        assertTrue(p.offer("e", "1"));
        assertTrue(inSink.await(5, TimeUnit.SECONDS));
        final long t0 = System.nanoTime();
        assertTrue(p.offer("e", "2"));
        assertTrue(p.offer("e", "3"));
        assertFalse("the queue of 2 is full", p.offer("e", "4"));
        assertTrue("offer does not wait", System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(500));
        assertEquals(1, p.dropped());
        p.unbind("k");
        final long waited = System.nanoTime() - t0;
        assertTrue("unbind gave up on the stuck sink after about a second: " + waited,
            waited < TimeUnit.MILLISECONDS.toNanos(EventPublisher.UNBIND_WAIT_MS + 1_500));
        assertEquals("the 2 queued events dropped too", 3, p.dropped());
        release.countDown();
        Thread.sleep(300);
        assertEquals("no publish after unbind", List.of("1"), after);
        assertEquals(0, threads("ev-stuck"));
    }

    @Test
    public void aFailingSinkIsCountedAndTheNextEventStillGoes() throws Exception
    {
        final EventPublisher p = new EventPublisher("ev-fail", 8, LoggerFactory.getLogger("test"));
        final BlockingQueue<String> got = new LinkedBlockingQueue<>();
        p.bind("k", (n, t) ->
        {
            if ("bad".equals(t))
            {
                throw new IllegalStateException("refused");
            }
            got.add(t);
        });
        p.offer("e", "bad");
        p.offer("e", "good");
        assertEquals("good", got.poll(5, TimeUnit.SECONDS));
        assertEquals(1, p.failed());
        awaitCount("published", 1, p::published);
        p.close();
    }

    @Test
    public void unbindOfAnotherKeyKeepsTheBoundSinkAndARebindReplacesIt() throws Exception
    {
        final EventPublisher p = new EventPublisher("ev-keys", 8, LoggerFactory.getLogger("test"));
        final BlockingQueue<String> got = new LinkedBlockingQueue<>();
        p.bind("a", (n, t) -> got.add("a:" + t));
        p.bind("b", (n, t) -> got.add("b:" + t));
        p.unbind("a");
        assertTrue(p.active());
        p.offer("e", "1");
        assertEquals("b:1", got.poll(5, TimeUnit.SECONDS));
        p.unbind("b");
        assertFalse(p.active());
        p.bind("c", (n, t) -> got.add("c:" + t));
        p.offer("e", "2");
        assertEquals("c:2", got.poll(5, TimeUnit.SECONDS));
        p.close();
        assertEquals(0, threads("ev-keys"));
    }

    @Test
    public void utf8IsCutAtACharacterBoundary()
    {
        assertArrayEquals("abc".getBytes(StandardCharsets.UTF_8), EventPublisher.utf8("abc", 3));
        assertArrayEquals("ab".getBytes(StandardCharsets.UTF_8), EventPublisher.utf8("abc", 2));
        // "é" is 2 bytes: cutting "aé" to 2 bytes keeps "a" only
        assertArrayEquals("a".getBytes(StandardCharsets.UTF_8), EventPublisher.utf8("a\u00e9", 2));
        assertArrayEquals("a\u00e9".getBytes(StandardCharsets.UTF_8), EventPublisher.utf8("a\u00e9b", 3));
    }

    /** A bundle context that records getService and ungetService, and hands out {@code service}. */
    private static BundleContext context(final Object service, final List<String> calls)
    {
        final Bundle bundle = (Bundle)Proxy.newProxyInstance(EventPublisherTest.class.getClassLoader(),
            new Class<?>[] {Bundle.class},
            (proxy, m, args) -> "getSymbolicName".equals(m.getName()) ? "feature" : null);
        return (BundleContext)Proxy.newProxyInstance(EventPublisherTest.class.getClassLoader(),
            new Class<?>[] {BundleContext.class}, (proxy, m, args) -> switch (m.getName())
            {
                case "getService" ->
                {
                    calls.add("get");
                    yield service;
                }
                case "ungetService" ->
                {
                    calls.add("unget");
                    yield true;
                }
                case "getBundle" -> bundle;
                default -> throw new UnsupportedOperationException(m.getName());
            });
    }

    private static ServiceReference<?> reference()
    {
        return (ServiceReference<?>)Proxy.newProxyInstance(EventPublisherTest.class.getClassLoader(),
            new Class<?>[] {ServiceReference.class}, (proxy, m, args) -> switch (m.getName())
            {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> throw new UnsupportedOperationException(m.getName());
            });
    }

    @Test
    public void aServiceIsGotForItsSinkAndUngotAtItsUnbind() throws Exception
    {
        final EventPublisher p = new EventPublisher("ev-svc", 8, LoggerFactory.getLogger("test"));
        final List<String> calls = new ArrayList<>();
        final BlockingQueue<String> got = new LinkedBlockingQueue<>();
        final ServiceReference<?> ref = reference();
        final BundleContext ctx = context("the channel", calls);
        assertTrue(p.bindService(ctx, ref, service -> (n, t) -> got.add(service + " " + n + " " + t)));
        assertTrue(p.active());
        p.offer("e", "1");
        assertEquals("the channel e 1", got.poll(5, TimeUnit.SECONDS));
        p.unbindService(ctx, ref);
        assertFalse(p.active());
        assertEquals(List.of("get", "unget"), calls);
        p.unbindService(ctx, ref);
        assertEquals("ungot once", List.of("get", "unget"), calls);
        assertEquals(0, threads("ev-svc"));
    }

    @Test
    public void anUnwiredApiLeavesNothingBoundAndTheServiceUngot()
    {
        final EventPublisher p = new EventPublisher("ev-unwired", 8, LoggerFactory.getLogger("test"));
        final List<String> calls = new ArrayList<>();
        final ServiceReference<?> ref = reference();
        final BundleContext ctx = context("the channel", calls);
        // what loading a class that names a package with no wire does
        assertFalse(p.bindService(ctx, ref, service ->
        {
            throw new NoClassDefFoundError("platform/mp/api/MpChannel");
        }));
        assertFalse(p.active());
        assertFalse(p.offer("e", "1"));
        assertEquals(List.of("get", "unget"), calls);
        assertEquals(0, threads("ev-unwired"));
        p.unbindService(ctx, ref);
        assertEquals("nothing more to unget", List.of("get", "unget"), calls);

        final List<String> none = new ArrayList<>();
        assertFalse("the service went before it was got", p.bindService(context(null, none), ref, s -> (n, t) -> { }));
        assertEquals(List.of("get"), none);
    }
}
