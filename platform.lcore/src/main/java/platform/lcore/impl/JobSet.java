package platform.lcore.impl;

/**
 * The immutable job arrays of one role, published as a whole (copy-on-write) and read by each lcore once per
 * iteration with a single volatile load.
 */
final class JobSet
{
    static final JobSet EMPTY = new JobSet(new JobEntry[0], new JobEntry[0]);

    /** LOOP and SLOW jobs in order of registration. */
    final JobEntry[] loopJobs;
    /** INIT jobs in order of registration. */
    final JobEntry[] initJobs;

    JobSet(final JobEntry[] loopJobs, final JobEntry[] initJobs)
    {
        this.loopJobs = loopJobs;
        this.initJobs = initJobs;
    }

    JobEntry find(final String name)
    {
        for (final JobEntry e : loopJobs)
        {
            if (e.spec.name().equals(name))
            {
                return e;
            }
        }
        for (final JobEntry e : initJobs)
        {
            if (e.spec.name().equals(name))
            {
                return e;
            }
        }
        return null;
    }

    JobSet with(final JobEntry entry)
    {
        if (platform.lcore.api.JobType.INIT == entry.type)
        {
            return new JobSet(loopJobs, append(initJobs, entry));
        }
        return new JobSet(append(loopJobs, entry), initJobs);
    }

    JobSet without(final JobEntry entry)
    {
        return new JobSet(remove(loopJobs, entry), remove(initJobs, entry));
    }

    private static JobEntry[] append(final JobEntry[] a, final JobEntry e)
    {
        final JobEntry[] b = java.util.Arrays.copyOf(a, a.length + 1);
        b[a.length] = e;
        return b;
    }

    private static JobEntry[] remove(final JobEntry[] a, final JobEntry e)
    {
        int n = 0;
        final JobEntry[] b = new JobEntry[a.length];
        for (final JobEntry x : a)
        {
            if (x != e)
            {
                b[n++] = x;
            }
        }
        return n == a.length ? a : java.util.Arrays.copyOf(b, n);
    }
}
