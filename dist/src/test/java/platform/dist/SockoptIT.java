package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

/**
 * The control socket of the real distribution, reached with the command line shipped in it
 * ({@code bin/dplanectl}, the platform.sockopt jar) over DPVS_IPC_FILE, as an operator would.
 */
public class SockoptIT
{
    @Rule
    public final Timeout timeout = Timeout.seconds(120);

    @Test
    public void dplanectlReachesTheRunningPlatform() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("sockopt-dplanectl", List.of()))
        {
            p.awaitLog("control socket listening on " + p.socket(), Duration.ofSeconds(60));
            p.awaitLog("routing table started for", Duration.ofSeconds(60));
            p.awaitLog("blacklist started for modules.blklst", Duration.ofSeconds(60));
            final Cli ranges = dplanectl(p, "ranges");
            assertEquals("dplanectl ranges:\n" + ranges, 0, ranges.exit);
            assertTrue(ranges.out, ranges.out.contains("GET  9000-9003   0x010000 sockopt          platform.sockopt"));
            // the message manager's types through the socket (the runtime binds the message manager dynamically)
            final Cli msgs = dplanectl(p, "msgs");
            assertEquals("dplanectl msgs:\n" + msgs, 0, msgs.exit);
            assertTrue(msgs.out, msgs.out.contains(" blklst_add ") && msgs.out.contains("modules.blklst/"));
            final Cli lcores = dplanectl(p, "lcores");
            assertEquals(0, lcores.exit);
            assertTrue(lcores.out, lcores.out.matches("(?s)LCORE ROLE .*\n0 +MASTER +0 .*\n1 +FWD_WORKER +1 .*"));
            // an id nobody registered: DPVS would close silently; the platform answers EDPVS_NOTSUPP
            final Cli unknown = dplanectl(p, "get", "90");
            assertEquals("dplanectl get 90:\n" + unknown, 1, unknown.exit);
            assertTrue(unknown.err, unknown.err.contains("GET sockopt 90: no GET sockopt 90 registered (-14)"));
            // the shipped route bundle answers GET 32 with DPVS's count header, also with no route
            final Cli routes = dplanectl(p, "get", "32");
            assertEquals("dplanectl get 32:\n" + routes, 0, routes.exit);
            assertEquals("00000000: 00 00 00 00\n", routes.out);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(p.socket())));
        }
    }

    /** The feature bundles ship started (deploy/), and dplanectl finds their subcommands there. */
    @Test
    public void theShippedBlacklistIsReachedThroughDplanectl() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("sockopt-blklst", List.of()))
        {
            p.awaitLog("blacklist started for modules.blklst", Duration.ofSeconds(60));
            p.awaitLog("lcore statistics served on GET 57..59", Duration.ofSeconds(60));
            p.awaitLog("netif started from", Duration.ofSeconds(60));
            // every shipped feature started: their INIT jobs no longer share the worker with the SET below
            p.awaitLog("routing table started for", Duration.ofSeconds(60));
            p.awaitLog("neighbour table started for", Duration.ofSeconds(60));
            p.awaitLog("interface addresses started for", Duration.ofSeconds(60));
            // platform.mp ships too: "dplanectl mp" attaches as a secondary and watches the change below live
            final Path watchOut = Files.createTempFile("dplanectl-watch", ".out");
            final Process watch = start(p.home(), p.socket(), watchOut, "mp", "watch", "blklst.change", "--count",
                "1");
            try
            {
                awaitText(watchOut, "watching blklst.change\n", watch);
                final Cli add = dplanectl(p, "blklst", "add", "tcp", "10.0.0.1:80", "1.2.3.4");
                assertEquals("dplanectl blklst add:\n" + add, 0, add.exit);
                assertTrue("dplanectl mp watch ended", watch.waitFor(30, TimeUnit.SECONDS));
                assertEquals(0, watch.exitValue());
                assertEquals("watching blklst.change\nblklst.change ADD TCP 10.0.0.1:80 1.2.3.4\n",
                    Files.readString(watchOut, StandardCharsets.UTF_8));
            }
            finally
            {
                watch.destroyForcibly();
            }
            // the statistics segment, read with no request; the primary's information
            final Cli mpStats = dplanectl(p, "mp", "stats", "lcore.0.");
            assertEquals("dplanectl mp stats:\n" + mpStats, 0, mpStats.exit);
            assertTrue(mpStats.out, mpStats.out.contains("lcore.0.loops "));
            assertTrue(mpStats.out, mpStats.out.lines().allMatch(l -> l.startsWith("lcore.0.")));
            final Cli mpInfo = dplanectl(p, "mp", "info");
            assertEquals("dplanectl mp info:\n" + mpInfo, 0, mpInfo.exit);
            assertTrue(mpInfo.out, mpInfo.out.startsWith("primary pid "));
            final Cli show = dplanectl(p, "blklst", "show");
            assertEquals("dplanectl blklst show:\n" + show, 0, show.exit);
            assertEquals("PROTO    VIP:VPORT                      BLACKLIST\n"
                + "TCP      10.0.0.1:80                    1.2.3.4\n", show.out);
            // the generic GET shows DPVS's bytes: naddr 1, then dp_vs_blklst_conf
            final Cli raw = dplanectl(p, "get", "76");
            assertEquals(0, raw.exit);
            assertTrue(raw.out, raw.out.startsWith("00000000: 01 00 00 00 0a 00 00 01 00 00 00 00"));
            final Cli again = dplanectl(p, "blklst", "add", "tcp", "10.0.0.1:80", "1.2.3.4");
            assertEquals(1, again.exit);
            assertTrue(again.err, again.err.contains("already blacklisted: TCP 10.0.0.1:80 1.2.3.4 (-3)"));
            final Cli ranges = dplanectl(p, "ranges");
            assertTrue(ranges.out, ranges.out.contains("SET  73-75       0x010000 blklst           modules.blklst/"));

            // the lcore statistics and netif bundles ship too: dpip's "link show cpu" output from the default
            // layout, with netif's embedded default (a synthetic port, a queue on the one worker) moving packets
            final Cli cpus = dplanectl(p, "link", "show", "cpu");
            assertEquals("dplanectl link show cpu:\n" + cpus, 0, cpus.exit);
            assertTrue(cpus.out, cpus.out.startsWith("<< Controll Plane >>\n1: cpu0: socket "));
            assertTrue(cpus.out, cpus.out.contains("    queues none\n<< Data Plane >>\n2: cpu1: socket "));
            assertTrue(cpus.out, cpus.out.contains("\n    queues syn0:rx0        syn0:tx0        \n"));
            final Cli stats = dplanectl(p, "link", "show", "cpu1", "--stats");
            assertEquals(0, stats.exit);
            final java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)2: cpu1: socket \\d+\n"
                + "    queues syn0:rx0        syn0:tx0        \n    lcore_loop .*\n    ipackets .*\n    (\\d+) .*")
                .matcher(stats.out);
            assertTrue(stats.out, m.matches());
            assertTrue("synthetic packets counted: " + stats.out, Long.parseLong(m.group(1)) > 0);
            // and the NIC: dpip's link show
            final Cli nics = dplanectl(p, "link", "show");
            assertEquals("dplanectl link show:\n" + nics, 0, nics.exit);
            assertTrue(nics.out, nics.out.startsWith("1: syn0: socket 0 mtu 1500 rx-queue 1 tx-queue 1\n"));
        }
    }

    @Test
    public void dplanectlTellsASocketMissingFromAPlatformNotRunning() throws Exception
    {
        final Path home = Paths.get(System.getProperty("platform.dist.dir"));
        final Path dir = Files.createTempDirectory("dplanectl-");
        final Cli missing = run(home, dir.resolve("none.ipc"), "ranges");
        assertEquals(missing.toString(), 3, missing.exit);
        assertTrue(missing.err, missing.err.contains("no control socket at"));
        // a socket file with nobody listening: what a crashed platform leaves
        final Path stale = dir.resolve("stale.ipc");
        try (java.nio.channels.ServerSocketChannel s = java.nio.channels.ServerSocketChannel.open(
            java.net.StandardProtocolFamily.UNIX))
        {
            s.bind(java.net.UnixDomainSocketAddress.of(stale));
        }
        final Cli notRunning = run(home, stale, "ranges");
        assertEquals(notRunning.toString(), 4, notRunning.exit);
        assertTrue(notRunning.err, notRunning.err.contains("the platform is not running"));
    }

    static Cli dplanectl(final PlatformProcess p, final String... args) throws IOException, InterruptedException
    {
        return run(p.home(), p.socket(), args);
    }

    /** Starts dplanectl with its output into a file (a command that runs until it saw something). */
    private static Process start(final Path home, final Path socket, final Path out, final String... args)
        throws IOException
    {
        return builder(home, socket, args).redirectOutput(out.toFile()).redirectErrorStream(true).start();
    }

    /**
     * dplanectl of that distribution on that control socket, stdin /dev/null, and the distribution's own runtime
     * directory (data/mp) for "dplanectl mp", as an operator's dplanectl finds it.
     */
    private static ProcessBuilder builder(final Path home, final Path socket, final String... args)
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/dplanectl").toString());
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DPVS_IPC_FILE", socket.toString());
        pb.environment().put("JAVA", Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        pb.environment().remove("DPLANE_MP_DIR");
        return pb.redirectInput(new File("/dev/null"));
    }

    private static void awaitText(final Path file, final String text, final Process proc)
        throws IOException, InterruptedException
    {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(file, StandardCharsets.UTF_8).contains(text))
        {
            if (System.nanoTime() - end > 0 || !proc.isAlive())
            {
                throw new AssertionError("no \"" + text + "\" from dplanectl (alive " + proc.isAlive() + "): "
                    + Files.readString(file, StandardCharsets.UTF_8));
            }
            Thread.sleep(20);
        }
    }

    private static Cli run(final Path home, final Path socket, final String... args)
        throws IOException, InterruptedException
    {
        final Path out = Files.createTempFile("dplanectl", ".out");
        final Path err = Files.createTempFile("dplanectl", ".err");
        final Process proc = builder(home, socket, args).redirectOutput(out.toFile()).redirectError(err.toFile())
            .start();
        if (!proc.waitFor(60, TimeUnit.SECONDS))
        {
            proc.destroyForcibly();
            throw new AssertionError("dplanectl did not finish");
        }
        return new Cli(proc.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }

    /** One run of the command line. */
    record Cli(int exit, String out, String err)
    {
    }
}
