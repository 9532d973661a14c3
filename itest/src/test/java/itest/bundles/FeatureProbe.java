package itest.bundles;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import modules.netif.api.HookPoint;
import modules.netif.api.InetHook;
import modules.netif.api.Netif;
import modules.netif.api.PacketReceiver;
import platform.lcore.api.Edpvs;
import platform.lcore.api.JobSpec;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.LcoreTimers;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgPriority;
import platform.msgmgr.api.MsgTypeSpec;
import platform.msgmgr.api.MulticastResult;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.api.SockoptSpec;

/**
 * A feature bundle with one of every registration a feature makes: a multicast and a unicast message type, a LOOP
 * job on the workers and a SLOW job on the master, a periodic timer on a worker, a PRE_ROUTING hook, a packet
 * receiver and a GET sockopt range. Every callback counts its calls in the test's tripwire (a JDK map the test
 * publishes as a service with {@code itest.tripwire=true}); once the close of its registration returned, any call
 * is a violation of the platform's promise: it is counted under {@code violation.<what>} and fails loudly (throws).
 * <p>
 * GET {@value #SO_VERSION} answers the bundle's version (so the test sees which revision serves); GET
 * {@value #SO_MULTICAST} waits for a synchronous multicast of {@value #MC_TYPE} (10 s timeout), so a control-socket
 * client is waiting on the bundle's message when it stops. The unicast callback parks 50 us per message, so
 * messages are queued for it when it stops; it and the hook (busy 20 us a packet) check the tripwire after their
 * work, so a call still under way when stop returned counts as a violation too.
 */
public final class FeatureProbe
{
    public static final String SYMBOLIC_NAME = "itest.bundles.feature.probe";
    public static final int MC_TYPE = 310;
    public static final int UC_TYPE = 311;
    public static final int SO_VERSION = 9100;
    public static final int SO_MULTICAST = 9101;
    public static final int ETHERTYPE = 0x88b5;
    /** The tripwire's keys: calls while registered ({@code call.<what>}), calls after stop ({@code violation.}). */
    public static final String[] WHAT = {"mc_worker", "mc_master", "uc", "loop", "slow", "timer", "hook", "receiver",
        "sockopt"};

    private final ConcurrentMap<String, AtomicLong> tripwire;
    private final List<AutoCloseable> handles = new ArrayList<>();
    /** Per handle, the callbacks it registered. */
    private final List<String[]> registered = new ArrayList<>();
    /** The callbacks whose registration's close returned. */
    private final java.util.Set<String> closed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final MsgManager msg;

    private FeatureProbe(final ConcurrentMap<String, AtomicLong> tripwire, final MsgManager msg)
    {
        this.tripwire = tripwire;
        this.msg = msg;
    }

    @SuppressWarnings("unchecked")
    static FeatureProbe start(final BundleContext context) throws Exception
    {
        final Collection<ServiceReference<ConcurrentMap>> refs = context.getServiceReferences(ConcurrentMap.class,
            "(itest.tripwire=true)");
        if (refs.isEmpty())
        {
            throw new IllegalStateException("no tripwire service");
        }
        final ConcurrentMap<String, AtomicLong> tripwire = context.getService(refs.iterator().next());
        final LcoreScheduler lcores = service(context, LcoreScheduler.class);
        final MsgManager msg = service(context, MsgManager.class);
        final FeatureProbe p = new FeatureProbe(tripwire, msg);
        final int worker = msg.workerLcoreIds()[0];
        final String version = context.getBundle().getVersion().toString();
        p.add(new String[] {"mc_worker", "mc_master"}, msg.registerMulticast(MsgTypeSpec.multicast(MC_TYPE,
            "probe_mc", MsgPriority.NORM, m -> p.called("mc_worker"), replies -> p.called("mc_master")))::close);
        p.add(new String[] {"loop"}, lcores.register(JobSpec.loop("probe_loop", LcoreRole.FWD_WORKER,
            id -> p.called("loop")))::close);
        p.add(new String[] {"slow"}, lcores.register(JobSpec.slow("probe_slow", LcoreRole.MASTER, 10,
            id -> p.called("slow")))::close);
        p.add(new String[] {"timer"}, service(context, LcoreTimers.class).schedulePeriodic(worker, 1_000_000,
            1_000_000, (id, now) -> p.called("timer"))::close);
        final Netif netif = service(context, Netif.class);
        p.add(new String[] {"hook"}, netif.registerHook(HookPoint.PRE_ROUTING, 50, "probe_hook", (id, point, m) ->
        {
            // busy for 20 us, then checked: a call still under way when stop returned is caught too
            final long until = System.nanoTime() + 20_000;
            while (System.nanoTime() - until < 0)
            {
                Thread.onSpinWait();
            }
            p.called("hook");
            return InetHook.ACCEPT;
        })::close);
        final PacketReceiver receiver = (id, port, m) ->
        {
            p.called("receiver");
            return InetHook.DROP;
        };
        p.add(new String[] {"receiver"}, netif.registerPacketType(ETHERTYPE, "probe_rx", receiver)::close);
        final MulticastResult result = new MulticastResult();
        p.add(new String[] {"sockopt"}, service(context, SockoptRegistry.class).register(SockoptSpec
            .builder("probe").get(SO_VERSION, SO_MULTICAST, (req, reply) ->
            {
                p.called("sockopt");
                if (SO_VERSION == req.id())
                {
                    final byte[] v = version.getBytes(StandardCharsets.US_ASCII);
                    reply.body(v.length).put(v);
                    return Edpvs.OK;
                }
                synchronized (result)
                {
                    return msg.multicastSync(MC_TYPE, null, 10_000_000, result);
                }
            })
            .build())::close);
        // last, so closed first: the burst the test queues right before stop is still queued when it goes
        p.add(new String[] {"uc"}, msg.register(MsgTypeSpec.unicast(UC_TYPE, "probe_uc", MsgPriority.NORM, m ->
        {
            LockSupport.parkNanos(50_000);
            return p.called("uc");
        }), worker)::close);
        return p;
    }

    private void add(final String[] what, final AutoCloseable handle)
    {
        registered.add(what);
        handles.add(handle);
    }

    /** Closes every handle, newest first; once a close returned, its callbacks may never run again. */
    void stop() throws Exception
    {
        for (int i = handles.size() - 1; i >= 0; i--)
        {
            handles.get(i).close();
            closed.addAll(java.util.Arrays.asList(registered.get(i)));
        }
    }

    private int called(final String what)
    {
        if (closed.contains(what))
        {
            tripwire.computeIfAbsent("violation." + what, k -> new AtomicLong()).incrementAndGet();
            throw new IllegalStateException("the stopped probe bundle's " + what + " was called");
        }
        tripwire.computeIfAbsent("call." + what, k -> new AtomicLong()).incrementAndGet();
        return Edpvs.OK;
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
}
