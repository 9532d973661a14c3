package platform.lcore.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.JobHandle;
import platform.lcore.api.JobInfo;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreInfo;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.LcoreState;

/**
 * The lcore job scheduler: DPVS's {@code src/scheduler.c} opened to registration and unregistration at any time.
 * <p>
 * Registration changes are published copy-on-write per role (see {@link RoleJobs}); the lcores never lock.
 * Unregistration waits for a grace period (see {@link Lcore}). Plain Java, so that its rules are unit-tested
 * without a framework; {@link LcoreRuntime} runs it in OSGi.
 */
final class Scheduler
{
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    private static final long SLOW_GRACE_WARN_NS = TimeUnit.SECONDS.toNanos(1);

    final SchedulerConfig config;
    final CpuPinner pinner;
    /** By lcore id; null where no lcore is configured. */
    private final Lcore[] byId = new Lcore[LcoreScheduler.MAX_LCORES];
    /** Configured lcores, ascending id. */
    private final Lcore[] lcores;
    /** By role ordinal. */
    private final RoleJobs[] roleJobs = new RoleJobs[LcoreRole.values().length];
    /** By role ordinal: the lcores of that role. */
    private final Lcore[][] lcoresOfRole = new Lcore[LcoreRole.values().length][];
    private final int masterId;
    private final Object registryLock = new Object();
    private boolean started;

    Scheduler(final SchedulerConfig config, final CpuPinner pinner)
    {
        this.config = config;
        this.pinner = pinner;
        for (final LcoreRole role : LcoreRole.values())
        {
            roleJobs[role.ordinal()] = new RoleJobs();
        }
        final List<Lcore> all = new ArrayList<>();
        int master = -1;
        for (final LcoreConfig lc : config.lcores)
        {
            final Lcore l = new Lcore(this, lc, roleJobs[lc.role().ordinal()], config.bigLoopNs(lc.role()),
                config.quarantineFailures, config.jobTimingSample);
            byId[lc.id()] = l;
            all.add(l);
            if (LcoreRole.MASTER == lc.role())
            {
                master = lc.id();
            }
        }
        this.lcores = all.toArray(new Lcore[0]);
        this.masterId = master;
        for (final LcoreRole role : LcoreRole.values())
        {
            final List<Lcore> ofRole = new ArrayList<>();
            for (final Lcore l : lcores)
            {
                if (l.role == role)
                {
                    ofRole.add(l);
                }
            }
            lcoresOfRole[role.ordinal()] = ofRole.toArray(new Lcore[0]);
        }
    }

    /**
     * Starts one thread per lcore. Jobs registered before this call run from the first iteration.
     */
    void start()
    {
        synchronized (registryLock)
        {
            if (started)
            {
                throw new IllegalStateException("scheduler already started");
            }
            started = true;
        }
        for (final Lcore l : lcores)
        {
            final Thread t = new Lcore.LcoreThread(l);
            t.setDaemon(true);
            l.running = true;
            l.thread = t;
            t.start();
        }
        // callers (the service registration, Gogo) see running lcores, not threads still pinning themselves
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (final Lcore l : lcores)
        {
            while (LcoreState.RUNNING != l.state && LcoreState.STOPPED != l.state && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(100_000);
            }
        }
        LOG.info("started {} lcores from {}", lcores.length, config.source);
    }

