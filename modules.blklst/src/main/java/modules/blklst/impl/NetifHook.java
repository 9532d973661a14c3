package modules.blklst.impl;

import modules.netif.api.HookHandle;
import modules.netif.api.HookPoint;
import modules.netif.api.InetHook;
import modules.netif.api.Mbuf;
import modules.netif.api.Netif;

/**
 * The blacklist's PRE_ROUTING hook: drops an IPv4 packet whose source is blacklisted for its destination service
 * and counts it on the entry, on the forwarding lcore's own table. Loaded only when a netif bundle is there (the
 * bundle imports netif's API optionally), so the blacklist runs without one.
 *
 * <pre>
 *  IPv4 header at l3:  +9 protocol, +12 source, +16 destination, +6 flags/fragment offset
 *  TCP/UDP/SCTP at l3 + ihl*4:  +2 destination port
 * </pre>
 */
final class NetifHook implements InetHook
{
    /** Before other PRE_ROUTING hooks of default priority 0: a blacklisted packet costs no more work. */
    static final int PRIORITY = -100;
    static final String NAME = "blklst";

    private final BlklstCore core;

    private NetifHook(final BlklstCore core)
    {
        this.core = core;
    }

    /**
     * @param netif the Netif service object.
     * @param core  the blacklist.
     * @return what removes the hook; once its {@code close()} returns, the hook is never called again.
     */
    static AutoCloseable register(final Object netif, final BlklstCore core)
    {
        final HookHandle h = ((Netif)netif).registerHook(HookPoint.PRE_ROUTING, PRIORITY, NAME, new NetifHook(core));
        return h::close;
    }

    @Override
    public int hook(final int lcoreId, final HookPoint point, final Mbuf m)
    {
        final int l3 = m.l3Offset();
        final int proto = m.u8(l3 + 9);
        int vport = 0;
        // ports only in the first fragment's transport header
        if ((6 == proto || 17 == proto || 132 == proto) && 0 == (m.u16(l3 + 6) & 0x1fff))
        {
            final int l4 = l3 + ((m.u8(l3) & 0xf) << 2);
            if (m.length() >= l4 + 4)
            {
                vport = m.u16(l4 + 2);
            }
        }
        return core.dropV4(lcoreId, proto, m.u32(l3 + 16), vport, m.u32(l3 + 12)) ? DROP : ACCEPT;
    }
}
