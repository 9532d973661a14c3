package modules.netif.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import modules.netif.api.HookHandle;
import modules.netif.api.HookPoint;
import modules.netif.api.InetHook;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;

/**
 * The hooks of every point, published copy-on-write: the forwarding lcores read a point's array with one volatile
 * load per packet and call its hooks in order; registration and removal build a new array under a lock. Removal
 * publishes the array without the hook and then waits for a grace period on the forwarding lcores
 * ({@link LcoreScheduler#synchronize}), so once {@code close()} returns no lcore is still inside a call of it and
 * none will call it again.
 */
final class HookChain
{
    /** One registered hook. Only its rare outcomes are counted (an atomic add per call would cost more than a hook). */
    static final class Entry implements HookHandle
    {
        final HookPoint point;
        final int priority;
        final String name;
        final InetHook hook;
        final long order;
        final Object owner;
        private final HookChain chain;
        volatile boolean registered = true;
        final AtomicLong drops = new AtomicLong();
        final AtomicLong stolen = new AtomicLong();
        final AtomicLong failures = new AtomicLong();

        Entry(final HookChain chain, final HookPoint point, final int priority, final String name,
            final InetHook hook, final long order, final Object owner)
        {
            this.chain = chain;
            this.point = point;
            this.priority = priority;
            this.name = name;
            this.hook = hook;
            this.order = order;
            this.owner = owner;
        }

        @Override
        public HookPoint point()
        {
            return point;
        }

        @Override
        public int priority()
        {
            return priority;
        }

        @Override
        public String name()
        {
            return name;
        }

        @Override
        public boolean isRegistered()
        {
            return registered;
        }

        @Override
        public void close()
        {
            chain.remove(this);
        }

        @Override
        public String toString()
        {
            return String.format(Locale.ROOT, "hook %s at %s priority %d (%s)", name, point, priority, owner);
        }
    }

    private static final Entry[] EMPTY = new Entry[0];
    private static final Comparator<Entry> ORDER =
        Comparator.<Entry>comparingInt(e -> e.priority).thenComparingLong(e -> e.order);

    /** Indexed by {@link HookPoint#ordinal()}; each array is replaced whole, never changed in place. */
    private final Entry[][] chains = new Entry[HookPoint.values().length][];
    private final LcoreScheduler lcores;
    private final Object lock = new Object();
    private long order;

    HookChain(final LcoreScheduler lcores)
    {
        this.lcores = lcores;
        Arrays.fill(chains, EMPTY);
    }

    /**
     * @param point a point.
     * @return its hooks in calling order (the array must not be changed).
     */
    Entry[] at(final HookPoint point)
    {
        return (Entry[])CHAINS.getVolatile(chains, point.ordinal());
    }

    private static final java.lang.invoke.VarHandle CHAINS =
        java.lang.invoke.MethodHandles.arrayElementVarHandle(Entry[][].class);

    Entry add(final HookPoint point, final int priority, final String name, final InetHook hook, final Object owner)
    {
        if (null == point || null == name || null == hook)
        {
            throw new IllegalArgumentException("a hook needs a point, a name and a function");
        }
        synchronized (lock)
        {
            final Entry[] old = at(point);
            for (final Entry e : old)
            {
                if (e.name.equals(name))
                {
                    throw new IllegalArgumentException("a hook named " + name + " is already at " + point + ": "
                        + e);
                }
            }
            final Entry added = new Entry(this, point, priority, name, hook, order++, owner);
            final Entry[] next = Arrays.copyOf(old, old.length + 1);
            next[old.length] = added;
            Arrays.sort(next, ORDER);
            CHAINS.setVolatile(chains, point.ordinal(), next);
            return added;
        }
    }

    void remove(final Entry e)
    {
        synchronized (lock)
        {
            if (!e.registered)
            {
                return;
            }
            e.registered = false;
            final Entry[] old = at(e.point);
            final List<Entry> next = new ArrayList<>(Arrays.asList(old));
            next.remove(e);
            CHAINS.setVolatile(chains, e.point.ordinal(), next.toArray(EMPTY));
        }
        // outside the lock: a forwarding lcore may be registering a hook itself while we wait for it
        lcores.synchronize(LcoreRole.FWD_WORKER);
    }

    /** @return every registered hook, by point then calling order. */
    List<Entry> all()
    {
        final List<Entry> all = new ArrayList<>();
        for (final HookPoint p : HookPoint.values())
        {
            all.addAll(Arrays.asList(at(p)));
        }
        return all;
    }

    /**
     * Closes the hooks a bundle still has.
     *
     * @param owner the bundle's tag.
     * @return how many were closed.
     */
    int closeAll(final Object owner)
    {
        int n = 0;
        for (final Entry e : all())
        {
            if (null == owner || e.owner == owner)
            {
                e.close();
                n++;
            }
        }
        return n;
    }
}
