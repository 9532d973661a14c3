package platform.lcore.api;

/**
 * State of a registered job.
 */
public enum JobState
{
    /** Called by its lcores. */
    ACTIVE,
    /** Failed too many times in a row; not called until resumed. */
    QUARANTINED,
    /** Unregistered. */
    CLOSED
}
