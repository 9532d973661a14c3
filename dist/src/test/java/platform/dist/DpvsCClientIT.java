package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

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

import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

/**
 * The running distribution against a C client that does what DPVS's tools do (src/test/c/dpvs_tool.c): the C
 * compiler lays out DPVS's structs (their sizes are asserted at compile time), the client follows the tools'
 * one-request-per-connection algorithm and the size checks dpip and ipvsadm make, and prints as dpip does. Needs
 * gcc (CI installs it); without it this test fails and says so.
 */
public class DpvsCClientIT
{
    @Rule
    public final Timeout timeout = Timeout.seconds(120);

    private static Path tool;

    @BeforeClass
    public static void compile() throws IOException, InterruptedException
    {
        final Path src = Paths.get("src", "test", "c", "dpvs_tool.c").toAbsolutePath();
        tool = Paths.get("target", "dpvs_tool").toAbsolutePath();
        final Process gcc;
        try
        {
            gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", tool.toString(), src.toString())
                .redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            throw new AssertionError("this test needs gcc to build " + src + " (apt-get install gcc): " + ex, ex);
        }
        final String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("gcc did not finish", gcc.waitFor(60, TimeUnit.SECONDS));
        assertEquals("gcc:\n" + out, 0, gcc.exitValue());
    }

