package platform.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;

/**
 * The deploy/undeploy soak on the real distribution: modules.blklst moved out of {@code deploy/} and back, and
 * replaced in place (an update: every other cycle), N times (system property {@code soak.cycles}, 10 in CI) while netif's synthetic port sends packets through the workers and
 * two clients keep asking the blacklist's, the route bundle's and netif's GETs. Every request is answered (OK, or
 * EDPVS_NOTSUPP while the blacklist is away); the blacklist's own answers come back after each return; other
 * features' answers never fail; packets keep flowing. Afterwards the sockopt ranges, message types, jobs and hooks
 * are the baseline's, the platform has no thread and no file descriptor more than at the start, and the heap after a
 * forced GC has not grown beyond the noise.
 */
public class SoakIT
{
    private static final int CYCLES = Integer.getInteger("soak.cycles", 10);

    @Rule
    public final Timeout timeout = Timeout.seconds(60 + 30L * CYCLES);

    private static long count(final Path dir) throws IOException
    {
        try (var s = Files.list(dir))
        {
            return s.count();
        }
    }

    /**
     * The registrations as the platform lists them: sockopt ranges, message types, jobs, hooks; numbers blanked
     * (counters move), spaces collapsed (columns widen with them), sorted (a re-registered job lists later).
     */
    private static String registrations(final PlatformProcess p) throws Exception
    {
        final java.util.List<String> lines = new java.util.ArrayList<>();
        final StringBuilder sb = new StringBuilder();
        for (final String what : List.of("ranges", "msgs", "jobs"))
        {
            final SockoptIT.Cli c = SockoptIT.dplanectl(p, what);
            assertEquals(what + ": " + c, 0, c.exit());
            // counters move; names and owners do not
            for (final String line : c.out().split("\n"))
            {
                sb.append(what).append(' ').append(line.replaceAll("\\b\\d+(\\.\\d+)?\\b", "#")).append('\n');
            }
        }
        sb.append(p.gogo("netif:hooks").replaceAll("\\b\\d+\\b", "#"));
        for (final String line : sb.toString().split("\n"))
        {
            lines.add(line.trim().replaceAll("\\s+", " "));
        }
        java.util.Collections.sort(lines);
        return String.join("\n", lines);
    }

    /** The JVM's own threads, whose number it changes by itself (compiler threads come and go with the load). */
    private static final List<String> JVM_THREADS = List.of("C1 CompilerThre", "C2 CompilerThre", "GC Thread",
        "G1 ", "VM ", "ForkJoinPool", "Attach Listener", "Sweeper", "Common-Cleaner");

    /** @return the names of the process's threads but the JVM's own, sorted (Linux's comm: 15 characters). */
    private static List<String> threads(final Path proc) throws IOException
    {
        final List<String> names = new java.util.ArrayList<>();
        try (var tasks = Files.list(proc.resolve("task")))
        {
            for (final Path t : (Iterable<Path>)tasks::iterator)
            {
                try
                {
                    final String name = Files.readString(t.resolve("comm")).trim();
                    if (JVM_THREADS.stream().noneMatch(name::startsWith))
                    {
                        names.add(name);
                    }
                }
                catch (final java.nio.file.NoSuchFileException gone)
                {
                    // a thread that ended while listed
                }
            }
        }
        java.util.Collections.sort(names);
        return names;
    }

    /** @return what {@code now} has more of than {@code baseline} (a multiset difference). */
    private static List<String> extra(final List<String> baseline, final List<String> now)
    {
        final List<String> more = new java.util.ArrayList<>(now);
        for (final String b : baseline)
        {
            more.remove(b);
        }
        return more;
    }

    private static long heapAfterGc(final PlatformProcess p) throws Exception
    {
        final Path jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd");
        NetNsHost.run(true, jcmd.toString(), Long.toString(p.pid()), "GC.run");
        final String info = NetNsHost.run(true, jcmd.toString(), Long.toString(p.pid()), "GC.heap_info");
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        assertTrue(info, m.find());
        return Long.parseLong(m.group(1));
    }

