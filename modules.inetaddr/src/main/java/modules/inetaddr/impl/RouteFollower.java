package modules.inetaddr.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import modules.route.api.RouteConf;
import modules.route.api.RouteSpec;
import modules.route.api.Routes;
import platform.lcore.api.Edpvs;

/**
 * The routes that follow the addresses (DPVS's {@code ifa_add_route4}/{@code ifa_del_route4}): a local /32
 * (RTF_LOCALIN) for each address and a connected net route (RTF_FORWARD, the prefix masked, the address as its
 * preferred source) unless the prefix is /32. They go through the route bundle's {@link Routes}, an optional
 * service: without it the addresses live without routes, and when it comes (back) the routes are added again.
 * <p>
 * A route is ours only when our add made it (a route someone else had made, EDPVS_EXIST, is left alone, as DPVS
 * ignores EXIST), and it is counted per address needing it, so two addresses in one subnet share the net route
 * and it goes with the last of them (DPVS deletes it with the first). Called on the master lcore while the bundle
 * runs (the route bundle then applies the change in place) and from the stopping thread at stop, hence
 * synchronized.
 */
final class RouteFollower
{
    private static final Logger LOG = LoggerFactory.getLogger(RouteFollower.class);

    /** A route we made, keyed as the route table keys it (prefix and length), with the device. */
    private record Key(int dst, int plen, String ifname)
    {
    }

    /** A route we made and how many addresses need it. */
    private static final class Held
    {
        final RouteSpec spec;
        int refs;

        Held(final RouteSpec spec)
        {
            this.spec = spec;
        }
    }

    private volatile Routes routes;
    /** The Routes instance {@link #held} refers to; another one means the route bundle restarted. */
    private Routes heldBy;
    private final Map<Key, Held> held = new LinkedHashMap<>();

    /** @param r the route bundle's service, bound. */
    synchronized void bind(final Routes r)
    {
        routes = r;
    }

    /**
     * Waits for a route change under way (the lock), so once this returns the going service is never called again.
     * Safe: the master lcore holding the lock only waits for the workers, never for the unbinding thread.
     *
     * @param r the route bundle's service, going.
     */
    synchronized void unbind(final Routes r)
    {
        if (routes == r)
        {
            routes = null;
        }
    }

    /** @return whether a Routes service is bound. */
    boolean bound()
    {
        return null != routes;
    }

    /**
     * Adds an address's routes (nothing without a Routes service).
     *
     * @param a the address.
     * @return OK, or the route bundle's refusal (the routes added for it are taken back).
     */
    synchronized int follow(final IfAddr a)
    {
        final Routes r = current();
        if (null == r)
        {
            return Edpvs.OK;
        }
        final RouteSpec local = new RouteSpec(a.addr(), 32, RouteConf.RTF_LOCALIN, 0, 0, 0, 0, a.ifname());
        final int rc = hold(r, local);
        if (Edpvs.OK != rc)
        {
            return rc;
        }
        if (32 == a.plen())
        {
            return Edpvs.OK;
        }
        final RouteSpec net = new RouteSpec(a.net(), a.plen(), RouteConf.RTF_FORWARD, 0, a.addr(), 0, 0,
            a.ifname());
        final int rc2 = hold(r, net);
        if (Edpvs.OK != rc2)
        {
            release(r, local);
        }
        return rc2;
    }

    /**
     * Deletes an address's routes, those no other address needs; failures are logged (as DPVS does).
     *
     * @param a the address.
     */
    synchronized void unfollow(final IfAddr a)
    {
        final Routes r = current();
        if (null == r)
        {
            return;
        }
        release(r, new RouteSpec(a.addr(), 32, RouteConf.RTF_LOCALIN, 0, 0, 0, 0, a.ifname()));
        if (32 != a.plen())
        {
            release(r, new RouteSpec(a.net(), a.plen(), RouteConf.RTF_FORWARD, 0, a.addr(), 0, 0, a.ifname()));
        }
    }

    /**
     * After a Routes service was bound: when it is another one than the routes were made with, adds every
     * address's routes to it.
     *
     * @param all the master's addresses.
     * @return how many addresses got their routes.
     */
    synchronized int resync(final IfAddr[] all)
    {
        final Routes r = routes;
        if (null == r || r == heldBy)
        {
            return 0;
        }
        current();
        int n = 0;
        for (final IfAddr a : all)
        {
            final int rc = follow(a);
            if (Edpvs.OK == rc)
            {
                n++;
            }
            else
            {
                LOG.warn("the routes of {} could not be added again: {}", a, Edpvs.strerror(rc));
            }
        }
        LOG.info("routes of {} addresses added to the route bundle", n);
        return n;
    }

    /** At stop: deletes every route we made, if the route bundle is still there. */
    synchronized void removeAll()
    {
        final Routes r = current();
        if (null != r)
        {
            for (final Held h : new ArrayList<>(held.values()))
            {
                final int rc = r.delete(h.spec);
                if (Edpvs.OK != rc && Edpvs.NOTEXIST != rc)
                {
                    LOG.warn("route {} could not be deleted at stop: {}", h.spec, Edpvs.strerror(rc));
                }
            }
        }
        held.clear();
    }

    /** @return the routes we made, for listings. */
    synchronized List<RouteSpec> held()
    {
        final List<RouteSpec> l = new ArrayList<>();
        for (final Held h : held.values())
        {
            l.add(h.spec);
        }
        return l;
    }

    /** The bound service; what was held with another one is forgotten (that route bundle and its table are gone). */
    private Routes current()
    {
        final Routes r = routes;
        if (r != heldBy)
        {
            held.clear();
            heldBy = r;
        }
        return r;
    }

    private int hold(final Routes r, final RouteSpec spec)
    {
        final Key k = new Key(spec.dst(), spec.plen(), spec.ifname());
        final Held h = held.get(k);
        if (null != h)
        {
            h.refs++;
            return Edpvs.OK;
        }
        final int rc = r.add(spec);
        if (Edpvs.OK == rc)
        {
            final Held n = new Held(spec);
            n.refs = 1;
            held.put(k, n);
            return Edpvs.OK;
        }
        if (Edpvs.EXIST == rc)
        {
            LOG.info("route {} exists already: left to whoever made it", spec);
            return Edpvs.OK;
        }
        LOG.warn("route {} refused by the route bundle: {}", spec, Edpvs.strerror(rc));
        return rc;
    }

    private void release(final Routes r, final RouteSpec spec)
    {
        final Key k = new Key(spec.dst(), spec.plen(), spec.ifname());
        final Held h = held.get(k);
        if (null == h || --h.refs > 0)
        {
            return;
        }
        held.remove(k);
        final int rc = r.delete(h.spec);
        if (Edpvs.OK != rc && Edpvs.NOTEXIST != rc)
        {
            LOG.warn("route {} could not be deleted: {}", h.spec, Edpvs.strerror(rc));
        }
    }
}
