package bench.util;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.function.ToLongFunction;

/** Where a JVM's CPU went: each live thread over a threshold, with its CPU time (a benchmark's end-of-fork line). */
public final class ThreadCpu
{
    private ThreadCpu()
    {
    }

    /**
     * @param title    the line's start.
     * @param minNs    threads under this much CPU are left out.
     * @param perCount for a thread name, a count to divide its CPU by (0: none), shown as "us a request".
     * @return e.g. {@code "# thread CPU ms: main=300 mp-secondary-io=4164 (14.3 us a request, 290872 requests)"}.
     */
    public static String describe(final String title, final long minNs, final ToLongFunction<String> perCount)
    {
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        final StringBuilder cpu = new StringBuilder(title);
        for (final ThreadInfo t : mx.dumpAllThreads(false, false))
        {
            final long ns = mx.getThreadCpuTime(t.getThreadId());
            if (ns > minNs)
            {
                cpu.append(' ').append(t.getThreadName()).append('=').append(ns / 1_000_000L);
                final long n = perCount.applyAsLong(t.getThreadName());
                if (n > 0)
                {
                    cpu.append(String.format(" (%.1f us a request, %d requests)", ns / 1000.0 / n, n));
                }
            }
        }
        return cpu.toString();
    }
}
