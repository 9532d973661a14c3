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
}
