package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;

import java.util.concurrent.atomic.AtomicLong;

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
import org.osgi.framework.ServiceReference;

import modules.netif.api.HookHandle;
import modules.netif.api.HookPoint;
import modules.netif.api.InetHook;
import modules.netif.api.Netif;
import modules.stats.api.LcoreStats;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.msgmgr.api.MsgManager;

/**
 * netif hot-deployed into a running platform with its embedded default (a synthetic port, a queue per forwarding
 * lcore): its jobs, message types and commands appear, packets move through the workers and show in the lcore
 * counters, a hook sees them; stopped, everything it registered is gone and the hook is closed; started again,
 * it works again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NetifIT extends BaseTest
{
    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config()
    {
        // provisioned with the framework so the probe (this test) can wire to their API packages; the test then
        // stops and starts netif as a hot deploy would
        return new Option[] {baseConfiguration(), bundle(reactorJar("itest.modules.stats.jar")),
            bundle(reactorJar("itest.modules.netif.jar"))};
    }

    @Test
    public void netifHotDeploysMovesSyntheticPacketsAndLeavesNothingBehind() throws Exception
    {
        final LcoreScheduler lcores = awaitService(LcoreScheduler.class);
        final MsgManager msg = awaitService(MsgManager.class);
        awaitLcoresRunning(lcores);
        final Bundle netif = java.util.Arrays.stream(context.getBundles())
            .filter(b -> "modules.netif".equals(b.getSymbolicName())).findFirst().orElseThrow();
        for (int round = 0; round < 2; round++)
        {
            if (Bundle.ACTIVE != netif.getState())
            {
                netif.start();
            }
            final Netif service = awaitService(Netif.class);
            assertEquals(1, service.ports().size());
            assertEquals("syn0", service.ports().get(0).name());
            assertTrue(lcores.jobs(-1).stream().anyMatch(j -> "recv_fwd".equals(j.name())));
            assertTrue(lcores.jobs(-1).stream().anyMatch(j -> "xmit".equals(j.name())));
            assertTrue(msg.types().stream().anyMatch(t -> 5 == t.id()));

            final AtomicLong seen = new AtomicLong();
            final HookHandle hook = service.registerHook(HookPoint.PRE_ROUTING, 0, "itest", (id, pt, m) ->
            {
                seen.incrementAndGet();
                return InetHook.ACCEPT;
            });
            await("the hook sees packets", () -> seen.get() > 10);
            final LcoreStats counters = awaitService(LcoreStats.class);
            final int worker = lcores.lcoreIds(LcoreRole.FWD_WORKER)[0];
            await("lcore counters move", () -> counters.counters(worker).ipackets() > 0
                && counters.counters(worker).dropped() > 0);
            assertRow(execute(processor, "netif:ports"), "0\\s+syn0\\s+synthetic\\s+-\\s+02:00:00:00:00:01\\s+1500.*");
            assertRow(execute(processor, "netif:hooks"), "PRE_ROUTING\\s+0\\s+itest\\s+.*");
            assertTrue(execute(processor, "netif:stats").contains("no_route"));
            assertRow(execute(processor, "netif:lcores"), "lcore " + worker + ": syn0:rx0 tx0");

            netif.stop();
            assertFalse("hook still registered after stop", hook.isRegistered());
            final long atStop = seen.get();
            assertTrue(lcores.jobs(-1).stream().noneMatch(j -> "recv_fwd".equals(j.name())
                || "xmit".equals(j.name())));
            assertTrue(msg.types().stream().noneMatch(t -> 5 == t.id() || 8 == t.id()));
            final ServiceReference<Netif> ref = context.getServiceReference(Netif.class);
            assertEquals(null, ref);
            // the workers keep looping: nothing of netif or of its hooks runs any more
            final long loops = loops(lcores, worker);
            await("workers loop on", () -> loops(lcores, worker) > loops + 100);
            assertEquals("hook called after netif stopped", atStop, seen.get());
        }
    }

    private static long loops(final LcoreScheduler lcores, final int id)
    {
        return lcores.lcores().stream().filter(l -> l.id() == id).findFirst().orElseThrow().loops();
    }
}
