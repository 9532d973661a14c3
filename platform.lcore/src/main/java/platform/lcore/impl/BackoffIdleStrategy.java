package platform.lcore.impl;

import java.util.concurrent.locks.LockSupport;

/**
 * Spin, then yield, then park with an exponentially growing, bounded period; any work resets it. Agrona's
 * {@code BackoffIdleStrategy} in shape. The default parks at most 1 ms, so an idle lcore costs next to nothing
 * and reacts within a millisecond; the scheduler unparks lcores when a job is registered, so a new job does not
 * wait for the park to end.
 */
final class BackoffIdleStrategy extends BackoffPad2 implements IdleStrategy
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

    // the lcore's own backoff state, written on every idle call: on other lines than the wake flags producers touch
    private int state = NOT_IDLE;
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

    /**
     * The caller has published its work with a volatile write or a CAS (a message ring's offer, a volatile flag):
     * that orders the publication before the read of {@code wakePending} here, so while the flag is still set
     * from an earlier wake (a busy lcore clears it only when it next tries to park) the store is skipped, and a
     * busy lcore's producers only read this line.
     */
    @Override
    public void wake(final Thread lcoreThread)
    {
        if (!wakePending)
        {
            wakePending = true;
        }
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

/** Padding (JCTools' byte pads, so no subclass field can fill a gap in them). */
abstract class BackoffPad0
{
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;
}

/** The flags producers read and write on every wake, on a line the lcore writes only when it parks. */
abstract class BackoffWakeFlags extends BackoffPad0
{
    /** Read by producers (through {@code LcoreScheduler.wake}) to unpark this lcore only when it is parked. */
    volatile boolean parked;
    /**
     * Set by producers before they read {@link #parked}; read by the lcore after it set {@code parked} and before
     * it parks. Two volatile writes each followed by a volatile read of the other's flag (Dekker): either the
     * producer sees {@code parked} and unparks, or the lcore sees the wake and skips the park. Without it a wake
     * between the jobs' last look and {@code parked = true} was lost, and the lcore slept a whole park period.
     */
    volatile boolean wakePending;
}

abstract class BackoffPad2 extends BackoffWakeFlags
{
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;
}
