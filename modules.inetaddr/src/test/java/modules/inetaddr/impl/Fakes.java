package modules.inetaddr.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import modules.netif.api.HookHandle;
import modules.netif.api.HookPoint;
import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;
import modules.netif.api.Netif;
import modules.netif.api.PacketReceiver;
import modules.netif.api.PortInfo;
import modules.netif.api.ReceiverHandle;
import modules.route.api.RouteSpec;
import modules.route.api.Routes;
import platform.lcore.api.Edpvs;

/** What the tests give the core instead of netif and the route bundle, recording what it is asked. */
final class Fakes
{
    private Fakes()
    {
    }

    /** Ports dpdk0 (id 0) and dpdk1 (id 1); the ICMP receiver and the packets sent with output4 recorded. */
    static final class Ports implements Netif
    {
        private final List<PortInfo> ports = List.of(
            new PortInfo(0, "dpdk0", "synthetic", "", new byte[6], 1500, 1, 1, true, true, false),
            new PortInfo(1, "dpdk1", "synthetic", "", new byte[6], 1500, 1, 1, true, true, false));
        final MbufPool pool = new MbufPool("test", 1024, 2048 + Mbuf.HEADROOM);
        volatile PacketReceiver icmp;
        final AtomicInteger receivers = new AtomicInteger();
        /** The packets output4 got: their bytes from the Ethernet room on, and the lcore. */
        final ConcurrentLinkedQueue<byte[]> sent = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Integer> sentOn = new ConcurrentLinkedQueue<>();

        @Override
        public HookHandle registerHook(final HookPoint point, final int priority, final String name,
            final InetHook hook)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<PortInfo> ports()
        {
            return ports;
        }

        @Override
        public int portId(final String name)
        {
            return "dpdk0".equals(name) ? 0 : "dpdk1".equals(name) ? 1 : -1;
        }

        @Override
        public MbufPool pool()
        {
            return pool;
        }

        @Override
        public int xmit(final int lcoreId, final Mbuf m, final int port)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public ReceiverHandle registerPacketType(final int ethertype, final String name, final PacketReceiver r)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public ReceiverHandle registerProtocol(final int protocol, final String name, final PacketReceiver r)
        {
            if (1 != protocol || null != icmp)
            {
                throw new IllegalArgumentException("protocol " + protocol);
            }
            icmp = r;
            receivers.incrementAndGet();
            return new ReceiverHandle()
            {
                private volatile boolean open = true;

                @Override
                public String key()
                {
                    return "ipv4 protocol 1";
                }

                @Override
                public String name()
                {
                    return name;
                }

                @Override
                public boolean isRegistered()
                {
                    return open;
                }

                @Override
                public void close()
                {
                    if (open)
                    {
                        open = false;
                        icmp = null;
                        receivers.decrementAndGet();
                    }
                }
            };
        }

        @Override
        public int output4(final int lcoreId, final Mbuf m)
        {
            final byte[] b = new byte[m.length()];
            System.arraycopy(m.array(), m.offset(), b, 0, b.length);
            sent.add(b);
            sentOn.add(lcoreId);
            pool.free(lcoreId, m);
            return Edpvs.OK;
        }
    }

    /** The route bundle's service as a table of prefixes; answers as SET 28/29 would, or a forced code. */
    static class RecordingRoutes implements Routes
    {
        final List<String> calls = new ArrayList<>();
        final List<RouteSpec> table = new ArrayList<>();
        /** When not OK, an add of a local /32 answers this. */
        volatile int refuseLocal = Edpvs.OK;
        final List<String> threads = new ArrayList<>();

        @Override
        public synchronized int size()
        {
            return table.size();
        }

        @Override
        public String describe(final int daddr)
        {
            return null;
        }

        @Override
        public synchronized int add(final RouteSpec r)
        {
            calls.add("add " + text(r));
            threads.add(Thread.currentThread().getName());
            if (32 == r.plen() && Edpvs.OK != refuseLocal)
            {
                return refuseLocal;
            }
            for (final RouteSpec t : table)
            {
                if (t.dst() == r.dst() && t.plen() == r.plen())
                {
                    return Edpvs.EXIST;
                }
            }
            table.add(r);
            return Edpvs.OK;
        }

        @Override
        public synchronized int delete(final RouteSpec r)
        {
            calls.add("del " + text(r));
            threads.add(Thread.currentThread().getName());
            for (int i = 0; i < table.size(); i++)
            {
                final RouteSpec t = table.get(i);
                if (t.dst() == r.dst() && t.plen() == r.plen() && t.ifname().equals(r.ifname()))
                {
                    table.remove(i);
                    return Edpvs.OK;
                }
            }
            return Edpvs.NOTEXIST;
        }

        synchronized List<String> calls()
        {
            return new ArrayList<>(calls);
        }

        synchronized List<String> table()
        {
            final List<String> l = new ArrayList<>();
            for (final RouteSpec r : table)
            {
                l.add(text(r));
            }
            return l;
        }

        static String text(final RouteSpec r)
        {
            return IfAddr.ip(r.dst()) + "/" + r.plen() + (0x800 == r.flags() ? " localin" : 0x400 == r.flags()
                ? " forward" : " flags " + r.flags()) + (0 == r.src() ? "" : " src " + IfAddr.ip(r.src()))
                + " dev " + r.ifname();
        }
    }
}
