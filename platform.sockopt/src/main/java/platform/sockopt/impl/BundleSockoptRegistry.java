package platform.sockopt.impl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptRange;
import platform.sockopt.api.SockoptRegistry;
import platform.sockopt.api.SockoptSpec;

/**
 * The registry as one bundle sees it: registrations carry the bundle as owner, and what it leaves registered is
 * closed when it releases the service (it stopped); after that it may not register again.
 */
final class BundleSockoptRegistry implements SockoptRegistry
{
    private static final Logger LOG = LoggerFactory.getLogger(BundleSockoptRegistry.class);

    private final SockoptCore core;
    private final String owner;
    private final List<SockoptHandle> handles = new ArrayList<>();
    private boolean released;

    BundleSockoptRegistry(final SockoptCore core, final String owner)
    {
        this.core = core;
        this.owner = owner;
    }

    @Override
    public SockoptHandle register(final SockoptSpec spec)
    {
        synchronized (handles)
        {
            if (released)
            {
                throw new IllegalStateException(owner + " released the sockopt registry; cannot register " + spec);
            }
            final SockoptHandle h = new Tracked(core.register(spec, owner));
            handles.add(h);
            return h;
        }
    }

    @Override
    public List<SockoptRange> ranges()
    {
        return core.ranges();
    }

    @Override
    public Path socketPath()
    {
        return core.server.config.path();
    }

    void release()
    {
        final List<SockoptHandle> left;
        synchronized (handles)
        {
            released = true;
            left = new ArrayList<>(handles);
            handles.clear();
        }
        for (final SockoptHandle h : left)
        {
            LOG.warn("{} released the sockopt registry with {} still registered; closing it", owner, h);
            ((Tracked)h).inner.close();
        }
    }

    /** Forgets itself in the bundle's list when closed. */
    private final class Tracked implements SockoptHandle
    {
        final SockoptHandle inner;

        Tracked(final SockoptHandle inner)
        {
            this.inner = inner;
        }

        @Override
        public SockoptSpec spec()
        {
            return inner.spec();
        }

        @Override
        public void close()
        {
            synchronized (handles)
            {
                handles.remove(this);
            }
            inner.close();
        }

        @Override
        public String toString()
        {
            return inner.toString();
        }
    }
}
