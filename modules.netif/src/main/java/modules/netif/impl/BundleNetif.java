package modules.netif.impl;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import modules.netif.api.HookHandle;
import modules.netif.api.HookPoint;
import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.MbufPool;
import modules.netif.api.Netif;
import modules.netif.api.PacketReceiver;
import modules.netif.api.PortInfo;
import modules.netif.api.ReceiverHandle;

/**
 * One bundle's view of netif: its hooks carry the bundle as owner, and those still registered when the bundle
 * releases the service (it stopped) are closed for it.
 */
final class BundleNetif implements Netif
{
    private static final Logger LOG = LoggerFactory.getLogger(BundleNetif.class);

    private final NetifCore core;
    private final String owner;

    BundleNetif(final NetifCore core, final String owner)
    {
        this.core = core;
        this.owner = owner;
    }

    @Override
    public HookHandle registerHook(final HookPoint point, final int priority, final String name,
        final InetHook hook)
    {
        return core.registerHook(point, priority, name, hook, owner);
    }

    @Override
    public List<PortInfo> ports()
    {
        return core.ports();
    }

    @Override
    public int portId(final String name)
    {
        return core.portId(name);
    }

    @Override
    public MbufPool pool()
    {
        return core.pool();
    }

    @Override
    public int xmit(final int lcoreId, final Mbuf m, final int port)
    {
        return core.xmit(lcoreId, m, port);
    }

    @Override
    public ReceiverHandle registerPacketType(final int ethertype, final String name, final PacketReceiver receiver)
    {
        return core.registerPacketType(ethertype, name, receiver, owner);
    }

    @Override
    public ReceiverHandle registerProtocol(final int protocol, final String name, final PacketReceiver receiver)
    {
        return core.registerProtocol(protocol, name, receiver, owner);
    }

    @Override
    public int output4(final int lcoreId, final Mbuf m)
    {
        return core.output4(lcoreId, m);
    }

    void release()
    {
        final int n = core.closeHooksOf(owner);
        if (n > 0)
        {
            LOG.info("closed {} hooks and receivers {} left registered", n, owner);
        }
    }
}
