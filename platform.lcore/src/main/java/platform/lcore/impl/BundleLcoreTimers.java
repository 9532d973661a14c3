package platform.lcore.impl;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.lcore.api.LcoreTimer;
import platform.lcore.api.LcoreTimers;
import platform.lcore.api.TimerHandle;
import platform.lcore.api.TimerInfo;

/**
 * The {@link LcoreTimers} service as one bundle sees it (one instance per using bundle, made by {@link LcoreRuntime}'s
 * service factory, as {@link BundleLcoreScheduler} is for jobs): its timers carry the bundle as owner, and when the
 * bundle releases the service (it stopped) the timers it left are cancelled on their lcores, so a hot-undeployed
 * bundle's callbacks are never called again even if it forgot to cancel them. It keeps no list of the bundle's
 * timers (that would cost a lock or an allocation per schedule and per firing): each lcore finds them in its own
 * wheel.
 */
final class BundleLcoreTimers implements LcoreTimers
{
    private static final Logger LOG = LoggerFactory.getLogger(BundleLcoreTimers.class);

    private final Timers timers;
    private final TimerOwner owner;

    BundleLcoreTimers(final Timers timers, final String owner)
    {
        this.timers = timers;
        this.owner = new TimerOwner(owner);
    }

    /**
     * The bundle released the service: refuse new timers, cancel its timers on every lcore and wait until no
     * callback of it runs any more.
     */
    void release()
    {
        owner.released = true;
        final int n = timers.purge(owner);
        if (n > 0)
        {
            LOG.warn("{} released the lcore timers service with {} timers pending; cancelled them", owner, n);
        }
    }

    @Override
    public TimerHandle schedule(final int lcoreId, final long delayNs, final LcoreTimer timer)
    {
        checkNotReleased();
        return timers.schedule(lcoreId, delayNs, 0, timer, owner);
    }

    @Override
    public TimerHandle schedulePeriodic(final int lcoreId, final long delayNs, final long periodNs,
        final LcoreTimer timer)
    {
        checkNotReleased();
        if (0 == periodNs)
        {
            throw new IllegalArgumentException("timer period 0 ns is out of range 1.." + MAX_DELAY_NS);
        }
        return timers.schedule(lcoreId, delayNs, periodNs, timer, owner);
    }

    private void checkNotReleased()
    {
        if (owner.released)
        {
            throw new IllegalStateException(owner + " released the lcore timers service; cannot schedule a timer");
        }
    }

    @Override
    public long tickNs()
    {
        return timers.tickNs();
    }

    @Override
    public List<TimerInfo> timerStats()
    {
        return timers.timerStats();
    }
}
