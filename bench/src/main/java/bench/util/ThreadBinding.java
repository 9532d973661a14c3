package bench.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.BitSet;

import net.openhft.affinity.Affinity;

/**
 * Binds the benchmark thread to one CPU with {@code sched_setaffinity}, without the cross-process CPU lock that an
 * lcore's {@code AffinityPinner} takes (an lcore may hold it: on 2 CPUs the benchmark thread shares a CPU with
 * one). Where the OS would put the benchmark thread is otherwise a coin toss that decides whether waking the
 * worker lcore means waking an idle CPU or preempting the benchmark thread.
 * <p>
 * Threads inherit the affinity of the thread that starts them, so bind after starting the threads under test, and
 * unbind ({@code -1}) before starting helper threads that must run elsewhere.
 */
public final class ThreadBinding
{
    /**
     * Every online CPU. Not {@code Runtime.availableProcessors()}: the JVM derives it from the calling thread's
     * affinity, so a bound thread would "unbind" to its one CPU.
     */
    private static final BitSet ONLINE = onlineCpus();

    private ThreadBinding()
    {
    }

    /**
     * @return the number of online CPUs, whatever the calling thread's affinity.
     */
    public static int onlineCpuCount()
    {
        return ONLINE.cardinality();
    }

    /**
     * @param cpu a CPU id, or -1 to allow every online CPU.
     * @return a description of the calling thread's affinity afterwards, e.g. {@code "bound to CPU 0"}.
     */
    public static String bindCurrentThread(final int cpu)
    {
        final BitSet wanted = new BitSet();
        if (cpu >= 0)
        {
            wanted.set(cpu);
        }
        else
        {
            wanted.or(ONLINE);
        }
        try
        {
            Affinity.setAffinity(wanted);
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return "not bound (" + ex + ")";
        }
        final BitSet now = Affinity.getAffinity();
        if (cpu >= 0)
        {
            return now.equals(wanted) ? "bound to CPU " + cpu : "NOT bound to CPU " + cpu + " (affinity " + now + ")";
        }
        return "unbound (affinity " + now + ")";
    }

    private static BitSet onlineCpus()
    {
        final BitSet cpus = new BitSet();
        try
        {
            // e.g. "0-1" or "0,2-3"
            final String text = new String(Files.readAllBytes(Paths.get("/sys/devices/system/cpu/online")),
                StandardCharsets.US_ASCII).trim();
            for (final String range : text.split(","))
            {
                final String[] ends = range.split("-");
                final int from = Integer.parseInt(ends[0].trim());
                final int to = 2 == ends.length ? Integer.parseInt(ends[1].trim()) : from;
                cpus.set(from, to + 1);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            cpus.set(0, Runtime.getRuntime().availableProcessors());
        }
        return cpus;
    }
}
