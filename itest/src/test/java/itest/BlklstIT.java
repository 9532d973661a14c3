package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicIntegerArray;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * The blacklist bundle deployed into a running platform: it is installed and started while the lcores run,
 * ipvsadm's bytes reach it through the real control socket, every forwarding lcore's data-path lookup sees the
 * entry, the Gogo commands list it, and once the bundle stops its sockopts answer EDPVS_NOTSUPP and its message
 * types, job and ranges are gone; started again, it serves again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BlklstIT extends BaseTest
{
    private static final String JAR = "itest.modules.blklst.jar.uri";
    /** {@code ipvsadm --add-blklst -t 10.0.0.1:80 -k 1.2.3.4}, with ipvsadm's garbage after the IPv4 addresses. */
    private static final String IPVSADM_ADD = "0a000001" + "97c3a1ff00007f0000000000" + "0050" + "06" + "02"
        + "01020304" + "e8d4a5100000000011223344" + "00".repeat(32);

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config()
    {
        return new Option[] {baseConfiguration(),
            systemProperty(JAR).value(reactorJar("itest.modules.blklst.jar"))};
    }

    @Test
    public void theBlacklistHotDeploysServesEveryWorkerAndLeavesNothingBehind() throws Exception
    {
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        final LcoreScheduler lcores = awaitService(LcoreScheduler.class);
        awaitLcoresRunning(lcores);
        final SockoptClient client = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(5));
        assertEquals(-14, client.get(76, null).errcode());

        final Bundle blklst = context.installBundle(System.getProperty(JAR));
        blklst.start();
        // DS activates the component once the platform's services are bound
        await("GET 76 served", () -> getAll(client).ok());
        assertEquals("00000000", HexFormat.of().formatHex(getAll(client).body()));

        final SockoptResponse add = client.set(73, HexFormat.of().parseHex(IPVSADM_ADD));
        assertEquals(add.errstr(), 0, add.errcode());
        assertEquals(4 + 68, getAll(client).body().length);

        // the data path: a job on every forwarding lcore looks the client up in its own lcore's table
        // through the bundle's own API class: the probe bundle resolved before the blacklist bundle existed
        await("the Blacklist service", () -> null != context.getServiceReference("modules.blklst.api.Blacklist"));
        final Object blacklist = context.getService(context.getServiceReference("modules.blklst.api.Blacklist"));
        final Method containsV4 = blklst.loadClass("modules.blklst.api.Blacklist").getMethod("containsV4", int.class,
            int.class, int.class, int.class);
        final int[] workers = lcores.lcoreIds(LcoreRole.FWD_WORKER);
        assertTrue(workers.length > 0);
        final AtomicIntegerArray hit = new AtomicIntegerArray(64);
        final JobHandle probe = lcores.register(JobSpec.loop("blklst_probe", LcoreRole.FWD_WORKER, lcoreId ->
        {
            try
            {
                hit.set(lcoreId, (Boolean)containsV4.invoke(blacklist, 6, 0x0a000001, 80, 0x01020304) ? 1 : 2);
            }
            catch (final ReflectiveOperationException ex)
            {
                hit.set(lcoreId, 3);
            }
            return 0;
        }));
        try
        {
            for (final int w : workers)
            {
                await("lcore " + w + " sees the entry", () -> 1 == hit.get(w));
            }
        }
        finally
        {
            probe.close();
        }

        final String list = execute(processor, "blklst:list");
        assertTrue(list, list.contains("1 entries") && list.contains("TCP 10.0.0.1:80 1.2.3.4"));
        final String perLcore = execute(processor, "blklst:lcores");
        for (final int w : workers)
        {
            assertTrue(perLcore, perLcore.contains("lcore " + w + ": 1 entries"));
        }
        final String ranges = execute(processor, "sockopt:list");
        assertRow(ranges, "SET\\s+73-75\\s+.*blklst\\s+modules\\.blklst/.*");
        assertRow(ranges, "GET\\s+76\\s+.*blklst\\s+modules\\.blklst/.*");
        assertTrue(execute(processor, "msg:types").contains("blklst_add"));

        blklst.stop();
        final SockoptResponse gone = getAll(client);
        assertEquals(-14, gone.errcode());
        assertEquals(-14, client.set(73, HexFormat.of().parseHex(IPVSADM_ADD)).errcode());
        assertFalse(execute(processor, "sockopt:list").contains("modules.blklst"));
        final String types = execute(processor, "msg:types");
        assertFalse(types, types.contains("blklst"));
        for (final int w : workers)
        {
            assertFalse(lcores.jobs(w).stream().anyMatch(j -> j.name().startsWith("blklst")));
        }

        // started again: a fresh, empty blacklist on the same ids
        blklst.start();
        await("GET 76 served again", () -> getAll(client).ok());
        assertEquals(ByteBuffer.allocate(4).array().length, getAll(client).body().length);
        assertEquals(0, client.set(73, HexFormat.of().parseHex(IPVSADM_ADD)).errcode());
        blklst.uninstall();
        assertEquals(-14, getAll(client).errcode());
    }

    /**
     * The bundle stopped while four clients keep adding, deleting and listing: every request gets an answer (a
     * blacklist code while the bundle serves, EDPVS_NOTSUPP once it is gone), none hangs or is reset, and the
     * platform's own sockopt keeps answering.
     */
    @Test
    public void stoppingTheBlacklistMidTrafficLeavesEveryClientAnswered() throws Exception
    {
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        final SockoptClient client = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(5));
        final Bundle blklst = context.installBundle(System.getProperty(JAR));
        blklst.start();
        await("GET 76 served", () -> getAll(client).ok());

        final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicLong answered = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong notSupported = new java.util.concurrent.atomic.AtomicLong();
        final java.util.Queue<String> wrong = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            final int id = t;
            final Thread th = new Thread(() ->
            {
                final byte[] conf = HexFormat.of().parseHex(IPVSADM_ADD);
                conf[23] = (byte)id; // a client address of this thread's own
                int i = 0;
                while (!stop.get())
                {
                    try
                    {
                        final SockoptResponse r = 0 == i % 3 ? client.set(73, conf)
                            : 1 == i % 3 ? client.set(74, conf) : client.get(76, null);
                        final int code = r.errcode();
                        if (-14 == code)
                        {
                            notSupported.incrementAndGet();
                        }
                        else if (0 != code && -3 != code && -4 != code)
                        {
                            wrong.add("code " + code + " " + r.errstr());
                        }
                        answered.incrementAndGet();
                    }
                    catch (final java.io.IOException ex)
                    {
                        wrong.add(ex.toString());
                    }
                    i++;
                }
            }, "blklst-client-" + t);
            threads.add(th);
            th.start();
        }
        await("traffic", () -> answered.get() > 200);
        blklst.stop();
        final long atStop = answered.get();
        await("requests answered after the stop", () -> notSupported.get() > 200);
        stop.set(true);
        for (final Thread th : threads)
        {
            th.join(10_000);
            assertFalse(th.isAlive());
        }
        assertTrue("wrong answers: " + wrong, wrong.isEmpty());
        assertTrue(answered.get() > atStop);
        assertTrue(client.get(9000, null).ok());
        assertEquals(-14, getAll(client).errcode());
        assertFalse(execute(processor, "msg:types").contains("blklst"));
        blklst.uninstall();
    }

    private static SockoptResponse getAll(final SockoptClient client)
    {
        try
        {
            return client.get(76, null);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
