package platform.lcore.impl;

/**
 * Who scheduled a timer (a bundle, through its {@link BundleLcoreTimers}); once released, none of its timers fires.
 */
final class TimerOwner
{
    final String name;
    /** Set once, before the owner's timers are purged from the wheels; read by the lcores at every firing. */
    volatile boolean released;

    TimerOwner(final String name)
    {
        this.name = name;
    }

    @Override
    public String toString()
    {
        return name;
    }
}
