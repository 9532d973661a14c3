package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
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

import itest.bundles.SockoptActivator;
import platform.sockopt.api.Sockopt;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * The control socket in the framework: a feature bundle registers a GET and a SET, the test reaches them through
 * the real socket with the client library, {@code sockopt:list} shows the bundle as owner, and once the bundle is
 * stopped its ids answer EDPVS_NOTSUPP and the listing no longer has them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SockoptIT extends BaseTest
{
    private static final String FEATURE = "itest.sockopt.feature";

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config()
    {
        return new Option[] {baseConfiguration(),
            testBundle(FEATURE, SockoptActivator.class, IMPORT_FRAMEWORK_AND_SOCKOPT)};
    }

    @Test
    public void aBundlesSockoptIsServedUntilItStops() throws Exception
    {
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        final Path socket = registry.socketPath();
        final SockoptClient client = SockoptClient.of(socket, Duration.ofSeconds(5));
        final Bundle feature = installTestBundle(FEATURE);
        feature.start();

        assertTrue(client.set(SockoptActivator.ID, new byte[] {5, 0, 0, 0}).ok());
        assertTrue(client.set(SockoptActivator.ID, new byte[] {7, 0, 0, 0}).ok());
        final SockoptResponse bad = client.set(SockoptActivator.ID, new byte[] {1});
        assertEquals(-1, bad.errcode());
        assertEquals("want a u32", bad.errstr());
        final SockoptResponse get = client.get(SockoptActivator.ID, null);
        assertTrue(get.ok());
        assertEquals(1, get.buffer().getInt(0));
        assertEquals(12, get.buffer().getInt(4));
        final String list = execute(processor, "sockopt:list");
        assertTrue(list, list.contains("GET  5000") && list.contains(FEATURE + "/1.0.0"));

        feature.stop();
        final SockoptResponse gone = client.get(SockoptActivator.ID, null);
        assertEquals(-14, gone.errcode());
        assertEquals("no GET sockopt 5000 registered", gone.errstr());
        assertFalse(execute(processor, "sockopt:list").contains(FEATURE));
        feature.uninstall();
    }

    /**
     * The message manager reaches GET 9003 through the runtime's optional, dynamic reference (bound by service
     * reference, its import optional), and GET 9004 serves the socket's own counters.
     */
    @Test
    public void theMessageTypesAndTheSocketsCountersAreServed() throws Exception
    {
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        final SockoptClient client = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(5));
        final SockoptResponse types = client.get(Sockopt.GET_MSG_TYPES, null);
        assertEquals(types.errstr(), 0, types.errcode());
        assertEquals(Sockopt.RANGES_HEADER_LENGTH + types.buffer().getInt(0) * Sockopt.MSG_ENTRY_LENGTH,
            types.body().length);
        final SockoptResponse stats = client.get(Sockopt.GET_SERVER_STATS, null);
        assertEquals(stats.errstr(), 0, stats.errcode());
        assertEquals(Sockopt.SERVER_STATS_LENGTH, stats.body().length);
        assertTrue(stats.buffer().getLong(Sockopt.STATS_REQUESTS_OFFSET) >= 2);
    }
}
