package platform.lcore.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Per-lcore timers, as DPVS's {@code dpvs_timer}: each lcore has a timer wheel that only it touches, driven by a
 * {@code timer_manage} LOOP job of its role, so a callback runs on its lcore's thread, beside that lcore's per-lcore
 * tables, without locks. Scheduling for another lcore travels to it as a request on a queue only it drains.
 * <p>
 * Resolution is one wheel tick ({@link #tickNs()}): a timer never fires before its deadline, and fires at the first
 * iteration of its lcore after the end of the tick its deadline falls in (a parked lcore is woken at most its idle
 * strategy's longest park later).
 * <p>
 * As an OSGi service it is bundle-scoped: when a bundle releases the service (it stopped), the timers it left are
 * cancelled, and once the release returns none of its callbacks runs or will run.
 *
 * @since 1.2
 */
@ProviderType
public interface LcoreTimers
{
    /** The longest delay or period accepted, in nanoseconds (about 146 years), so deadlines cannot overflow. */
    long MAX_DELAY_NS = 1L << 62;

    /**
     * Schedules a one-shot timer.
     *
     * @param lcoreId the lcore to call {@code timer} on.
     * @param delayNs from now, in nanoseconds, 0 .. {@link #MAX_DELAY_NS}.
     * @param timer   the callback.
     * @return the handle that cancels it.
     * @throws IllegalArgumentException when no lcore has that id, the delay is out of range, or {@code timer} is null.
     * @throws IllegalStateException    when the calling bundle released the service.
     */
    TimerHandle schedule(int lcoreId, long delayNs, LcoreTimer timer);

    /**
     * Schedules a periodic timer, at a fixed rate: firing {@code n} is due at {@code delayNs + n * periodNs} from
     * now; when the lcore falls more than a period behind, missed firings are skipped rather than bunched.
     *
     * @param lcoreId  the lcore to call {@code timer} on.
     * @param delayNs  to the first firing, 0 .. {@link #MAX_DELAY_NS}.
     * @param periodNs between firings, 1 .. {@link #MAX_DELAY_NS}.
     * @param timer    the callback.
     * @return the handle that stops it.
     * @throws IllegalArgumentException when no lcore has that id, a time is out of range, or {@code timer} is null.
     * @throws IllegalStateException    when the calling bundle released the service.
     */
    TimerHandle schedulePeriodic(int lcoreId, long delayNs, long periodNs, LcoreTimer timer);

    /**
     * @return the wheels' tick, in nanoseconds: the timers' resolution.
     */
    long tickNs();

    /**
     * @return the timer statistics of every configured lcore, by id.
     */
    List<TimerInfo> timerStats();
}
