package platform.lcore.impl;

import java.util.BitSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.openhft.affinity.Affinity;
import net.openhft.affinity.AffinityLock;

/**
 * Pins with Java-Thread-Affinity. {@code AffinityLock.acquireLock(int[])} is used rather than
 * {@code acquireLock(int)} because the latter never grants CPU 0 (it falls back to "any other CPU", which would
 * silently put the master on a worker's CPU). The lock is a cross-process file lock, so two platforms on one host
 * cannot both pin the same CPU: the second one runs that lcore unpinned, with a warning.
 */
final class AffinityPinner implements CpuPinner
{
    private static final Logger LOG = LoggerFactory.getLogger(AffinityPinner.class);

    @Override
    public Pin pinCurrentThread(final int cpu)
    {
        final String thread = Thread.currentThread().getName();
        final AffinityLock lock;
        try
        {
            lock = AffinityLock.acquireLock(new int[] {cpu});
        }
        catch (final Throwable ex)
        {
            LOG.warn("{}: cannot pin to CPU {} ({}); running unpinned", thread, cpu, ex.toString());
            return UNPINNED;
        }
        if (!lock.isAllocated() || lock.cpuId() != cpu || !lock.isBound())
        {
            lock.release();
            LOG.warn("{}: cannot pin to CPU {} (no such CPU, no permission, or locked by another process); "
                + "running unpinned", thread, cpu);
            return UNPINNED;
        }
        final BitSet now = Affinity.getAffinity();
        if (1 != now.cardinality() || !now.get(cpu))
        {
            lock.release();
            LOG.warn("{}: the OS did not bind the thread to CPU {} (affinity now {}); running unpinned", thread, cpu,
                now);
            return UNPINNED;
        }
        return new Pin()
        {
            @Override
            public boolean pinned()
            {
                return true;
            }

            @Override
            public void release()
            {
                lock.release();
            }
        };
    }
}
