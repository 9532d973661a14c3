package platform.lcore.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreJob;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.LcoreTimer;
import platform.lcore.api.LcoreTimers;
import platform.lcore.api.TimerHandle;
import platform.lcore.api.TimerInfo;

/**
 * Per-lcore timers (DPVS's {@code dpvs_timer}): one {@link LcoreTimerWheel} per configured lcore, driven by a
 * {@code timer_manage} LOOP job that is registered for a role the first time a timer is scheduled on one of its
 * lcores (DPVS registers it everywhere; here lcores that never use timers do not pay for the job).
 * <p>
 * Plain Java like {@link Scheduler}; {@link LcoreRuntime} offers it as the bundle-scoped {@link LcoreTimers} service
 * through {@link BundleLcoreTimers}.
 */
final class Timers
{
    static final String JOB_NAME = "timer_manage";
    static final String OWNER = "platform.lcore";

    private static final Logger LOG = LoggerFactory.getLogger(Timers.class);

    private final Scheduler scheduler;
    private final long tickNs;
    /** By lcore id; null where no lcore is configured. */
    private final LcoreTimerWheel[] wheels = new LcoreTimerWheel[LcoreScheduler.MAX_LCORES];
    /** One job object for every role: it only indexes the wheels, so it holds no per-role state. */
    private final LcoreJob manage = this::manage;
    private final Object jobLock = new Object();

    Timers(final Scheduler scheduler)
    {
        this.scheduler = scheduler;
        this.tickNs = scheduler.config.timerTickNs;
        for (final LcoreConfig lc : scheduler.config.lcores)
        {
            wheels[lc.id()] = new LcoreTimerWheel(scheduler.lcore(lc.id()), tickNs, scheduler.config.timerWheelTicks);
        }
    }

    private int manage(final int lcoreId)
    {
        return wheels[lcoreId].doWork();
    }

    long tickNs()
    {
        return tickNs;
    }

    LcoreTimerWheel wheel(final int lcoreId)
    {
        return lcoreId >= 0 && lcoreId < wheels.length ? wheels[lcoreId] : null;
    }

    /**
     * Schedules a timer; see {@link LcoreTimers}.
     *
     * @param periodNs 0 for a one-shot timer.
     * @param owner    who is answerable for it, or null (tests).
     */
    TimerHandle schedule(final int lcoreId, final long delayNs, final long periodNs, final LcoreTimer timer,
        final TimerOwner owner)
    {
        final LcoreTimerWheel w = wheel(lcoreId);
        if (null == w)
        {
            throw new IllegalArgumentException("no lcore " + lcoreId + " to schedule a timer on; configured lcores are "
                + Arrays.toString(scheduler.lcoreIds()));
        }
        if (delayNs < 0 || delayNs > LcoreTimers.MAX_DELAY_NS)
        {
            throw new IllegalArgumentException("timer delay " + delayNs + " ns is out of range 0.."
                + LcoreTimers.MAX_DELAY_NS);
        }
        if (periodNs < 0 || periodNs > LcoreTimers.MAX_DELAY_NS)
        {
            throw new IllegalArgumentException("timer period " + periodNs + " ns is out of range 1.."
                + LcoreTimers.MAX_DELAY_NS);
        }
        if (null == timer)
        {
            throw new IllegalArgumentException("timer callback is null");
        }
        if (!w.managed)
        {
            registerManageJob(w.lcore.role);
        }
        final TimerEntry e = new TimerEntry(w, owner, timer, periodNs, System.nanoTime() + delayNs);
        w.submit(e);
        return e;
    }

    private void registerManageJob(final LcoreRole role)
    {
        synchronized (jobLock)
        {
            final int[] ids = scheduler.lcoreIds(role);
            if (wheels[ids[0]].managed)
            {
                return;
            }
            scheduler.register(JobSpec.loop(JOB_NAME, role, manage), OWNER);
            for (final int id : ids)
            {
                wheels[id].managed = true;
            }
            LOG.info("timer_manage registered for {} lcores {}", role, Arrays.toString(ids));
        }
    }

    /**
     * Cancels every timer of an owner that has been released ({@link TimerOwner#released} set before): each lcore
     * with timers purges them from its wheel itself; this waits until each has (so none of the owner's callbacks is
     * running any more), except for the calling lcore, which purges inline.
     *
     * @return timers cancelled.
     */
    int purge(final TimerOwner owner)
    {
        final List<LcoreTimerWheel.Purge> sent = new ArrayList<>();
        final List<LcoreTimerWheel> to = new ArrayList<>();
        int purged = 0;
        for (final LcoreTimerWheel w : wheels)
        {
            if (null == w || !w.managed)
            {
                continue;
            }
            final LcoreTimerWheel.Purge p = new LcoreTimerWheel.Purge(owner);
            if (w.isLcoreThread())
            {
                w.purge(p);
                purged += p.purged;
            }
            else
            {
                w.requestPurge(p);
                sent.add(p);
                to.add(w);
            }
        }
        for (int i = 0; i < sent.size(); i++)
        {
            final LcoreTimerWheel.Purge p = sent.get(i);
            to.get(i).awaitPurge(p);
            purged += p.purged;
        }
        return purged;
    }

    List<TimerInfo> timerStats()
    {
        final List<TimerInfo> out = new ArrayList<>();
        for (final LcoreTimerWheel w : wheels)
        {
            if (null != w)
            {
                out.add(new TimerInfo(w.lcoreId, w.pending(), w.fired, w.cancelled, w.failures));
            }
        }
        return Collections.unmodifiableList(out);
    }
}
