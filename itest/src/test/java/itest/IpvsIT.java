package itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.ops4j.pax.exam.CoreOptions.bundle;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

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

import platform.lcore.api.LcoreScheduler;
import platform.sockopt.api.SockoptRange;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * modules.ipvs in Felix with the platform (lcore 0 the master, lcores 1 and 2 forwarding workers with idle backoff):
 * GET 17 and GET 18 through the real control socket answer DPVS v1.10.2's layouts (the 64-byte NUL-padded version
 * text; {@code struct dp_vs_getinfo}: version 0x010a02, size 0, no service, two worker lcores), GET 19 names the lcore
 * of the index asked, {@code ipvs:info} prints ipvsadm's version line; stopped, the bundle's sockopt range is freed
 * (GET 17 and 18 answer EDPVS_NOTSUPP) and its Gogo commands are gone; started again, it answers again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class IpvsIT extends BaseTest
{
    /** EDPVS_NOTSUPP: what the control socket answers for an id nobody registered. */
    private static final int NOTSUPP = -14;

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() throws Exception
    {
        return new Option[] {twoWorkerLcores("ipvs"), baseConfiguration(),
            bundle(reactorJar("itest.modules.ipvs.jar"))};
    }

    /** GET 17's reply: "dpvs:v1.10-2" in a zeroed 64-byte buffer. */
    private static byte[] version()
    {
        final byte[] b = new byte[64];
        final byte[] text = "dpvs:v1.10-2".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, b, 0, text.length);
        return b;
    }

    private static void assertServed(final SockoptClient client) throws Exception
    {
        final SockoptResponse v = client.get(17, null);
        assertEquals(v.errstr(), 0, v.errcode());
        assertArrayEquals(version(), v.body());

        // ipvsadm's dpvs_ctrl_init: 12 zero bytes in, struct dp_vs_getinfo (16 bytes) out
        final SockoptResponse info = client.get(18, new byte[12]);
        assertEquals(info.errstr(), 0, info.errcode());
        assertEquals(16, info.body().length);
        final ByteBuffer i = ByteBuffer.wrap(info.body()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("version 1.10.2", 0x010a02, i.getInt(0));
        assertEquals("size", 0, i.getInt(4));
        assertEquals("num_services", 0, i.getInt(8));
        assertEquals("num_lcores: the FWD_WORKERs", 2, i.getInt(12));

        // ipvsadm -ln's GET 19 for lcore index 1 (cid and padding left uninitialised): cid 1, index 1, count 0
        final byte[] front = {(byte)0xa5, 1, 0, 0, (byte)0xee, (byte)0xee, (byte)0xee, (byte)0xee};
        final SockoptResponse services = client.get(19, front);
        assertEquals(services.errstr(), 0, services.errcode());
        assertEquals(8, services.body().length);
        assertEquals("cid", 1, services.body()[0]);
        assertEquals("index", 1, services.body()[1]);
        assertEquals("count", 0, ByteBuffer.wrap(services.body()).order(ByteOrder.LITTLE_ENDIAN).getShort(2));
    }

    private SockoptRange[] ipvsRanges(final SockoptRegistry registry)
    {
        return registry.ranges().stream().filter(r -> r.owner().startsWith("modules.ipvs"))
            .toArray(SockoptRange[]::new);
    }

    @Test
    public void getVersionAndInfoServedUntilStopAndAgainAfterStart() throws Exception
    {
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        awaitLcoresRunning(awaitService(LcoreScheduler.class));
        final SockoptClient client = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(5));
        await("GET 17 served", () -> getOk(client, 17));
        assertServed(client);
        assertEquals("IP Virtual Server version 1.10.2 (size=0)", execute(processor, "ipvs:info").trim());
        final SockoptRange[] ranges = ipvsRanges(registry);
        assertEquals(Arrays.toString(ranges), 1, ranges.length);
        assertEquals("GET", 0, ranges[0].type());
        assertEquals(17, ranges[0].min());
        assertEquals(22, ranges[0].max());
        assertEquals("SET 8..16 left to a service bundle", NOTSUPP, client.set(8, new byte[0]).errcode());

        final Bundle ipvs = Arrays.stream(context.getBundles())
            .filter(b -> "modules.ipvs".equals(b.getSymbolicName())).findFirst().orElseThrow();
        ipvs.stop();
        assertEquals("EDPVS_NOTSUPP", NOTSUPP, client.get(17, null).errcode());
        assertEquals("EDPVS_NOTSUPP", NOTSUPP, client.get(18, new byte[12]).errcode());
        assertEquals("range freed: " + registry.ranges(), 0, ipvsRanges(registry).length);
        assertFalse(execute(processor, "sockopt:list"), execute(processor, "sockopt:list").contains("modules.ipvs"));
        assertNull("ipvs: Gogo commands gone",
            context.getServiceReferences((String)null, "(osgi.command.scope=ipvs)"));

        ipvs.start();
        await("GET 17 served again", () -> getOk(client, 17));
        assertServed(client);
        assertEquals(1, ipvsRanges(registry).length);
        assertEquals("IP Virtual Server version 1.10.2 (size=0)", execute(processor, "ipvs:info").trim());
    }
}
