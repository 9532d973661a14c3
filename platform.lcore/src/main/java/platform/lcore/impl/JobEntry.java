package platform.lcore.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import platform.common.LogLimiter;
import platform.lcore.api.JobSpec;
import platform.lcore.api.JobState;
import platform.lcore.api.JobType;
import platform.lcore.api.LcoreJob;
import platform.lcore.api.LcoreScheduler;

/**
 * A registered job as the lcores see it: the work, its state and one {@link JobCounters} per lcore of its role.
 * The state is read by every lcore before every call, so that a closed or quarantined job is skipped even by an
 * iteration that started from an older job array.
 */
final class JobEntry
{
    static final int ACTIVE = 0;
    static final int QUARANTINED = 1;
    static final int CLOSED = 2;

    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(JobEntry.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final JobSpec spec;
    final String owner;
    final LcoreJob job;
    final JobType type;
    /** 0 for LOOP jobs: called every iteration. */
    final int skipLoops;
    /** Indexed by lcore id; null for lcores of other roles. */
    final JobCounters[] counters = new JobCounters[LcoreScheduler.MAX_LCORES];

    /** One failure log line a second per job, across its lcores. */
    final LogLimiter failureLog = new LogLimiter(1_000_000_000L);

    @SuppressWarnings("unused")
    private volatile int state = ACTIVE;

    JobEntry(final JobSpec spec, final String owner, final int[] lcoreIds)
    {
        this.spec = spec;
        this.owner = owner;
        this.job = spec.job();
        this.type = spec.type();
        this.skipLoops = JobType.SLOW == spec.type() ? spec.skipLoops() : 0;
        for (final int id : lcoreIds)
        {
            counters[id] = new JobCounters();
        }
    }

    /**
     * @return the state, with volatile semantics: the load an lcore does before each call.
     */
    int lvState()
    {
        return (int)STATE.getVolatile(this);
    }

    /**
     * Stores the state with volatile semantics (a full fence after it), pairing with the lcore's volatile
     * iteration counter in the grace-period protocol.
     */
    void svState(final int newState)
    {
        STATE.setVolatile(this, newState);
    }

    boolean casState(final int expected, final int newState)
    {
        return STATE.compareAndSet(this, expected, newState);
    }

    JobState publicState()
    {
        switch (lvState())
        {
            case ACTIVE:
                return JobState.ACTIVE;
            case QUARANTINED:
                return JobState.QUARANTINED;
            default:
                return JobState.CLOSED;
        }
    }

    @Override
    public String toString()
    {
        return spec.type() + " job '" + spec.name() + "' (" + spec.role() + ", owner " + owner + ")";
    }
}
