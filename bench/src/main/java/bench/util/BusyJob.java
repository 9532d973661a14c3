package bench.util;

import platform.lcore.api.LcoreJob;

/**
 * A job that always reports work (returns 1), standing in for a poller under traffic: an lcore running it never
 * backs off, so it is always inside or between two back-to-back iterations.
 */
public final class BusyJob implements LcoreJob
{
    @Override
    public int doWork(final int lcoreId)
    {
        return 1;
    }
}
