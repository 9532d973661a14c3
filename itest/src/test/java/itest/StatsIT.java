package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

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

import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * The lcore statistics bundle deployed into a running platform: DPVS's netif lcore sockopts answer with the
 * framework's real lcores (masks by role, loop counts that move), {@code stats:lcores} lists them, and once the
 * bundle stops the ids answer EDPVS_NOTSUPP and its range is gone.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StatsIT extends BaseTest
{
    private static final String JAR = "itest.modules.stats.jar.uri";

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config()
    {
        return new Option[] {baseConfiguration(), systemProperty(JAR).value(reactorJar("itest.modules.stats.jar"))};
    }

    @Test
    public void theLcoreStatisticsHotDeployServeTheRealLcoresAndLeaveNothingBehind() throws Exception
    {
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        final LcoreScheduler lcores = awaitService(LcoreScheduler.class);
        awaitLcoresRunning(lcores);
        final SockoptClient client = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(5));
        assertEquals(-14, client.get(57, null).errcode());

        final Bundle stats = context.installBundle(System.getProperty(JAR));
        stats.start();
        await("GET 57 served", () -> get(client, 57, null).ok());
        final ByteBuffer mask = ByteBuffer.wrap(get(client, 57, null).body()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(24, mask.capacity());
        assertEquals(lcores.masterLcoreId(), mask.get(0));
        long slaves = 0;
        for (final int w : lcores.lcoreIds(LcoreRole.FWD_WORKER))
        {
            slaves |= 1L << w;
        }
        assertEquals(Long.bitCount(slaves), mask.get(2));
        assertEquals(slaves, mask.getLong(8));

        final int worker = lcores.lcoreIds(LcoreRole.FWD_WORKER)[0];
        final ByteBuffer s1 = ByteBuffer.wrap(get(client, 59, new byte[] {(byte)worker}).body())
            .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(96, s1.capacity());
        assertEquals(worker, s1.get(0));
        await("lcore_loop moves", () -> ByteBuffer.wrap(get(client, 59, new byte[] {(byte)worker}).body())
            .order(ByteOrder.LITTLE_ENDIAN).getLong(8) > s1.getLong(8));
        assertRow(execute(processor, "stats:lcores"), worker + "\\s+FWD_WORKER\\s+\\d+\\s+\\d+\\s+0\\s+0\\s+0\\s+0\\s+0\\s+0");
        assertRow(execute(processor, "sockopt:list"), "GET\\s+57-59\\s+.*netif_lcore\\s+modules\\.stats/.*");

        stats.stop();
        assertEquals(-14, client.get(57, null).errcode());
        assertEquals(-14, client.get(59, new byte[] {(byte)worker}).errcode());
        assertFalse(execute(processor, "sockopt:list").contains("modules.stats"));
        stats.uninstall();
    }

    private static SockoptResponse get(final SockoptClient client, final int id, final byte[] body)
    {
        try
        {
            return client.get(id, body);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
