package itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

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
import org.osgi.framework.wiring.BundleWiring;

import platform.lcore.api.LcoreScheduler;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.client.SockoptClient;

/**
 * The distribution's whole bundle set in Felix: the platform bundles and every feature bundle it ships (with netif's
 * embedded default, a synthetic port). Each feature is stopped, started, updated and restarted in turn while the
 * others run; after each step its Gogo command and its sockopt, through the real control socket, answer (or, while
 * it is stopped, its command is gone and its sockopt is free: EDPVS_NOTSUPP), and every other feature keeps
 * answering, except those that need it: netif needs modules.stats' lcore counters, and route, neigh and the
 * addresses need netif's ports; those go with it and come back with it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DistributionIT extends BaseTest
{
    /** A feature, a Gogo command of it with a piece of its output, and a GET of it with the body its tool sends. */
    private record Feature(String symbolicName, String command, String output, int get, byte[] body)
    {
    }

    private static byte[] inetAddrShow()
    {
        final byte[] show = new byte[76];
        show[0] = 1;
        return show;
    }

    private static final List<Feature> FEATURES = List.of(
        new Feature("modules.stats", "stats:lcores", "FWD_WORKER", 57, null),
        new Feature("modules.ipvs", "ipvs:info", "IP Virtual Server version", 18, new byte[12]),
        new Feature("modules.blklst", "blklst:stats", "", 76, null),
        new Feature("modules.route", "route:show", "", 32, null),
        new Feature("modules.neigh", "neigh:show", "", 72, null),
        new Feature("modules.inetaddr", "addr:show", "", 51, inetAddrShow()),
        new Feature("modules.netif", "netif:ports", "syn0", 60, null));

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config()
    {
        return new Option[] {baseConfiguration(), bundle(reactorJar("itest.modules.stats.jar")),
            bundle(reactorJar("itest.modules.ipvs.jar")), bundle(reactorJar("itest.modules.blklst.jar")),
            bundle(reactorJar("itest.modules.netif.jar")), bundle(reactorJar("itest.modules.route.jar")),
            bundle(reactorJar("itest.modules.neigh.jar")), bundle(reactorJar("itest.modules.inetaddr.jar"))};
    }

    private Bundle bundleOf(final String symbolicName)
    {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
            .orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    private static int errcode(final SockoptClient client, final Feature f)
    {
        try
        {
            return client.get(f.get(), f.body()).errcode();
        }
        catch (final java.io.IOException ex)
        {
            return 1;
        }
    }

    private String command(final Feature f)
    {
        try
        {
            return execute(processor, f.command());
        }
        catch (final Exception ex)
        {
            return "failed: " + ex;
        }
    }

    private boolean serving(final SockoptClient client, final Feature f)
    {
        final String out = command(f);
        return 0 == errcode(client, f) && !out.startsWith("failed: ") && out.contains(f.output());
    }

    private void awaitServing(final SockoptClient client, final Feature f, final String after)
    {
        await(() -> f.symbolicName() + " serving " + after + ": GET " + f.get() + " -> " + errcode(client, f) + ", "
            + f.command() + " -> " + command(f), () -> serving(client, f));
    }

    private void awaitAllServing(final SockoptClient client, final String after)
    {
        for (final Feature f : FEATURES)
        {
            awaitServing(client, f, after);
        }
    }

    @Test
    public void everyFeatureStopsStartsAndUpdatesWhileTheOthersKeepAnswering() throws Exception
    {
        final SockoptRegistry registry = awaitService(SockoptRegistry.class);
        awaitLcoresRunning(awaitService(LcoreScheduler.class));
        final SockoptClient client = SockoptClient.of(registry.socketPath(), Duration.ofSeconds(5));
        awaitAllServing(client, "at start");
        final List<WeakReference<ClassLoader>> oldLoaders = new java.util.ArrayList<>();
        // netif needs the lcore counters of modules.stats; route, neigh and the addresses need netif's ports
        final java.util.Map<String, List<String>> goWith = java.util.Map.of(
            "modules.stats", List.of("modules.netif", "modules.route", "modules.neigh", "modules.inetaddr"),
            "modules.netif", List.of("modules.route", "modules.neigh", "modules.inetaddr"));
        for (final Feature f : FEATURES)
        {
            final Bundle b = bundleOf(f.symbolicName());
            b.stop();
            assertEquals(f.symbolicName() + "'s GET " + f.get() + " free once it stopped", -14, errcode(client, f));
            assertTrue(f.command() + " gone", command(f).startsWith("failed: "));
            for (final Feature other : FEATURES)
            {
                final boolean goesWithIt = goWith.getOrDefault(f.symbolicName(), List.of())
                    .contains(other.symbolicName());
                if (other != f && !goesWithIt)
                {
                    assertTrue(other.symbolicName() + " answers while " + f.symbolicName() + " is stopped",
                        serving(client, other));
                }
                else if (goesWithIt)
                {
                    await(other.symbolicName() + " goes with netif", () -> -14 == errcode(client, other));
                }
            }
            b.start();
            awaitAllServing(client, "after " + f.symbolicName() + " started again");
            // updated, then refreshed: its old revision (and its dependents') must be free to be collected
            oldLoaders.add(new WeakReference<>(b.adapt(BundleWiring.class).getClassLoader()));
            b.update();
            refresh(b);
            awaitAllServing(client, "after " + f.symbolicName() + " was updated");
            assertEquals(Bundle.ACTIVE, b.getState());
        }
        awaitCollected(oldLoaders);
        // and every registration is back where it was: one range per feature's sockopts, no stale owner
        final String ranges = execute(processor, "sockopt:list");
        for (final Feature f : FEATURES)
        {
            final long owners = ranges.lines().filter(l -> l.contains(f.symbolicName() + "/")).count();
            if (0 == owners)
            {
                fail("no sockopt range of " + f.symbolicName() + " in:\n" + ranges);
            }
        }
    }
}
