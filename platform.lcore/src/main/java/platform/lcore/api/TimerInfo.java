package platform.lcore.api;

/**
 * A snapshot of one lcore's timers.
 *
 * @param lcoreId   the lcore.
 * @param pending   timers in its wheel (scheduled, not fired or cancelled yet).
 * @param fired     timer callbacks called since start, periodic firings counted one by one.
 * @param cancelled timers cancelled before they fired, or periodic timers stopped.
 * @param failures  callbacks that threw (counted in {@code fired} too).
 * @since 1.2
 */
@org.osgi.annotation.versioning.ProviderType
public record TimerInfo(int lcoreId, long pending, long fired, long cancelled, long failures)
{
}
