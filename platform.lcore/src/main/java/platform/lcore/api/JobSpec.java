package platform.lcore.api;

import java.util.Objects;

/**
 * What to register: a named job of one type for one role ({@code struct dpvs_lcore_job} in DPVS).
 * Constructing one validates it, so a bad registration is rejected before it reaches the scheduler.
 */
public final class JobSpec
{
    /** Longest job name; DPVS keeps 32 bytes with the terminating NUL. */
    public static final int MAX_NAME_LENGTH = 31;

    private final String name;
    private final LcoreRole role;
    private final JobType type;
    private final int skipLoops;
    private final LcoreJob job;

    private JobSpec(final String name, final LcoreRole role, final JobType type, final int skipLoops, final LcoreJob job)
    {
        if (null == name || name.isBlank())
        {
            throw new IllegalArgumentException("job name is missing");
        }
        if (name.length() > MAX_NAME_LENGTH || !name.chars().allMatch(c -> c > ' ' && c < 127))
        {
            throw new IllegalArgumentException("job name '" + name + "' must be 1.." + MAX_NAME_LENGTH
                + " printable ASCII characters without spaces");
        }
        if (null == role)
        {
            throw new IllegalArgumentException("job '" + name + "': role is null");
        }
        if (null == type)
        {
            throw new IllegalArgumentException("job '" + name + "': type is null");
        }
        if (null == job)
        {
            throw new IllegalArgumentException("job '" + name + "': work is null");
        }
        if (JobType.SLOW == type && skipLoops <= 0)
        {
            throw new IllegalArgumentException("SLOW job '" + name + "' needs skipLoops > 0, got " + skipLoops);
        }
        if (JobType.SLOW != type && 0 != skipLoops)
        {
            throw new IllegalArgumentException(type + " job '" + name + "' takes no skipLoops (only SLOW does), got "
                + skipLoops);
        }
        this.name = name;
        this.role = role;
        this.type = type;
        this.skipLoops = skipLoops;
        this.job = job;
    }

    /**
     * A job run once on every lcore of {@code role}.
     *
     * @param name unique within the role.
     * @param role the lcores that run it.
     * @param job  the work; its return value is ignored.
     * @return the validated spec.
     */
    public static JobSpec init(final String name, final LcoreRole role, final LcoreJob job)
    {
        return new JobSpec(name, role, JobType.INIT, 0, job);
    }

    /**
     * A job run on every iteration of every lcore of {@code role}.
     *
     * @param name unique within the role.
     * @param role the lcores that run it.
     * @param job  the work.
     * @return the validated spec.
     */
    public static JobSpec loop(final String name, final LcoreRole role, final LcoreJob job)
    {
        return new JobSpec(name, role, JobType.LOOP, 0, job);
    }

    /**
     * A job run every {@code skipLoops} iterations of every lcore of {@code role}.
     *
     * @param name      unique within the role.
     * @param role      the lcores that run it.
     * @param skipLoops period in iterations, &gt; 0.
     * @param job       the work.
     * @return the validated spec.
     */
    public static JobSpec slow(final String name, final LcoreRole role, final int skipLoops, final LcoreJob job)
    {
        return new JobSpec(name, role, JobType.SLOW, skipLoops, job);
    }

    /**
     * The general form, for callers that hold the type as data.
     *
     * @param name      unique within the role.
     * @param role      the lcores that run it.
     * @param type      INIT, LOOP or SLOW.
     * @param skipLoops &gt; 0 for SLOW, 0 otherwise.
     * @param job       the work.
     * @return the validated spec.
     */
    public static JobSpec of(final String name, final LcoreRole role, final JobType type, final int skipLoops,
        final LcoreJob job)
    {
        return new JobSpec(name, role, type, skipLoops, job);
    }

    public String name()
    {
        return name;
    }

    public LcoreRole role()
    {
        return role;
    }

    public JobType type()
    {
        return type;
    }

    public int skipLoops()
    {
        return skipLoops;
    }

    public LcoreJob job()
    {
        return job;
    }

    @Override
    public String toString()
    {
        return type + " job '" + name + "' for " + role + (JobType.SLOW == type ? " every " + skipLoops + " loops" : "");
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(name, role);
    }

    @Override
    public boolean equals(final Object obj)
    {
        return obj instanceof JobSpec && ((JobSpec)obj).name.equals(name) && ((JobSpec)obj).role == role
            && ((JobSpec)obj).type == type && ((JobSpec)obj).skipLoops == skipLoops && ((JobSpec)obj).job == job;
    }
}
