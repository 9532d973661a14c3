package bench.util;

import platform.lcore.api.LcoreJob;

/**
 * No-op jobs ({@code doWork} returns 0) for the loop-overhead benchmarks, in two shapes:
 * <ul>
 * <li>{@link #SAME_CLASS}: N instances of one final class. The lcore's job call site stays monomorphic, so the JIT
 * inlines {@code doWork} behind one type check: the cheapest case, and the one a single-feature lcore sees.</li>
 * <li>{@link #DISTINCT_CLASSES}: N jobs of N different classes (32 lambdas written out below; each lambda
 * expression is its own class). With more than two classes the call site is megamorphic and every call is an
 * itable dispatch, as on an lcore that runs several features' jobs.</li>
 * </ul>
 * Each JMH fork runs one parameter combination, so one shape's type profile never pollutes the other's.
 */
public final class NoOpJobs
{
    /** N instances of {@link NoOpJob}. */
    public static final String SAME_CLASS = "same-class";
    /** N jobs of N distinct classes. */
    public static final String DISTINCT_CLASSES = "distinct-classes";
    /** The most jobs {@link #DISTINCT_CLASSES} offers. */
    public static final int MAX_DISTINCT = 32;

    private static final LcoreJob[] DISTINCT = {
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0,
        id -> 0
    };

    private NoOpJobs()
    {
    }

    /**
     * @param shape {@link #SAME_CLASS} or {@link #DISTINCT_CLASSES}.
     * @param count how many, 1..{@link #MAX_DISTINCT} for distinct classes.
     * @return {@code count} distinct job objects.
     */
    public static LcoreJob[] create(final String shape, final int count)
    {
        final LcoreJob[] jobs = new LcoreJob[count];
        switch (shape)
        {
            case SAME_CLASS:
                for (int i = 0; i < count; i++)
                {
                    jobs[i] = new NoOpJob();
                }
                return jobs;
            case DISTINCT_CLASSES:
                if (count > MAX_DISTINCT)
                {
                    throw new IllegalArgumentException(count + " jobs of distinct classes; at most " + MAX_DISTINCT);
                }
                System.arraycopy(DISTINCT, 0, jobs, 0, count);
                return jobs;
            default:
                throw new IllegalArgumentException("unknown job shape '" + shape + "'; use " + SAME_CLASS + " or "
                    + DISTINCT_CLASSES);
        }
    }

    /**
     * A job with nothing to do.
     */
    public static final class NoOpJob implements LcoreJob
    {
        @Override
        public int doWork(final int lcoreId)
        {
            return 0;
        }
    }
}
