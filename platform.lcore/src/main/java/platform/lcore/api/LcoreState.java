package platform.lcore.api;

/**
 * Life cycle of an lcore thread.
 */
public enum LcoreState
{
    /** Configured, thread not yet started. */
    NEW,
    /** Running INIT jobs before the first iteration. */
    INIT,
    /** Looping. */
    RUNNING,
    /** Asked to stop, finishing its iteration. */
    STOPPING,
    /** Thread ended; CPU released. */
    STOPPED
}
