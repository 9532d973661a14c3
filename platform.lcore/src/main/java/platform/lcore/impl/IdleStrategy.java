package platform.lcore.impl;

/**
 * What an lcore does after an iteration, given how much work its jobs reported: Agrona's {@code IdleStrategy}
 * contract, driven as {@code while (running) { idle.idle(doWork()); }}.
 * <p>
 * Implementations are stateful and owned by one lcore thread: not thread-safe.
 */
public interface IdleStrategy
{
    /**
     * @param workCount the sum of the iteration's job results; 0 means no job did anything.
     */
    void idle(int workCount);

    /**
     * @return true while the strategy has the lcore parked (only a parking strategy ever is).
     */
    default boolean isParked()
    {
        return false;
    }

    /**
     * Makes a parked lcore run its next iteration now, and one that is about to park not park: called by other
     * threads after they published work for the lcore (a message, a ready socket). Only parking strategies need
     * it; the others poll without end.
     *
     * @param lcoreThread the lcore's thread.
     */
    default void wake(final Thread lcoreThread)
    {
    }

    /**
     * Forgets any backoff progress (called when work arrives again).
     */
    void reset();

    /**
     * @return the strategy as written in the configuration.
     */
    String describe();

    /**
     * Parses {@code busy-spin}, {@code yield}, {@code backoff} or
     * {@code backoff:<maxSpins>,<maxYields>,<minParkUs>,<maxParkUs>}.
     *
     * @param spec the configured text.
     * @return a new strategy instance (one per lcore).
     * @throws IllegalArgumentException naming the accepted forms.
     */
    static IdleStrategy parse(final String spec)
    {
        final String s = spec.trim();
        switch (s)
        {
            case "busy-spin":
            case "busyspin":
            case "busy_spin":
                return new BusySpinIdleStrategy();
            case "yield":
                return new YieldIdleStrategy();
            case "backoff":
                return new BackoffIdleStrategy(BackoffIdleStrategy.DEFAULT_MAX_SPINS,
                    BackoffIdleStrategy.DEFAULT_MAX_YIELDS, BackoffIdleStrategy.DEFAULT_MIN_PARK_NS,
                    BackoffIdleStrategy.DEFAULT_MAX_PARK_NS);
            default:
                if (s.startsWith("backoff:"))
                {
                    final String[] parts = s.substring("backoff:".length()).split(",");
                    if (4 == parts.length)
                    {
                        try
                        {
                            final long maxSpins = Long.parseLong(parts[0].trim());
                            final long maxYields = Long.parseLong(parts[1].trim());
                            final long minParkUs = Long.parseLong(parts[2].trim());
                            final long maxParkUs = Long.parseLong(parts[3].trim());
                            if (maxSpins >= 0 && maxYields >= 0 && minParkUs >= 1 && maxParkUs >= minParkUs
                                && maxParkUs <= 1_000_000)
                            {
                                return new BackoffIdleStrategy(maxSpins, maxYields, minParkUs * 1000, maxParkUs * 1000);
                            }
                        }
                        catch (final NumberFormatException ignore)
                        {
                            // fall through to the error below
                        }
                    }
                }
                throw new IllegalArgumentException("unknown idle strategy '" + spec + "'; use busy-spin, yield, "
                    + "backoff or backoff:<maxSpins>,<maxYields>,<minParkUs>,<maxParkUs> with 1 <= minParkUs <= "
                    + "maxParkUs <= 1000000");
        }
    }
}
