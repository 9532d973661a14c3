package modules.netif.impl;

import java.util.LinkedHashMap;
import java.util.Map;

/** The port drivers this bundle has, by the name a {@code port} line gives. */
final class Drivers
{
    private Drivers()
    {
    }

    /** @return a fresh map of every driver. */
    static Map<String, PortDriver> all()
    {
        final Map<String, PortDriver> m = new LinkedHashMap<>();
        add(m, new SyntheticDriver());
        add(m, new AfPacketDriver());
        add(m, new TapDriver());
        add(m, new PcapDriver());
        return m;
    }

    private static void add(final Map<String, PortDriver> m, final PortDriver d)
    {
        m.put(d.name(), d);
    }
}
