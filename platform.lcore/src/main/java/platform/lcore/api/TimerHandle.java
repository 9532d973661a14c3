package platform.lcore.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A scheduled timer. Closing it cancels it, so bundles can collect timer handles with their job handles.
 *
 * @since 1.2
 */
@ProviderType
public interface TimerHandle extends AutoCloseable
{
    /**
     * Cancels the timer. Safe against a timer that is firing: when this method returns, the callback is not running
     * (it waits for a call under way on the timer's lcore to end, as {@link JobHandle#close()} waits for a grace
     * period) and is never called again. Called from the timer's own lcore (its own callback included) it never
     * waits: that lcore cannot be inside another call. Idempotent. As with jobs closing each other, two callbacks on
     * two lcores that cancel each other's timers while both are firing would wait for each other: don't.
     *
     * @return true when this call stopped the timer: a one-shot timer that had not fired yet, or a periodic timer
     * (which then fires no more); false when a one-shot timer has fired (or was firing, and has now returned), or
     * when the timer was already cancelled.
     */
    boolean cancel();

    /**
     * @return true while the timer may still fire: neither cancelled nor, when one-shot, fired.
     */
    boolean isPending();

    /**
     * Same as {@link #cancel()}.
     */
    @Override
    void close();
}