    @Test
    public void aFeatureComesAndGoesUnderTrafficAndNothingLeaks() throws Exception
    {
        try (PlatformProcess p = PlatformProcess.startWithInput("soak", List.of("-Dfelix.fileinstall.poll=100",
            "-Dgosh.args=")))
        {
            p.awaitLog("blacklist started for modules.blklst", Duration.ofSeconds(60));
            p.awaitLog("routing table started for", Duration.ofSeconds(60));
            p.awaitLog("netif started from", Duration.ofSeconds(60));
            final SockoptClient client = SockoptClient.of(p.socket(), Duration.ofSeconds(5));
            final Path deployed;
            try (var jars = Files.list(p.home().resolve("deploy")))
            {
                deployed = jars.filter(f -> f.getFileName().toString().startsWith("modules.blklst-")).findFirst()
                    .orElseThrow();
            }
            final Path aside = p.home().resolve(deployed.getFileName());
            Thread.sleep(1_000);
            final String baseline = registrations(p);
            // jcmd first: its attach listener (a thread and a socket) stays for the rest of the run
            final long heap = heapAfterGc(p);
            final Path proc = Paths.get("/proc", Long.toString(p.pid()));
            final List<String> threads = threads(proc);
            final long fds = count(proc.resolve("fd"));
            final long packets = counter(p.gogo("netif:stats"), "ipackets");

            final AtomicBoolean run = new AtomicBoolean(true);
            final AtomicLong requests = new AtomicLong();
            final AtomicLong blacklistAnswers = new AtomicLong();
            final AtomicReference<String> failure = new AtomicReference<>();
            final Thread[] clients = new Thread[2];
            int updates = 0;
            for (int c = 0; c < clients.length; c++)
            {
                clients[c] = new Thread(() ->
                {
                    while (run.get() && null == failure.get())
                    {
                        try
                        {
                            final SockoptResponse b = client.get(76, null);
                            if (0 == b.errcode())
                            {
                                blacklistAnswers.incrementAndGet();
                            }
                            else if (-14 != b.errcode())
                            {
                                failure.set("GET 76: " + b.errcode() + " " + b.errstr());
                            }
                            for (final int other : new int[] {32, 60})
                            {
                                final SockoptResponse r = client.get(other, null);
                                if (0 != r.errcode())
                                {
                                    failure.set("GET " + other + " while the blacklist came and went: " + r.errcode()
                                        + " " + r.errstr());
                                }
                            }
                            requests.addAndGet(3);
                        }
                        catch (final IOException ex)
                        {
                            failure.set("a request was not answered: " + ex);
                        }
                    }
                }, "soak-client-" + c);
                clients[c].start();
            }
            try
            {
                for (int i = 0; i < CYCLES && null == failure.get(); i++)
                {
                    if (1 == i % 2)
                    {
                        // the jar replaced in place: fileinstall updates the bundle (stop, new revision, start)
                        final int starts = count(p.log(), "blacklist started for");
                        Files.setLastModifiedTime(deployed, java.nio.file.attribute.FileTime.fromMillis(
                            System.currentTimeMillis() + 1000L * i));
                        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                        while (count(p.log(), "blacklist started for") == starts)
                        {
                            assertTrue("cycle " + i + ": the blacklist updated", System.nanoTime() < deadline);
                            Thread.sleep(10);
                        }
                        updates++;
                    }
                    else
                    {
                        Files.move(deployed, aside, StandardCopyOption.ATOMIC_MOVE);
                        awaitGet(client, -14, "cycle " + i + ": the blacklist gone");
                        Files.move(aside, deployed, StandardCopyOption.ATOMIC_MOVE);
                    }
                    final long before = blacklistAnswers.get();
                    awaitGet(client, 0, "cycle " + i + ": the blacklist back");
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (blacklistAnswers.get() == before && System.nanoTime() < deadline)
                    {
                        Thread.sleep(5);
                    }
                }
            }
            finally
            {
                run.set(false);
                for (final Thread t : clients)
                {
                    t.join(10_000);
                }
            }
            assertEquals(null, failure.get());
            assertTrue("requests answered: " + requests.get(), requests.get() > 100L * CYCLES);
            assertTrue("packets flowed", counter(p.gogo("netif:stats"), "ipackets") > packets);

            // back to the baseline once the last start settled
            awaitEquals("the registrations", baseline, () -> registrations(p));
            // no thread or descriptor more than at the start (idle pools, Gogo's sessions and the JDK's process
            // reaper may have ended some of theirs meanwhile)
            awaitEquals("threads not there at the start", List.of(), () -> extra(threads, threads(proc)));
            awaitEquals("file descriptors more than at the start", 0L,
                () -> Math.max(0, count(proc.resolve("fd")) - fds));
            final long after = heapAfterGc(p);
            // the figures of a run, for bench/RESULTS.md's soak section
            assertTrue("updates: " + updates, updates >= CYCLES / 2);
            System.out.printf("soak: %d cycles (%d of them updates), %d requests answered (%d by the blacklist), threads %d, fds %d, heap "
                + "after GC %d K -> %d K%n", CYCLES, updates, requests.get(), blacklistAnswers.get(), threads.size(), fds, heap,
                after);
            assertTrue("heap after GC " + heap + " K at the start, " + after + " K after " + CYCLES + " cycles",
                after < heap + Math.max(16 * 1024, heap / 4));
        }
    }

    private static int count(final String text, final String what)
    {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1))
        {
            n++;
        }
        return n;
    }

    private static long counter(final String stats, final String name)
    {
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + name + " (\\d+)").matcher(stats);
        long sum = 0;
        while (m.find())
        {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }

    private static void awaitGet(final SockoptClient client, final int code, final String what) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int rc;
        while ((rc = client.get(76, null).errcode()) != code)
        {
            assertTrue(what + ": GET 76 still " + rc, System.nanoTime() < deadline);
            Thread.sleep(10);
        }
    }

    /** A value read with checked exceptions. */
    interface Probe<T>
    {
        T get() throws Exception;
    }

    private static <T> void awaitEquals(final String what, final T expect, final Probe<T> value) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        T v;
        while (!expect.equals(v = value.get()))
        {
            if (System.nanoTime() > deadline)
            {
                assertEquals(what + " back at the baseline", expect, v);
            }
            Thread.sleep(200);
        }
    }
}