    @Test
    public void dpipsLinkShowCpuAndIpvsadmsBlacklistWorkFromC() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("dpvs-c-client", List.of()))
        {
            p.awaitLog("blacklist started for modules.blklst", Duration.ofSeconds(60));
            p.awaitLog("lcore statistics served on GET 57..59", Duration.ofSeconds(60));
            // netif (the worker's queue list) and route (GET 32) ship too: wait for both, they start in any order
            p.awaitLog("netif started from", Duration.ofSeconds(60));
            p.awaitLog("routing table started for", Duration.ofSeconds(60));

            final Run cpus = run(p, "link-show-cpu", "-s");
            assertEquals(cpus.toString(), 0, cpus.exit);
            assertTrue(cpus.out, cpus.out.matches("(?s)<< Controll Plane >>\n1: cpu0: socket \\d+\n    queues none\n"
                + "    lcore_loop {10}pktburst .*\n    \\d+ +0 +0 +0 +\n.*<< Data Plane >>\n2: cpu1: socket \\d+\n"
                + "    queues syn0:rx0        syn0:tx0        \n.*"));

            // dpip's "link show -s": GET 60, then GET 61 and GET 62 (720 bytes, asserted) per NIC, by name
            final Run nics = run(p, "link-show", "-s");
            assertEquals(nics.toString(), 0, nics.exit);
            final java.util.regex.Matcher nic = java.util.regex.Pattern.compile("1: syn0: socket 0 mtu 1500 rx-queue 1 "
                + "tx-queue 1\n    UP 10000 Mbps full-duplex fixed-nego\n    addr 02:00:00:00:00:01\n"
                + "    ipackets (\\d+) opackets 0 ibytes (\\d+) obytes 0 ierrors 0 imissed \\d+ mbuf-avail (\\d+) "
                + "mbuf-inuse (\\d+) q_ipackets (\\d+) port 0\n").matcher(nics.out);
            assertTrue(nics.out, nic.matches());
            assertTrue("the synthetic port's packets", Long.parseLong(nic.group(1)) > 0);
            assertEquals("the queue array sums to the total", nic.group(1), nic.group(5));
            assertEquals("the whole pool", 16384, Long.parseLong(nic.group(3)) + Long.parseLong(nic.group(4)));

            // ipvsadm's bytes, with garbage after the IPv4 addresses, and its length check on the reply
            assertEquals(0, run(p, "blklst-add", "10.0.0.1", "80", "1.2.3.4").exit);
            final Run list = run(p, "blklst-get");
            assertEquals(list.toString(), 0, list.exit);
            assertEquals("TCP 10.0.0.1:80 1.2.3.4\n", list.out);
            final Run again = run(p, "blklst-add", "10.0.0.1", "80", "1.2.3.4");
            assertEquals(1, again.exit);
            assertTrue(again.err, again.err.contains("[sockopt_msg_recv] errcode set in socket msg#73 header: "
                + "already blacklisted: TCP 10.0.0.1:80 1.2.3.4(-3)"));

            // an id nobody registered: an error reply the tools can print (DPVS closes without one)
            final Run unknown = run(p, "get", "90");
            assertEquals(1, unknown.exit);
            assertTrue(unknown.err, unknown.err.contains("errcode set in socket msg#90 header: no GET sockopt 90 "
                + "registered(-14)"));
            final Run ranges = run(p, "get", "9000");
            assertEquals(0, ranges.exit);
        }
    }

    /**
     * ipvsadm's conversations from their first request: every invocation starts with GET 18 (modules.ipvs), the
     * blacklist commands go on to modules.blklst, {@code --get-blklst} and {@code -ln} ask GET 19 first.
     */
    @Test
    public void ipvsadmsWholeConversationsWorkFromC() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("dpvs-c-ipvsadm", List.of()))
        {
            p.awaitLog("blacklist started for modules.blklst", Duration.ofSeconds(60));
            p.awaitLog("ipvs service sockopts GET 17..22 served", Duration.ofSeconds(60));

            // GET 18, GET 19: DPVS v1.10.2's version, no connection table size, no service
            final Run ln = run(p, "ipvsadm", "-ln");
            assertEquals(ln.toString(), 0, ln.exit);
            assertEquals("IP Virtual Server version 1.10.2 (size=0)\n"
                + "Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n", ln.out);

            // GET 18, SET 73: the entry is in the blacklist
            final Run add = run(p, "ipvsadm", "--add-blklst", "10.0.0.2", "443", "5.6.7.8");
            assertEquals(add.toString(), 0, add.exit);
            assertEquals("TCP 10.0.0.2:443 5.6.7.8\n", run(p, "blklst-get").out);

            // GET 18, GET 19, GET 76: ipvsadm lists entries under listed services only, so with none only the title
            final Run get = run(p, "ipvsadm", "--get-blklst");
            assertEquals(get.toString(), 0, get.exit);
            assertTrue(get.out, get.out.matches("PROTO {4}VIP:VPORT {22}BLACKLIST\n"));
            assertTrue(get.err, get.err.contains("GET 76: 1 entries, 0 under a listed service"));

            // GET 18, SET 74: gone; a second delete gets DPVS's code
            final Run del = run(p, "ipvsadm", "--del-blklst", "10.0.0.2", "443", "5.6.7.8");
            assertEquals(del.toString(), 0, del.exit);
            assertEquals("", run(p, "blklst-get").out);
            final Run none = run(p, "ipvsadm", "--get-blklst");
            assertEquals(none.toString(), 0, none.exit);
            assertTrue(none.err, none.err.contains("GET 76: 0 entries"));
            final Run again = run(p, "ipvsadm", "--del-blklst", "10.0.0.2", "443", "5.6.7.8");
            assertEquals(again.toString(), 1, again.exit);
            assertTrue(again.err, again.err.contains("errcode set in socket msg#74 header: "));
            assertTrue(again.err, again.err.contains("(-4)"));

            // GET 17: DPVS's 64-byte version buffer
            final Run version = run(p, "get", "17");
            assertEquals(version.toString(), 0, version.exit);
            assertEquals("64\n", version.out);
        }
    }

    /**
     * dpip's addr commands from C: the inet_addr_param dpip builds, GET 51's array with dpip's size check and its
     * output, DPVS's error codes; the address's two routes appear in GET 32 and go with it.
     */
    @Test
    public void dpipsAddrCommandsWorkFromC() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.start("dpvs-c-addr", List.of()))
        {
            p.awaitLog("interface addresses started for", Duration.ofSeconds(60));
            p.awaitLog("routing table started for", Duration.ofSeconds(60));
            p.awaitLog("routes of 0 addresses added to the route bundle", Duration.ofSeconds(60));
            final String routesBefore = run(p, "get", "32").out;

            final Run add = run(p, "addr", "add", "10.0.1.1/24", "syn0");
            assertEquals(add.toString(), 0, add.exit);
            final Run show = run(p, "addr", "show");
            assertEquals(show.toString(), 0, show.exit);
            assertEquals("inet 10.0.1.1/24 scope global syn0\n     valid_lft forever preferred_lft forever\n",
                show.out);
            final Run verbose = run(p, "addr", "show", "syn0", "-v");
            assertEquals(verbose.toString(), 0, verbose.exit);
            assertTrue(verbose.out, verbose.out.matches("(\\[\\d\\d\\] inet 10\\.0\\.1\\.1/24 scope global syn0\n"
                + " {5}valid_lft forever preferred_lft forever\n){2,}"));
            assertEquals("the local /32 and the connected /24",
                (Long.parseLong(routesBefore.trim()) + 2 * 112) + "\n", run(p, "get", "32").out);

            final Run again = run(p, "addr", "add", "10.0.1.1/24", "syn0");
            assertEquals(1, again.exit);
            assertTrue(again.err, again.err.contains("errcode set in socket msg#47 header: ") && again.err.contains(
                "(-3)"));
            final Run noDev = run(p, "addr", "add", "10.0.2.1/24", "nosuch0");
            assertEquals(1, noDev.exit);
            assertTrue(noDev.err, noDev.err.contains("(-4)"));

            assertEquals(0, run(p, "addr", "del", "10.0.1.1/24", "syn0").exit);
            assertEquals("", run(p, "addr", "show").out);
            assertEquals(routesBefore, run(p, "get", "32").out);
            final Run gone = run(p, "addr", "del", "10.0.1.1/24", "syn0");
            assertEquals(1, gone.exit);
            assertTrue(gone.err, gone.err.contains("errcode set in socket msg#48 header: ") && gone.err.contains(
                "(-4)"));
        }
    }

    private static Run run(final PlatformProcess p, final String... args) throws IOException, InterruptedException
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(tool.toString());
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DPVS_IPC_FILE", p.socket().toString());
        final Path out = Files.createTempFile("dpvs_tool", ".out");
        final Path err = Files.createTempFile("dpvs_tool", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(new File("/dev/null"));
        final Process proc = pb.start();
        if (!proc.waitFor(30, TimeUnit.SECONDS))
        {
            proc.destroyForcibly();
            fail("dpvs_tool " + String.join(" ", args) + " did not finish");
        }
        return new Run(proc.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }

    /** One run of the C client. */
    record Run(int exit, String out, String err)
    {
    }
}