    /**
     * Stops every lcore: each finishes its iteration, releases its CPU and ends; joined with a timeout, interrupted
     * only if the join times out.
     *
     * @param timeoutMs how long to wait for each lcore.
     * @return true when every lcore thread ended.
     */
    boolean stop(final long timeoutMs)
    {
        for (final Lcore l : lcores)
        {
            l.running = false;
            final Thread t = l.thread;
            if (null != t)
            {
                LockSupport.unpark(t);
            }
        }
        boolean allStopped = true;
        for (final Lcore l : lcores)
        {
            final Thread t = l.thread;
            if (null == t || t == Thread.currentThread())
            {
                continue;
            }
            try
            {
                t.join(timeoutMs);
                if (t.isAlive())
                {
                    LOG.warn("lcore {} did not stop within {} ms (a job is blocking); interrupting it", l.id,
                        timeoutMs);
                    t.interrupt();
                    t.join(timeoutMs);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive())
            {
                allStopped = false;
                LOG.error("lcore {} is still running after stop; its job {} does not return", l.id, l.currentEntry);
            }
        }
        return allStopped;
    }

    JobHandle register(final JobSpec spec, final String owner)
    {
        if (null == spec)
        {
            throw new IllegalArgumentException("job spec is null");
        }
        final LcoreRole role = spec.role();
        final Lcore[] ofRole = lcoresOfRole[role.ordinal()];
        final int[] ids = new int[ofRole.length];
        for (int i = 0; i < ofRole.length; i++)
        {
            ids[i] = ofRole[i].id;
        }
        final JobEntry entry = new JobEntry(spec, null == owner ? "unknown" : owner, ids);
        synchronized (registryLock)
        {
            final RoleJobs rj = roleJobs[role.ordinal()];
            final JobEntry existing = rj.set.find(spec.name());
            if (null != existing)
            {
                throw new IllegalStateException("job '" + spec.name() + "' is already registered for " + role + " by "
                    + existing.owner);
            }
            rj.set = rj.set.with(entry);
        }
        for (final Lcore l : ofRole)
        {
            final Thread t = l.thread;
            if (null != t)
            {
                LockSupport.unpark(t);
            }
        }
        LOG.debug("registered {}", entry);
        return new Registration(entry);
    }

    void unregister(final JobEntry entry)
    {
        synchronized (registryLock)
        {
            if (JobEntry.CLOSED != entry.lvState())
            {
                entry.svState(JobEntry.CLOSED);
                final RoleJobs rj = roleJobs[entry.spec.role().ordinal()];
                rj.set = rj.set.without(entry);
                LOG.debug("unregistered {}", entry);
            }
        }
        awaitGracePeriod(entry.spec.role(), entry);
    }

    /**
     * Waits until every lcore of the role that was inside an iteration has left it (the API's
     * {@code synchronize}).
     *
     * @param role the role.
     */
    void synchronize(final LcoreRole role)
    {
        awaitGracePeriod(role, null);
    }

    /**
     * Waits until no lcore of the entry's role can still be inside a call of it: each lcore that was inside an
     * iteration has left it. Does not wait for the calling lcore, nor for an lcore that is itself waiting here
     * from inside another job.
     *
     * @param role  the role whose lcores may be inside a call.
     * @param entry the job closed, or null when the caller published something else the role's jobs read.
     */
    private void awaitGracePeriod(final LcoreRole role, final JobEntry entry)
    {
        final Lcore self = currentLcore();
        if (null != self)
        {
            self.inGraceWait = true;
        }
        try
        {
            for (final Lcore l : lcoresOfRole[role.ordinal()])
            {
                if (l == self)
                {
                    continue;
                }
                final long snapshot = l.lvIteration();
                if (0 == (snapshot & 1))
                {
                    continue;
                }
                final long startNs = System.nanoTime();
                boolean warned = false;
                int spins = 0;
                while (l.lvIteration() == snapshot && !(l.inGraceWait && l.currentEntry != entry))
                {
                    if (spins < 100)
                    {
                        spins++;
                        Thread.onSpinWait();
                    }
                    else if (spins < 110)
                    {
                        spins++;
                        Thread.yield();
                    }
                    else
                    {
                        LockSupport.parkNanos(20_000);
                        if (!warned && System.nanoTime() - startNs > SLOW_GRACE_WARN_NS)
                        {
                            warned = true;
                            LOG.warn("{} waits for lcore {}, which has been inside one iteration for over 1 s "
                                + "(running {})", null == entry ? "a grace period" : "unregistering " + entry, l.id,
                                l.currentEntry);
                        }
                    }
                }
            }
        }
        finally
        {
            if (null != self)
            {
                self.inGraceWait = false;
            }
        }
    }

    void logJobFailure(final Lcore lcore, final JobEntry e, final Throwable th)
    {
        final long left = e.failureLog.admit(System.nanoTime());
        if (left >= 0)
        {
            LOG.warn("lcore {}: {} threw{}", lcore.id, e,
                0 == left ? "" : " (" + left + " more failures not logged in the last second)", th);
        }
    }

    Lcore currentLcore()
    {
        final Thread t = Thread.currentThread();
        if (t instanceof Lcore.LcoreThread)
        {
            final Lcore l = ((Lcore.LcoreThread)t).lcore;
            if (l.scheduler == this)
            {
                return l;
            }
        }
        return null;
    }

    int currentLcoreId()
    {
        final Lcore l = currentLcore();
        return null == l ? -1 : l.id;
    }

    /**
     * @param id an lcore id.
     * @return that lcore, or null when none is configured with that id.
     */
    Lcore lcore(final int id)
    {
        return id >= 0 && id < byId.length ? byId[id] : null;
    }

    void wake(final int lcoreId)
    {
        final Lcore l = lcore(lcoreId);
        if (null != l)
        {
            l.wake();
        }
    }

    int masterLcoreId()
    {
        return masterId;
    }

    /**
     * @return ids of every configured lcore, ascending.
     */
    int[] lcoreIds()
    {
        final int[] ids = new int[lcores.length];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = lcores[i].id;
        }
        return ids;
    }

