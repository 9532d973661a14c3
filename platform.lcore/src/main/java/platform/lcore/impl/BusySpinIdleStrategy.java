package platform.lcore.impl;

/**
 * Never gives the CPU up: the lowest latency, one CPU burnt per lcore. Only for lcores pinned to a CPU of their own.
 */
final class BusySpinIdleStrategy implements IdleStrategy
{
    @Override
    public void idle(final int workCount)
    {
        if (0 == workCount)
        {
            Thread.onSpinWait();
        }
    }

    @Override
    public void reset()
    {
    }

    @Override
    public String describe()
    {
        return "busy-spin";
    }
}
