package itest.bundles;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import platform.lcore.api.JobHandle;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreJob;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;

/**
 * The LOOP job of the test bundles: counts its calls and records which lcores called it (ids and thread names).
 * <p>
 * A test bundle publishes it as a {@code java.util.function.Supplier} service with the property
 * {@value #JOB_PROPERTY}={@code <job name>}; {@link #get()} returns a snapshot with JDK types only. The Pax Exam
 * probe has its own copy of this class (it holds every test class), so JDK types are all the two sides share.
 */
public final class CountingJob implements LcoreJob, Supplier<Map<String, Object>>
{
    /** Service property naming the job. */
    public static final String JOB_PROPERTY = "itest.job";
    /** Snapshot key: calls so far (Long). */
    public static final String CALLS = "calls";
    /** Snapshot key: ids of the lcores that called it (Set of Integer). */
    public static final String LCORE_IDS = "lcoreIds";
    /** Snapshot key: names of the threads that called it (Set of String). */
    public static final String THREADS = "threads";

    private final AtomicLong calls = new AtomicLong();
    private final Set<Integer> lcoreIds = ConcurrentHashMap.newKeySet();
    private final Set<String> threads = ConcurrentHashMap.newKeySet();

    /**
     * Registers a new counting LOOP job for the FWD_WORKER lcores with the bundle's {@link LcoreScheduler}, and
     * publishes it.
     *
     * @param context the test bundle's context.
     * @param jobName the job's name.
     * @return the registration's handle.
     */
    static JobHandle start(final BundleContext context, final String jobName)
    {
        final ServiceReference<LcoreScheduler> ref = context.getServiceReference(LcoreScheduler.class);
        if (null == ref)
        {
            throw new IllegalStateException("no LcoreScheduler service");
        }
        final LcoreScheduler scheduler = context.getService(ref);
        final CountingJob job = new CountingJob();
        final JobHandle handle = scheduler.register(JobSpec.loop(jobName, LcoreRole.FWD_WORKER, job));
        final Dictionary<String, Object> props = new Hashtable<>();
        props.put(JOB_PROPERTY, jobName);
        context.registerService(Supplier.class.getName(), job, props);
        return handle;
    }

    @Override
    public int doWork(final int lcoreId)
    {
        calls.incrementAndGet();
        // no allocation after the first call on an lcore: small Integers are cached, thread names are fields
        lcoreIds.add(lcoreId);
        threads.add(Thread.currentThread().getName());
        // "nothing done", so the lcore backs off instead of spinning on a machine the tests share
        return 0;
    }

    @Override
    public Map<String, Object> get()
    {
        return Map.of(CALLS, calls.get(), LCORE_IDS, Set.copyOf(lcoreIds), THREADS, Set.copyOf(threads));
    }
}
