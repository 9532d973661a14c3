package modules.netif.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import modules.netif.api.PacketReceiver;
import modules.netif.api.ReceiverHandle;
import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;

/**
 * The receivers of non-IPv4 ethertypes and of local IPv4 protocols, published copy-on-write as {@link HookChain}
 * publishes hooks: the forwarding lcores read one array with one volatile load per packet; removal publishes an
 * array without the receiver and waits for a grace period on the forwarding lcores, so once {@code close()}
 * returns no lcore is inside a call of it and none will call it again.
 */
final class Receivers
{
    /** One registered receiver. */
    static final class Entry implements ReceiverHandle
    {
        /** The ethertype, or the protocol. */
        final int key;
        final boolean protocol;
        final String name;
        final PacketReceiver receiver;
        final Object owner;
        private final Receivers table;
        volatile boolean registered = true;
        /** Counted on the lcores only when rare (a throw); calls are counted by the lcores' own counters. */
        final AtomicLong failures = new AtomicLong();

        Entry(final Receivers table, final int key, final boolean protocol, final String name,
            final PacketReceiver receiver, final Object owner)
        {
            this.table = table;
            this.key = key;
            this.protocol = protocol;
            this.name = name;
            this.receiver = receiver;
            this.owner = owner;
        }

        @Override
        public String key()
        {
            return protocol ? "ipv4 protocol " + key : String.format(Locale.ROOT, "ethertype 0x%04x", key);
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
            table.remove(this);
        }

        @Override
        public String toString()
        {
            return "receiver " + name + " of " + key() + " (" + owner + ")";
        }
    }

    private static final Entry[] EMPTY = new Entry[0];

    private final LcoreScheduler lcores;
    private final Object lock = new Object();
    /** The ethertype receivers, few: scanned. Replaced whole, never changed in place. */
    private volatile Entry[] types = EMPTY;
    /** Indexed by protocol number, 256 long. Replaced whole, never changed in place. */
    private volatile Entry[] protocols = new Entry[256];

    Receivers(final LcoreScheduler lcores)
    {
        this.lcores = lcores;
    }

    /**
     * @param ethertype an ethertype.
     * @return its receiver, or null.
     */
    Entry type(final int ethertype)
    {
        for (final Entry e : types)
        {
            if (e.key == ethertype)
            {
                return e;
            }
        }
        return null;
    }

    /**
     * @param protocol an IPv4 protocol number, 0..255.
     * @return its receiver, or null.
     */
    Entry protocol(final int protocol)
    {
        return protocols[protocol];
    }

    Entry addType(final int ethertype, final String name, final PacketReceiver r, final Object owner)
    {
        if (ethertype < 0 || ethertype > 0xffff || Ipv4.ETHERTYPE_IPV4 == ethertype)
        {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                "ethertype 0x%x cannot have a receiver (0..0xffff, not IPv4's 0x0800)", ethertype));
        }
        check(name, r);
        synchronized (lock)
        {
            final Entry old = type(ethertype);
            if (null != old)
            {
                throw new IllegalArgumentException(old.key() + " has a receiver already: " + old);
            }
            final Entry e = new Entry(this, ethertype, false, name, r, owner);
            final Entry[] next = Arrays.copyOf(types, types.length + 1);
            next[next.length - 1] = e;
            types = next;
            return e;
        }
    }

    Entry addProtocol(final int protocol, final String name, final PacketReceiver r, final Object owner)
    {
        if (protocol < 0 || protocol > 255)
        {
            throw new IllegalArgumentException("IPv4 protocol " + protocol + " is not in 0..255");
        }
        check(name, r);
        synchronized (lock)
        {
            final Entry old = protocols[protocol];
            if (null != old)
            {
                throw new IllegalArgumentException(old.key() + " has a receiver already: " + old);
            }
            final Entry e = new Entry(this, protocol, true, name, r, owner);
            final Entry[] next = protocols.clone();
            next[protocol] = e;
            protocols = next;
            return e;
        }
    }

    private static void check(final String name, final PacketReceiver r)
    {
        if (null == name || name.isEmpty() || null == r)
        {
            throw new IllegalArgumentException("a receiver needs a name and a function");
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
            if (e.protocol)
            {
                final Entry[] next = protocols.clone();
                next[e.key] = null;
                protocols = next;
            }
            else
            {
                final List<Entry> next = new ArrayList<>(Arrays.asList(types));
                next.remove(e);
                types = next.toArray(EMPTY);
            }
        }
        // outside the lock, as for hooks: a forwarding lcore may be registering while we wait for it
        lcores.synchronize(LcoreRole.FWD_WORKER);
    }

    /** @return every registered receiver: ethertypes, then protocols. */
    List<Entry> all()
    {
        final List<Entry> all = new ArrayList<>(Arrays.asList(types));
        for (final Entry e : protocols)
        {
            if (null != e)
            {
                all.add(e);
            }
        }
        return all;
    }

    /**
     * @param owner a bundle's tag, or null for all.
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
