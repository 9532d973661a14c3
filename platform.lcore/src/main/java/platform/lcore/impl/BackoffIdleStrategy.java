package platform.lcore.impl;

import java.util.concurrent.locks.LockSupport;

/**
 * Spin, then yield, then park with an exponentially growing, bounded period; any work resets it. Agrona's
 * {@code BackoffIdleStrategy} in shape. The default parks at most 1 ms, so an idle lcore costs next to nothing
 * and reacts within a millisecond; the scheduler unparks lcores when a job is registered, so a new job does not
 * wait for the park to end.
 */
final class BackoffIdleStrategy implements IdleStrategy
{
    static final long DEFAULT_MAX_SPINS = 100;
    static final long DEFAULT_MAX_YIELDS = 10;
    static final long DEFAULT_MIN_PARK_NS = 1_000;
    static final long DEFAULT_MAX_PARK_NS = 1_000_000;

    private static final int NOT_IDLE = 0;
    private static final int SPINNING = 1;
    private static final int YIELDING = 2;
    private static final int PARKING = 3;

    private final long maxSpins;
    private final long maxYields;
    private final long minParkPeriodNs;
    private final long maxParkPeriodNs;

    private int state = NOT_IDLE;
    /** Read by producers (through {@code LcoreScheduler.wake}) to unpark this lcore only when it is parked. */
    private volatile boolean parked;
    /**
     * Set by producers before they read {@link #parked}; read by the lcore after it set {@code parked} and before
     * it parks. Two volatile writes each followed by a volatile read of the other's flag (Dekker): either the
     * producer sees {@code parked} and unparks, or the lcore sees the wake and skips the park. Without it a wake
     * between the jobs' last look and {@code parked = true} was lost, and the lcore slept a whole park period.
     */
    private volatile boolean wakePending;
    private long spins;
    private long yields;
    private long parkPeriodNs;

    BackoffIdleStrategy(final long maxSpins, final long maxYields, final long minParkPeriodNs,
        final long maxParkPeriodNs)
    {
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.minParkPeriodNs = minParkPeriodNs;
        this.maxParkPeriodNs = maxParkPeriodNs;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
            return;
        }
        switch (state)
        {
            case NOT_IDLE:
                state = SPINNING;
                spins = 1;
                Thread.onSpinWait();
                break;
            case SPINNING:
                Thread.onSpinWait();
                if (++spins > maxSpins)
                {
                    state = YIELDING;
                    yields = 0;
                }
                break;
            case YIELDING:
                if (++yields > maxYields)
                {
                    state = PARKING;
                    parkPeriodNs = minParkPeriodNs;
                }
                else
                {
                    Thread.yield();
                }
                break;
            default:
                parked = true;
                if (wakePending)
                {
                    // work was published after the jobs looked: run them again at once
                    parked = false;
                    wakePending = false;
                    break;
                }
                LockSupport.parkNanos(parkPeriodNs);
                parked = false;
                if (wakePending)
                {
                    wakePending = false; // this wake is being answered by the next iteration
                }
                parkPeriodNs = Math.min(parkPeriodNs << 1, maxParkPeriodNs);
                break;
        }
    }

    @Override
    public void wake(final Thread lcoreThread)
    {
        wakePending = true;
        if (parked)
        {
            LockSupport.unpark(lcoreThread);
        }
    }

    @Override
    public boolean isParked()
    {
        return parked;
    }

    /**
     * @return true once spinning and yielding are exhausted and idle calls park.
     */
    boolean isParking()
    {
        return PARKING == state;
    }

    @Override
    public void reset()
    {
        state = NOT_IDLE;
        spins = 0;
        yields = 0;
        parkPeriodNs = minParkPeriodNs;
    }

    @Override
    public String describe()
    {
        if (DEFAULT_MAX_SPINS == maxSpins && DEFAULT_MAX_YIELDS == maxYields && DEFAULT_MIN_PARK_NS == minParkPeriodNs
            && DEFAULT_MAX_PARK_NS == maxParkPeriodNs)
        {
            return "backoff";
        }
        return "backoff:" + maxSpins + "," + maxYields + "," + minParkPeriodNs / 1000 + "," + maxParkPeriodNs / 1000;
    }
}
