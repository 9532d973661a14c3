package modules.netif.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import bench.baseline.PingPongProbe;
import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.NeighOutput;
import modules.netif.api.Route4;
import modules.netif.api.RouteLookup;
import modules.stats.api.LcoreCounters;
import platform.lcore.api.Edpvs;
import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.impl.SchedulerFixture;

/**
 * af_packet forwarding between two veth pairs (issue 12): packets per second arriving in namespace B, forwarded by
 * the platform ({@code java}) or by {@code bench/native/afp_fwd.c} ({@code c}), a C forwarder on the same
 * PACKET_MMAP ring design, compiled with gcc in the same run.
 * <pre>
 *  netns afpb-a                  this namespace                          netns afpb-b
 *  afp_gen --&gt; afpb-pa ==veth== afpb-ha --&gt; forwarder --&gt; afpb-hb ==veth== afpb-pb (rx_packets: the score)
 *  10.77.0.2                     (no address, IPv4 forwarding off)                     10.78.0.2
 * </pre>
 * <ul>
 * <li>Generator: {@code bench/native/afp_gen.c} inside namespace A, 60-byte IPv4/UDP frames to 10.78.0.9 with
 * 1024 source ports, addressed to afpb-ha's MAC, through a PACKET_TX_RING at the highest rate the kernel takes
 * ({@code genRate} 0) or paced ({@code genRate} &gt; 0 frames/s), running for the whole trial.</li>
 * <li>{@code java}: a {@link NetifCore} with af_packet ports on afpb-ha and afpb-hb, both polled by one worker
 * lcore (lcore 1) running {@code recv_fwd} on its own thread with idle strategy {@code idle} (default
 * {@code busy-spin}: afp_fwd busy-polls with no back-off, so the two differ only in the forwarding path; under
 * saturation a back-off strategy would rarely engage anyway); a route function sending everything out of port 1 and
 * a neighbour function writing afpb-pb's MAC and afpb-hb's, as in NetifForwardTest. Unpinned, like afp_fwd.</li>
 * <li>{@code c}: {@code afp_fwd -B <afpb-pb's MAC> afpb-ha afpb-hb}: the same MAC and TTL rewrite.</li>
 * </ul>
 * Namespace B drops what arrives without a reply (10.78.0.9 is not its address and it does not forward), and the
 * host ends have IPv4 forwarding off, so this namespace's kernel, which also receives the flood on afpb-ha, never
 * routes it anywhere. IPv6 is off on all four ends; the neighbours are static.
 * <p>
 * Score: one operation is one packet arriving on afpb-pb (its rx_packets, read from {@code /proc/<pid>/net/dev} of
 * an idle process inside namespace B, the same counter as {@code /sys/class/net/afpb-pb/statistics/rx_packets});
 * an invocation waits until {@value #WINDOW} more have arrived, polling every millisecond, so the score is
 * packets per second arriving in B. Auxiliary counters per second, same iteration: {@code genSent} (afpb-pa's
 * tx_packets: what the generator got onto the link), {@code hostAReceived} (afpb-ha's rx_packets: what reached the
 * forwarder's input); {@code genSent - score} is what was lost on the way. The trial's end prints the generator's,
 * the forwarder's and the four interfaces' totals ("# afp").
 * <p>
 * Needs root, {@code ip} (iproute2) and gcc. The names carry the prefix {@code afpb-}: setup first removes what a
 * killed run left (namespaces, links, the processes recorded in {@code <tmpdir>/afpbench.pids} and the build
 * directories {@code <tmpdir>/afpbench-*}); teardown and a shutdown hook remove everything. One run at a time.
 * On a 2-vCPU machine the generator (with namespace A's and
 * the host end's kernel work, done in its sendto), the forwarder (with the veth transmit to B, done in its kick)
 * and the benchmark thread's polls share the CPUs, the same for both variants.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
public class AfPacketForwardBenchmark
{
    /** Packets per invocation: the score's unit is one packet. */
    static final int WINDOW = 1_000;

    static final String PREFIX = "afpb-";
    static final String NS_A = PREFIX + "a";
    static final String NS_B = PREFIX + "b";
    static final String HOST_A = PREFIX + "ha";
    static final String PEER_A = PREFIX + "pa";
    static final String HOST_B = PREFIX + "hb";
    static final String PEER_B = PREFIX + "pb";
    private static final String HOST_A_IP = "10.77.0.1";
    private static final String PEER_A_IP = "10.77.0.2";
    private static final String HOST_B_IP = "10.78.0.1";
    private static final String PEER_B_IP = "10.78.0.2";
    /** In namespace B's subnet, not its address: B's kernel drops it silently (it does not forward). */
    private static final String DST_IP = "10.78.0.9";

    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long STALL_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long COMMAND_TIMEOUT_S = 20;
    /** afp_fwd's own time limit, a backstop should every cleanup fail. */
    private static final int FWD_MAX_S = 3_600;
    private static final Path PIDS = Path.of(System.getProperty("java.io.tmpdir"), "afpbench.pids");

    @Param({"java", "c"})
    public String forwarder;

    /** The worker lcore's idle strategy (java only). */
    @Param({"busy-spin"})
    public String idle;

    /** Generator frames per second, 0 = as fast as it can. */
    @Param({"0"})
    public long genRate;

    private Path dir;
    private final List<Child> children = new ArrayList<>();
    private Child gen;
    private Child fwd;
    private Child nsBWatcher;
    private Thread shutdownHook;
    private boolean cleaned;

    private SchedulerFixture fixture;
    private NetifCore core;
    private JobHandle recvFwd;

    ProcNetDev nsA;
    ProcNetDev nsB;
    ProcNetDev root;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        System.out.println("# fork probe before: " + PingPongProbe.quickProbe());
        removeLeftovers();
        shutdownHook = new Thread(this::cleanUp, "afpbench-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try
        {
            dir = Files.createTempDirectory("afpbench-");
            final Path gcc = dir.resolve("afp_gen");
            final Path fwdBin = dir.resolve("afp_fwd");
            compile("afp_gen.c", gcc);
            compile("afp_fwd.c", fwdBin);
            pair(NS_A, HOST_A, PEER_A, PEER_A_IP, HOST_A_IP);
            pair(NS_B, HOST_B, PEER_B, PEER_B_IP, HOST_B_IP);
            final String hostAMac = Files.readString(Path.of("/sys/class/net", HOST_A, "address")).trim();
            final String peerBMac = run(true, "ip", "netns", "exec", NS_B, "cat",
                "/sys/class/net/" + PEER_B + "/address").trim();

            nsBWatcher = start("idle-b", "afp_gen: idle", "ip", "netns", "exec", NS_B, gcc.toString(), "-i");
            nsB = new ProcNetDev(Path.of("/proc", Long.toString(nsBWatcher.process.pid()), "net", "dev"));
            root = new ProcNetDev(Path.of("/proc/self/net/dev"));
            if ("java".equals(forwarder))
            {
                startJava(Macs.parse(peerBMac));
            }
            else if ("c".equals(forwarder))
            {
                fwd = start("afp_fwd", "afp_fwd: ", fwdBin.toString(), "-s", Integer.toString(FWD_MAX_S), "-B",
                    peerBMac, HOST_A, HOST_B);
            }
            else
            {
                throw new IllegalArgumentException("forwarder " + forwarder + ": java or c");
            }
            gen = start("afp_gen", "afp_gen: " + PEER_A, "ip", "netns", "exec", NS_A, gcc.toString(), "-r",
                Long.toString(genRate), "-d", hostAMac, "-S", PEER_A_IP, "-D", DST_IP, PEER_A);
            nsA = new ProcNetDev(Path.of("/proc", Long.toString(gen.process.pid()), "net", "dev"));
            // forwarding works before the first iteration starts
            final long b0 = nsB.rxPackets(PEER_B);
            final long deadline = System.nanoTime() + STALL_NS;
            while (nsB.rxPackets(PEER_B) - b0 < WINDOW)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException("nothing forwarded to " + PEER_B + " in 10 s: " + report());
                }
                Thread.sleep(1);
            }
            System.out.println("# afp setup: " + forwarder + (fixture == null ? "" : ", " + fixture.describe()
                .replace('\n', ';')));
        }
        catch (final Exception | Error ex)
        {
            cleanUp();
            throw ex;
        }
    }

    private void startJava(final byte[] peerBMac) throws NetifConfig.ConfigException, IOException
    {
        fixture = SchedulerFixture.masterAndWorker(false, idle);
        final String conf = "mbufs 16384\n"
            + "port dpdk0 driver af_packet iface " + HOST_A + "\nport dpdk1 driver af_packet iface " + HOST_B + "\n"
            + "queue 1 dpdk0 rx 0 tx 0\nqueue 1 dpdk1 rx 0 tx 0\n";
        final LcoreCounters[] counters = new LcoreCounters[64];
        core = new NetifCore(fixture.service(), null, id -> null == counters[id]
            ? counters[id] = new LcoreCounters(id) : counters[id], NetifConfig.parse("afpbench", new StringReader(conf)),
            Drivers.all());
        if (2 != core.ports().size())
        {
            throw new IllegalStateException("ports refused: " + core.refusedPorts());
        }
        core.routeLookup(new AllOutOfPort1());
        core.neighOutput(new StaticNeigh(core, peerBMac));
        // recv_fwd flushes its transmit bursts itself; with both tx queues on this lcore no MASTER_XMIT is ever
        // sent, so the job runs without netif's message types and the xmit job (NetifCore.start registers those)
        recvFwd = fixture.register(JobSpec.loop(NetifCore.JOB_RECV_FWD, LcoreRole.FWD_WORKER, core::recvFwd));
        fixture.start();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        System.out.println("# afp trial: " + report());
        cleanUp();
        try
        {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (final IllegalStateException ignored)
        {
            // shutting down: the hook runs (and finds everything done)
        }
        System.out.println("# fork probe after: " + PingPongProbe.quickProbe());
    }

    /** Per iteration, per second (JMH divides by the iteration's time): the generator's and the host end's side. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counts
    {
        /** afpb-pa's tx_packets: frames the generator got onto the link. */
        public long genSent;
        /** afpb-ha's rx_packets: frames that reached the forwarder's input. */
        public long hostAReceived;

        long next;
        long baseSent;
        long baseHostA;

        @Setup(Level.Iteration)
        public void setUp(final AfPacketForwardBenchmark b) throws IOException
        {
            genSent = 0;
            hostAReceived = 0;
            next = b.nsB.rxPackets(PEER_B) + WINDOW;
            baseSent = b.nsA.txPackets(PEER_A);
            baseHostA = b.root.rxPackets(HOST_A);
        }
    }

    /**
     * Waits until {@link #WINDOW} more packets than at the last call have arrived in namespace B.
     *
     * @return afpb-pb's rx_packets.
     */
    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public long arrivedInB(final Counts c) throws IOException
    {
        final long target = c.next;
        final long deadline = System.nanoTime() + STALL_NS;
        long v;
        while ((v = nsB.rxPackets(PEER_B)) < target)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("forwarding stalled: " + report());
            }
            LockSupport.parkNanos(POLL_NS);
        }
        c.next = target + WINDOW;
        c.genSent = nsA.txPackets(PEER_A) - c.baseSent;
        c.hostAReceived = root.rxPackets(HOST_A) - c.baseHostA;
        return v;
    }

    // ------------------------------------------------------------------ forwarding functions (java)

    /** Everything out of port 1, the next hop being the destination (a connected route). */
    static final class AllOutOfPort1 implements RouteLookup
    {
        @Override
        public boolean lookup4(final int lcoreId, final int daddr, final Route4 r)
        {
            r.set(1, daddr, Route4.CONNECTED);
            return true;
        }
    }

    /** Namespace B's end as the only neighbour: its MAC as destination, port 1's as source. */
    static final class StaticNeigh implements NeighOutput
    {
        private final NetifCore core;
        private final byte[] dst;
        private final byte[] src;

        StaticNeigh(final NetifCore core, final byte[] dst)
        {
            this.core = core;
            this.dst = dst;
            this.src = core.ports().get(1).mac();
        }

        @Override
        public int output(final int lcoreId, final Mbuf m, final int port, final int nextHop)
        {
            final byte[] b = m.array();
            System.arraycopy(dst, 0, b, m.offset(), 6);
            System.arraycopy(src, 0, b, m.offset() + 6, 6);
            return Edpvs.OK == core.xmit(lcoreId, m, port) ? InetHook.ACCEPT : InetHook.DROP;
        }
    }

    // ------------------------------------------------------------------ counters

    private String report()
    {
        final StringBuilder sb = new StringBuilder();
        try
        {
            if (null != nsA)
            {
                sb.append(PEER_A).append(" tx ").append(nsA.txPackets(PEER_A)).append(" tx_dropped ")
                    .append(nsA.field(PEER_A, 11)).append("; ");
            }
            if (null != root)
            {
                sb.append(HOST_A).append(" rx ").append(root.rxPackets(HOST_A)).append(" rx_dropped ")
                    .append(root.field(HOST_A, 3)).append("; ").append(HOST_B).append(" tx ")
                    .append(root.txPackets(HOST_B)).append(" tx_dropped ").append(root.field(HOST_B, 11))
                    .append("; ");
            }
            if (null != nsB)
            {
                sb.append(PEER_B).append(" rx ").append(nsB.rxPackets(PEER_B)).append(" rx_dropped ")
                    .append(nsB.field(PEER_B, 3)).append("; ");
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            sb.append("(counters: ").append(ex).append(") ");
        }
        if (null != core)
        {
            final NetifCore.Port in = core.port(0);
            final NetifCore.Port out = core.port(1);
            sb.append("java: dpdk0 ipackets ").append(in.stats.rxTotal(PortStats.IPACKETS)).append(" missed ")
                .append(in.dev.rxMissed()).append(", dpdk1 opackets ").append(out.stats.txTotal(PortStats.OPACKETS))
                .append(" oerrors ").append(out.stats.txTotal(PortStats.OERRORS)).append(", drops ");
            final long[] t = core.totals();
            // the drop counters only (the snapshot goes on with the lcore's DPVS counters)
            for (int i = 0; i < LcoreNetif.NAMES.length; i++)
            {
                if (0 != t[i])
                {
                    sb.append(LcoreNetif.NAMES[i]).append(' ').append(t[i]).append(' ');
                }
            }
            sb.append("; ");
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ namespaces, links, processes

    private static void pair(final String ns, final String host, final String peer, final String peerIp,
        final String hostIp) throws IOException, InterruptedException
    {
        run(true, "ip", "netns", "add", ns);
        run(true, "ip", "link", "add", host, "type", "veth", "peer", "name", peer, "netns", ns);
        writeIfExists(Path.of("/proc/sys/net/ipv6/conf", host, "disable_ipv6"), "1");
        // this namespace's kernel receives the flood too: it must never route it anywhere
        Files.writeString(Path.of("/proc/sys/net/ipv4/conf", host, "forwarding"), "0");
        run(true, "ip", "link", "set", host, "up");
        final String f = "/proc/sys/net/ipv6/conf/" + peer + "/disable_ipv6";
        run(true, "ip", "netns", "exec", ns, "sh", "-c", "[ ! -e " + f + " ] || echo 1 > " + f);
        run(true, "ip", "-n", ns, "link", "set", "lo", "up");
        run(true, "ip", "-n", ns, "addr", "add", peerIp + "/24", "dev", peer);
        run(true, "ip", "-n", ns, "link", "set", peer, "up");
        final String hostMac = Files.readString(Path.of("/sys/class/net", host, "address")).trim();
        run(true, "ip", "-n", ns, "neigh", "replace", hostIp, "lladdr", hostMac, "dev", peer, "nud", "permanent");
    }

    private static void writeIfExists(final Path p, final String v) throws IOException
    {
        if (Files.exists(p))
        {
            Files.writeString(p, v);
        }
    }

    private void compile(final String source, final Path binary) throws IOException, InterruptedException
    {
        final Path c = dir.resolve(source);
        try (InputStream in = AfPacketForwardBenchmark.class.getResourceAsStream("/native/" + source))
        {
            if (null == in)
            {
                throw new IllegalStateException("native/" + source + " is not in the jar (bench/pom.xml copies it)");
            }
            Files.copy(in, c);
        }
        run(true, "gcc", "-O2", "-Wall", "-o", binary.toString(), c.toString());
    }

    /** A process of ours, its output in a file. */
    private static final class Child
    {
        final String name;
        final Process process;
        final Path log;

        Child(final String name, final Process process, final Path log)
        {
            this.name = name;
            this.process = process;
            this.log = log;
        }

        String output() throws IOException
        {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.US_ASCII) : "";
        }
    }

    /** Starts a process, records its pid, and waits until its output has a line starting with ready. */
    private Child start(final String name, final String ready, final String... cmd)
        throws IOException, InterruptedException
    {
        final Path log = dir.resolve(name + ".log");
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        final Child c = new Child(name, p, log);
        synchronized (this)
        {
            children.add(c);
        }
        Files.writeString(PIDS, p.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMAND_TIMEOUT_S);
        while (Arrays.stream(c.output().split("\n")).noneMatch(l -> l.startsWith(ready)))
        {
            if (!p.isAlive() || System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException(name + " did not start: " + c.output());
            }
            Thread.sleep(1);
        }
        return c;
    }

    /** Stops everything this trial started and removes the links and namespaces; safe to call twice. */
    private synchronized void cleanUp()
    {
        if (cleaned)
        {
            return;
        }
        cleaned = true;
        if (null != recvFwd)
        {
            recvFwd.close();
        }
        if (null != fixture)
        {
            try
            {
                fixture.close();
            }
            catch (final RuntimeException ex)
            {
                System.out.println("# afp: " + ex);
            }
        }
        if (null != core)
        {
            core.stop();
        }
        // generator first, so the forwarder's counts are final when it prints them
        final List<Child> ordered = new ArrayList<>(children);
        ordered.sort(Comparator.comparingInt(c -> "afp_gen".equals(c.name) ? 0 : 1));
        for (final Child c : ordered)
        {
            c.process.destroy(); // SIGTERM: afp_gen and afp_fwd print their counters and exit
            try
            {
                if (!c.process.waitFor(10, TimeUnit.SECONDS))
                {
                    c.process.destroyForcibly();
                }
                for (final String line : c.output().split("\n"))
                {
                    if (!line.isBlank())
                    {
                        System.out.println("# " + c.name + ": " + line);
                    }
                }
            }
            catch (final IOException | InterruptedException ex)
            {
                c.process.destroyForcibly();
            }
        }
        for (final ProcNetDev d : Arrays.asList(nsA, nsB, root))
        {
            if (null != d)
            {
                d.close();
            }
        }
        try
        {
            Files.deleteIfExists(PIDS);
            removeLinks();
            if (null != dir)
            {
                deleteDir(dir);
            }
        }
        catch (final IOException | InterruptedException ex)
        {
            System.out.println("# afp: cleaning up: " + ex);
        }
    }

    /** What a killed run left: its processes (by recorded pid, if still ours), namespaces, links, build directories. */
    private static void removeLeftovers() throws IOException, InterruptedException
    {
        if (Files.exists(PIDS))
        {
            for (final String s : Files.readAllLines(PIDS))
            {
                if (s.isBlank())
                {
                    continue;
                }
                final long pid = Long.parseLong(s.trim());
                final Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
                final String cmd;
                try
                {
                    cmd = new String(Files.readAllBytes(cmdline), StandardCharsets.US_ASCII);
                }
                catch (final IOException gone)
                {
                    continue;
                }
                if (cmd.contains("afpbench-"))
                {
                    System.out.println("# afp: ending leftover process " + pid + ": " + cmd.replace('\0', ' '));
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            Files.delete(PIDS);
        }
        removeLinks();
        try (Stream<Path> dirs = Files.list(PIDS.getParent()))
        {
            for (final Path d : dirs.filter(p -> p.getFileName().toString().startsWith("afpbench-")
                && Files.isDirectory(p)).toList())
            {
                deleteDir(d);
            }
        }
    }

    private static void deleteDir(final Path d) throws IOException
    {
        try (Stream<Path> s = Files.list(d))
        {
            for (final Path p : s.toList())
            {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(d);
    }

    private static void removeLinks() throws IOException, InterruptedException
    {
        for (final String line : run(false, "ip", "netns", "list").split("\n"))
        {
            final String ns = line.trim().split("\\s+")[0];
            if (ns.startsWith(PREFIX))
            {
                run(false, "ip", "netns", "del", ns);
            }
        }
        for (final String line : run(false, "ip", "-o", "link", "show").split("\n"))
        {
            final String[] f = line.split(":\\s+", 3);
            if (f.length > 1)
            {
                final String name = f[1].split("@")[0];
                if (name.startsWith(PREFIX))
                {
                    run(false, "ip", "link", "del", name);
                }
            }
        }
    }

    private static String run(final boolean check, final String... cmd) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + ": no exit in " + COMMAND_TIMEOUT_S + " s");
        }
        final String s = new String(out, StandardCharsets.UTF_8);
        if (check && 0 != p.exitValue())
        {
            throw new IllegalStateException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + s);
        }
        return s;
    }
}
