package platform.sockopt.impl;

import static org.junit.Assert.assertEquals;
import static platform.sockopt.impl.SockoptServerTest.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.After;
import org.junit.Test;

import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.sockopt.api.SockoptSpec;
import platform.sockopt.client.SockoptClient;

/**
 * An isolated request (after the job went cold) on a master lcore that never parks (busy-spin, yield) is served
 * by the master's own polling: no doorbell hand-over, so no thread wake-up besides the client's (issue 11: an
 * isolated request took 1.2-1.4 ms against 0.07-0.1 ms back-to-back, even with the master busy-spinning). Counts,
 * not times: the doorbell's rings.
 */
public class SockoptColdMasterTest
{
    private LcoreScheduler lcores;
    private SockoptCore core;

    private SockoptClient start(final String idle) throws IOException
    {
        lcores = TestLcores.start("lcore 0 role MASTER cpu none idle " + idle + "\n");
        final Path path = Files.createTempDirectory("sockopt").resolve("c.ipc");
        core = new SockoptCore(ServerConfig.defaults(path), lcores);
        core.start();
        core.register(SockoptSpec.builder("ok").get(500, 500, (req, rep) -> Edpvs.OK).build(), "test");
        return SockoptClient.of(path, Duration.ofSeconds(5));
    }

    @After
    public void tearDown()
    {
        if (null != core)
        {
            core.stop();
            TestLcores.stop(lcores);
        }
    }

    @Test
    public void shouldServeIsolatedRequestsOnASpinningMasterWithoutTheDoorbell() throws Exception
    {
        for (final String idle : new String[] {"busy-spin", "yield"})
        {
            final SockoptClient client = start(idle);
            for (int i = 0; i < 5; i++)
            {
                await("the job cold", () -> core.server.cold());
                assertEquals(Edpvs.OK, client.get(500, null).errcode());
            }
            assertEquals(idle + ": doorbell rings", 0, core.server.doorbell.rings.get());
            assertEquals(idle + ": doorbell timeouts", 0, core.server.doorbell.timeouts.get());
            tearDown();
        }
        core = null;
    }

    @Test
    public void shouldStillRingTheDoorbellForAMasterThatParks() throws Exception
    {
        final SockoptClient client = start("backoff");
        for (int i = 0; i < 3; i++)
        {
            await("the job cold", () -> core.server.cold());
            final long rings = core.server.doorbell.rings.get();
            assertEquals(Edpvs.OK, client.get(500, null).errcode());
            await("the doorbell rang", () -> core.server.doorbell.rings.get() > rings);
        }
    }
}
