package bench.util;

import java.util.BitSet;

import net.openhft.affinity.Affinity;

/**
 * Binds the benchmark thread to one CPU with {@code sched_setaffinity}, without the cross-process CPU lock that an
 * lcore's {@code AffinityPinner} takes (an lcore may hold it: on 2 CPUs the benchmark thread shares a CPU with
 * one). Where the OS would put the benchmark thread is otherwise a coin toss that decides whether waking the
 * worker lcore means waking an idle CPU or preempting the benchmark thread.
 */
public final class ThreadBinding
{
    private ThreadBinding()
    {
    }

    /**
     * @param cpu a CPU id, or -1 to allow every CPU.
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
            wanted.set(0, Runtime.getRuntime().availableProcessors());
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
}
