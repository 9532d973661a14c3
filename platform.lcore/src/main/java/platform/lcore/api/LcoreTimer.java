package platform.lcore.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The code of a timer, called on the lcore the timer was scheduled for (DPVS's {@code dpvs_timer_cb_t}).
 * <p>
 * It runs inside that lcore's {@code timer_manage} job, between the lcore's other jobs, so it must not block; it may
 * schedule and cancel timers, its own included.
 *
 * @since 1.2
 */
@ConsumerType
@FunctionalInterface
public interface LcoreTimer
{
    /**
     * The timer expired.
     *
     * @param lcoreId the lcore calling (the one the timer was scheduled for), so per-lcore state is an array index.
     * @param nowNs   the {@code System.nanoTime()} the lcore read before expiring its due timers; not before the
     *                timer's deadline.
     */
    void onTimer(int lcoreId, long nowNs);
}
