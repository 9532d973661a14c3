package platform.mp.impl;

import java.nio.MappedByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import platform.mp.api.MpAction;
import platform.mp.api.MpActionInfo;
import platform.mp.api.MpCallback;
import platform.mp.api.MpChannel;
import platform.mp.api.MpException;
import platform.mp.api.MpMessage;
import platform.mp.api.MpPeerInfo;
import platform.mp.api.MpRegistration;
import platform.mp.api.MpReply;
import platform.mp.client.MpFds;

/**
 * The {@link MpChannel} one bundle gets: it remembers the bundle's registrations so that {@link #release()}
 * (the bundle ungets the service, or stops) unregisters them all.
 */
final class BundleMpChannel implements MpChannel
{
    private final MpPrimary primary;
    private final String owner;
    private final Duration defaultTimeout;
    private final Set<MpRegistration> registrations = ConcurrentHashMap.newKeySet();
    /** Held while one of the bundle's callbacks runs, and by release(): no callback runs after release returned. */
    private final Object gate = new Object();
    private boolean released;

    BundleMpChannel(final MpPrimary primary, final String owner, final Duration defaultTimeout)
    {
        this.primary = primary;
        this.owner = owner;
        this.defaultTimeout = defaultTimeout;
    }

    @Override
    public MpRegistration register(final String name, final MpAction action)
    {
        synchronized (gate)
        {
            if (released)
            {
                throw new MpException(MpException.NOT_CONNECTED, "the channel was released by " + owner);
            }
        }
        final MpRegistration inner = primary.register(name, action, "primary: " + owner);
        final MpRegistration outer = new MpRegistration()
        {
            @Override
            public String name()
            {
                return inner.name();
            }

            @Override
            public void close()
            {
                registrations.remove(this);
                inner.close();
            }
        };
        registrations.add(outer);
        return outer;
    }

    @Override
    public int send(final String name, final byte[] params)
    {
        return primary.send(name, params);
    }

    @Override
    public int send(final String name, final byte[] params, final int[] fds)
    {
        return primary.send(name, params, fds);
    }

    /** A null timeout means the configured default. */
    @Override
    public MpReply request(final String name, final byte[] params, final Duration timeout, final int[] fds)
    {
        return primary.request(name, params, null == timeout ? defaultTimeout : timeout, fds);
    }

    /** A null timeout means the configured default; the region is freed when the bundle releases the channel. */
    @Override
    public MappedByteBuffer alloc(final String name, final int size, final Duration timeout)
    {
        synchronized (gate)
        {
            if (released)
            {
                throw new MpException(MpException.NOT_CONNECTED, "the channel was released");
            }
        }
        return primary.regions.allocOwn(name, size, null == timeout ? defaultTimeout : timeout, owner);
    }

    /** A null timeout means the configured default. */
    @Override
    public void free(final String name, final Duration timeout)
    {
        primary.regions.freeOwn(name, null == timeout ? defaultTimeout : timeout, owner);
    }

    @Override
    public int publish(final String name, final byte[] params)
    {
        return primary.publish(name, params);
    }

    /** A null timeout means the configured default. */
    @Override
    public MpReply request(final String name, final byte[] params, final Duration timeout)
    {
        return primary.request(name, params, null == timeout ? defaultTimeout : timeout);
    }

    /** A null timeout means the configured default. */
    @Override
    public void requestAsync(final String name, final byte[] params, final Duration timeout,
        final MpCallback callback)
    {
        requestAsync(name, params, timeout, null, callback);
    }

    /** A null timeout means the configured default. */
    @Override
    public void requestAsync(final String name, final byte[] params, final Duration timeout, final int[] fds,
        final MpCallback callback)
    {
        if (null == callback)
        {
            throw new MpException(MpException.INVALID, "null callback");
        }
        primary.requestAsync(name, params, null == timeout ? defaultTimeout : timeout, fds, r ->
        {
            synchronized (gate)
            {
                // the bundle released the channel (it is stopping): its code is not called any more
                if (!released)
                {
                    callback.onReply(r);
                    return;
                }
            }
            // nobody takes the replies' fds: they are closed
            for (final MpMessage m : r.replies())
            {
                for (final int fd : m.fds())
                {
                    MpFds.close(fd);
                }
            }
        });
    }

    @Override
    public List<MpPeerInfo> peers()
    {
        return primary.peers();
    }

    @Override
    public List<MpActionInfo> actions()
    {
        return primary.actions();
    }

    @Override
    public int maxParamLen()
    {
        return primary.maxParamLen();
    }

    /** Unregisters every action of the bundle; once this returned none of its callbacks runs. */
    void release()
    {
        synchronized (gate)
        {
            released = true;
        }
        for (final MpRegistration r : List.copyOf(registrations))
        {
            r.close();
        }
        primary.regions.freeAll(owner, defaultTimeout);
    }

    int registrationCount()
    {
        return registrations.size();
    }
}
