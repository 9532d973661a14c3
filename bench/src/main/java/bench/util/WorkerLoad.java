package bench.util;

/**
 * The two states the worker lcore is in when a timed register or close starts, as a JMH parameter value.
 */
public final class WorkerLoad
{
    /**
     * No other job; the measured job reports no work, so the backoff idle strategy never resets, and each timed
     * operation starts after {@link #IDLE_GAP_US} of idling: the worker is parked (backoff parks from about 15 us
     * of idling on, for periods doubling up to 1 ms), and registering must wake it.
     */
    public static final String IDLE = "idle";
    /**
     * A {@link BusyJob} is registered for the whole trial, so the worker iterates back to back; no gap. Register
     * measures publication and pick-up without a wake-up; close measures a real grace period.
     */
    public static final String BUSY = "busy";
    /** Idle time before each timed operation in the {@link #IDLE} case, microseconds. */
    public static final long IDLE_GAP_US = 1_000;

    private WorkerLoad()
    {
    }

    /**
     * @param load {@link #IDLE} or {@link #BUSY}.
     * @return true for {@link #BUSY}.
     * @throws IllegalArgumentException for anything else.
     */
    public static boolean isBusy(final String load)
    {
        switch (load)
        {
            case IDLE:
                return false;
            case BUSY:
                return true;
            default:
                throw new IllegalArgumentException("unknown worker load '" + load + "'; use " + IDLE + " or " + BUSY);
        }
    }

    /**
     * @param load {@link #IDLE} or {@link #BUSY}.
     * @return the gap to leave before each timed operation, microseconds.
     */
    public static long gapUs(final String load)
    {
        return isBusy(load) ? 0 : IDLE_GAP_US;
    }
}
