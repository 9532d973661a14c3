package platform.lcore.impl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.JobHandle;
import platform.lcore.api.JobInfo;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreInfo;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;

/**
 * The {@link LcoreScheduler} service as one bundle sees it (one instance per using bundle, made by
 * {@link LcoreRuntime}'s service factory): it records that bundle as the owner of its
 * jobs, and closes the jobs the bundle left registered when the bundle releases the service (it stopped), so a
 * hot-undeployed bundle's code is never called again even if it forgot to close its handles.
 */
final class BundleLcoreScheduler implements LcoreScheduler
{
    private static final Logger LOG = LoggerFactory.getLogger(BundleLcoreScheduler.class);

    private final Scheduler scheduler;
    private final String owner;
    /** Jobs registered through this instance and not closed yet; guarded by itself. */
    private final Set<Scheduler.Registration> open = new HashSet<>();
    private boolean released;

    BundleLcoreScheduler(final Scheduler scheduler, final String owner)
    {
        this.scheduler = scheduler;
        this.owner = owner;
    }

    /**
     * The bundle released the service (it stopped): close what it left registered, refuse anything more.
     */
    void release()
    {
        final List<Scheduler.Registration> left;
        synchronized (open)
        {
            released = true;
            left = new ArrayList<>(open);
            open.clear();
        }
        for (final Scheduler.Registration r : left)
        {
            if (r.isRegistered())
            {
                LOG.warn("{} released the lcore scheduler with {} still registered; closing it", owner, r);
            }
            r.close();
        }
    }

    /**
     * Registers for the using bundle. Refused once the bundle released the service (a thread of a stopped bundle
     * must not leave a job behind that nobody would close).
     */
    @Override
    public JobHandle register(final JobSpec spec)
    {
        final Scheduler.Registration r;
        synchronized (open)
        {
            if (released)
            {
                throw new IllegalStateException(owner + " released the lcore scheduler service; cannot register "
                    + (null == spec ? "a job" : spec.toString()));
            }
            r = (Scheduler.Registration)scheduler.register(spec, owner);
            open.add(r);
        }
        return new JobHandle()
        {
            @Override
            public JobSpec spec()
            {
                return r.spec();
            }

            @Override
            public boolean isRegistered()
            {
                return r.isRegistered();
            }

            @Override
            public boolean isQuarantined()
            {
                return r.isQuarantined();
            }

            @Override
            public void close()
            {
                synchronized (open)
                {
                    open.remove(r);
                }
                r.close();
            }

            @Override
            public String toString()
            {
                return r.toString();
            }
        };
    }

    @Override
    public List<LcoreInfo> lcores()
    {
        return scheduler.lcores();
    }

    @Override
    public List<JobInfo> jobs(final int lcoreId)
    {
        return scheduler.jobs(lcoreId);
    }

    @Override
    public int currentLcoreId()
    {
        return scheduler.currentLcoreId();
    }

    @Override
    public int masterLcoreId()
    {
        return scheduler.masterLcoreId();
    }

    @Override
    public int[] lcoreIds(final LcoreRole role)
    {
        return scheduler.lcoreIds(role);
    }

    @Override
    public void wake(final int lcoreId)
    {
        scheduler.wake(lcoreId);
    }

    @Override
    public void synchronize(final LcoreRole role)
    {
        scheduler.synchronize(role);
    }

    @Override
    public void resetStats()
    {
        scheduler.resetStats();
    }

    @Override
    public boolean resume(final LcoreRole role, final String name)
    {
        return scheduler.resume(role, name);
    }
}
