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

import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.Edpvs;
import platform.msgmgr.api.Msg;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgTypeHandle;
import platform.msgmgr.api.MsgTypeSpec;
import platform.msgmgr.api.MulticastReplies;

/**
 * The MULTICAST message type of the msg test bundles: its worker callback counts its calls, records the lcores and
 * threads that called it and replies with its lcore id; its master callback counts the multicasts it completed.
 * <p>
 * A test bundle publishes it as a {@code java.util.function.Supplier} service with the property
 * {@value #TYPE_PROPERTY}={@code <type name>}; {@link #get()} returns a snapshot with JDK types only (the Pax Exam
 * probe has its own copy of this class, so JDK types are all the two sides share).
 */
public final class CountingMsgType implements Supplier<Map<String, Object>>
{
    /** Service property naming the type. */
    public static final String TYPE_PROPERTY = "itest.msgType";
    /** Snapshot key: calls of the worker callback so far (Long). */
    public static final String WORKER_CALLS = "workerCalls";
    /** Snapshot key: calls of the master's multicast callback so far (Long). */
    public static final String MASTER_CALLS = "masterCalls";
    /** Snapshot key: ids of the lcores that called the worker callback (Set of Integer). */
    public static final String LCORE_IDS = "lcoreIds";
    /** Snapshot key: names of the threads that called either callback (Set of String). */
    public static final String THREADS = "threads";

    private final LcoreScheduler scheduler;
    private final AtomicLong workerCalls = new AtomicLong();
    private final AtomicLong masterCalls = new AtomicLong();
    private final Set<Integer> lcoreIds = ConcurrentHashMap.newKeySet();
    private final Set<String> threads = ConcurrentHashMap.newKeySet();

    private CountingMsgType(final LcoreScheduler scheduler)
    {
        this.scheduler = scheduler;
    }

    /**
     * Registers a counting MULTICAST type (priority NORM) with the bundle's {@link MsgManager}, and publishes it.
     *
     * @param context  the test bundle's context.
     * @param typeId   the type id.
     * @param typeName the type's name.
     * @return the registration's handle.
     */
    static MsgTypeHandle start(final BundleContext context, final int typeId, final String typeName)
    {
        final CountingMsgType type = new CountingMsgType(service(context, LcoreScheduler.class));
        final MsgTypeHandle handle = service(context, MsgManager.class).registerMulticast(
            MsgTypeSpec.multicast(typeId, typeName, MsgPriority.NORM, type::onWorker, type::onMaster));
        final Dictionary<String, Object> props = new Hashtable<>();
        props.put(TYPE_PROPERTY, typeName);
        context.registerService(Supplier.class.getName(), type, props);
        return handle;
    }

    private static <T> T service(final BundleContext context, final Class<T> type)
    {
        final ServiceReference<T> ref = context.getServiceReference(type);
        if (null == ref)
        {
            throw new IllegalStateException("no " + type.getSimpleName() + " service");
        }
        return context.getService(ref);
    }

    private int onWorker(final Msg msg)
    {
        workerCalls.incrementAndGet();
        final int lcore = scheduler.currentLcoreId();
        lcoreIds.add(lcore);
        threads.add(Thread.currentThread().getName());
        msg.reply(Integer.valueOf(lcore));
        return Edpvs.OK;
    }

    private int onMaster(final MulticastReplies replies)
    {
        masterCalls.incrementAndGet();
        threads.add(Thread.currentThread().getName());
        return Edpvs.OK;
    }

    @Override
    public Map<String, Object> get()
    {
        return Map.of(WORKER_CALLS, workerCalls.get(), MASTER_CALLS, masterCalls.get(), LCORE_IDS,
            Set.copyOf(lcoreIds), THREADS, Set.copyOf(threads));
    }
}
