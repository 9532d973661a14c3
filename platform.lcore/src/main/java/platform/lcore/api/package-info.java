/**
 * The lcore API: logical cores with roles, and the jobs that feature bundles run on them.
 * <p>
 * A feature registers a {@link platform.lcore.api.JobSpec} with the {@link platform.lcore.api.LcoreScheduler}
 * service and keeps the returned {@link platform.lcore.api.JobHandle}; closing the handle is the
 * only way to unregister, and once {@code close()} returns the job's code is never called again.
 * <p>
 * Per-lcore timers ({@link platform.lcore.api.LcoreTimers}, since 1.2) run on the lcore they were scheduled for;
 * once {@link platform.lcore.api.TimerHandle#cancel()} returns the timer's callback is never called again.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package platform.lcore.api;