    int[] lcoreIds(final LcoreRole role)
    {
        final Lcore[] ofRole = lcoresOfRole[role.ordinal()];
        final int[] ids = new int[ofRole.length];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = ofRole[i].id;
        }
        return ids;
    }

    List<LcoreInfo> lcores()
    {
        final List<LcoreInfo> out = new ArrayList<>(lcores.length);
        for (final Lcore l : lcores)
        {
            final LcoreState state = l.state;
            final boolean live = LcoreState.RUNNING == state || LcoreState.INIT == state;
            out.add(new LcoreInfo(l.id, l.role, l.config.cpu(), l.pinned, state, l.idleDescription(), l.loops,
                live ? l.loopsPerSec : 0, live ? l.idlePercent : 100.0, l.longestLoopNs, l.bigLoops,
                config.bigLoopNs(l.role), l.offCpuLoops));
        }
        return Collections.unmodifiableList(out);
    }

    List<JobInfo> jobs(final int lcoreId)
    {
        final List<JobInfo> out = new ArrayList<>();
        for (final Lcore l : lcores)
        {
            if (lcoreId >= 0 && l.id != lcoreId)
            {
                continue;
            }
            final JobSet set = roleJobs[l.role.ordinal()].set;
            addJobs(out, l.id, set.initJobs);
            addJobs(out, l.id, set.loopJobs);
        }
        if (lcoreId < 0)
        {
            // jobs of roles no lcore has: registered, waiting for such an lcore, shown with lcore -1
            for (final LcoreRole role : LcoreRole.values())
            {
                if (0 == lcoresOfRole[role.ordinal()].length)
                {
                    final JobSet set = roleJobs[role.ordinal()].set;
                    addIdleJobs(out, set.initJobs);
                    addIdleJobs(out, set.loopJobs);
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * @return every registered job of every role, including roles without lcores (for listings).
     */
    List<JobEntry> entries()
    {
        final List<JobEntry> out = new ArrayList<>();
        for (final RoleJobs rj : roleJobs)
        {
            final JobSet set = rj.set;
            Collections.addAll(out, set.initJobs);
            Collections.addAll(out, set.loopJobs);
        }
        return out;
    }

    private static void addJobs(final List<JobInfo> out, final int lcoreId, final JobEntry[] entries)
    {
        for (final JobEntry e : entries)
        {
            final JobCounters c = e.counters[lcoreId];
            out.add(new JobInfo(e.spec.name(), e.spec.role(), e.spec.type(), e.spec.skipLoops(), lcoreId, e.owner,
                c.calls, c.timedCalls, c.totalNs, c.maxNs, c.failures, e.publicState()));
        }
    }

    private static void addIdleJobs(final List<JobInfo> out, final JobEntry[] entries)
    {
        for (final JobEntry e : entries)
        {
            out.add(new JobInfo(e.spec.name(), e.spec.role(), e.spec.type(), e.spec.skipLoops(), -1, e.owner, 0, 0, 0, 0,
                0, e.publicState()));
        }
    }

    void resetStats()
    {
        for (final Lcore l : lcores)
        {
            final LcoreState state = l.state;
            if (LcoreState.NEW == state || LcoreState.STOPPED == state)
            {
                // no lcore thread writes these any more (or yet)
                l.loops = 0;
                l.longestLoopNs = 0;
                l.bigLoops = 0;
                l.offCpuLoops = 0;
                l.resetJobCounters(roleJobs[l.role.ordinal()].set);
            }
            else
            {
                l.resetRequests++;
                LockSupport.unpark(l.thread);
            }
        }
    }

    boolean resume(final LcoreRole role, final String name)
    {
        final JobEntry e = roleJobs[role.ordinal()].set.find(name);
        if (null == e)
        {
            return false;
        }
        if (e.casState(JobEntry.QUARANTINED, JobEntry.ACTIVE))
        {
            LOG.info("{} resumed from quarantine", e);
        }
        return true;
    }

    /**
     * The handle given to the registrant.
     */
    final class Registration implements JobHandle
    {
        final JobEntry entry;

        Registration(final JobEntry entry)
        {
            this.entry = entry;
        }

        @Override
        public JobSpec spec()
        {
            return entry.spec;
        }

        @Override
        public boolean isRegistered()
        {
            return JobEntry.CLOSED != entry.lvState();
        }

        @Override
        public boolean isQuarantined()
        {
            return JobEntry.QUARANTINED == entry.lvState();
        }

        @Override
        public void close()
        {
            unregister(entry);
        }

        @Override
        public String toString()
        {
            return entry.toString();
        }
    }
}
