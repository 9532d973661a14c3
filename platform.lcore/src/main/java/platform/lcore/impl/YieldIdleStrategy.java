package platform.lcore.impl;

/**
 * Yields the CPU after an idle iteration: fair to other threads on a shared CPU, still polling.
 */
final class YieldIdleStrategy implements IdleStrategy
{
    @Override
    public void idle(final int workCount)
    {
        if (0 == workCount)
        {
            Thread.yield();
        }
    }

    @Override
    public void reset()
    {
    }

    @Override
    public String describe()
    {
        return "yield";
    }
}
