package modules.blklst.impl;

/**
 * One lcore's blacklist table for the benchmarks, outside OSGi. Split package on the plain benchmark class path on
 * purpose; it does not exist in the bundle.
 */
public final class BenchBlklst
{
    private final BlklstTable table = new BlklstTable(64);

    /**
     * @param proto the protocol.
     * @param vaddr IPv4 service address.
     * @param vport the port.
     * @param saddr the blacklisted address.
     */
    public void addV4(final int proto, final int vaddr, final int vport, final int saddr)
    {
        table.add(new BlklstEntry(2, proto, vport, vaddr & 0xffffffffL, 0, saddr & 0xffffffffL, 0));
    }

    /** The lookup {@code Blacklist.containsV4} makes once it has the calling lcore's table. */
    public boolean containsV4(final int proto, final int vaddr, final int vport, final int saddr)
    {
        return table.contains(BlklstTable.meta(2, proto, vport), vaddr & 0xffffffffL, 0, saddr & 0xffffffffL, 0);
    }

    public int size()
    {
        return table.size();
    }

    /**
     * The blacklist bundle's core with its PRE_ROUTING hook on netif, started outside OSGi: entries come through
     * the control socket (SET 73) as from ipvsadm.
     *
     * @return what stops it (the hook first, then the core).
     */
    public static AutoCloseable start(final platform.lcore.api.LcoreScheduler lcores,
        final platform.msgmgr.api.MsgManager msg, final platform.sockopt.api.SockoptRegistry sockopts,
        final modules.netif.api.Netif netif, final int maxEntries) throws Exception
    {
        final BlklstCore core = new BlklstCore(lcores, msg, maxEntries, 200_000, "bench");
        core.start(sockopts);
        final AutoCloseable hook = NetifHook.register(netif, core);
        return () ->
        {
            hook.close();
            core.stop();
        };
    }
}
