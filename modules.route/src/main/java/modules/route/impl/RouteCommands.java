package modules.route.impl;

import java.util.Locale;

import org.apache.felix.service.command.Descriptor;

/**
 * Gogo commands of the {@code route} scope, registered by {@link RouteComponent}. Each returns its output.
 */
public final class RouteCommands
{
    static final String[] FUNCTIONS = {"list", "lcores", "lookup", "stats"};

    private final RouteCore core;

    RouteCommands(final RouteCore core)
    {
        this.core = core;
    }

    @Descriptor("lists the routes as the master lcore holds them, in GET 32's order, as dpip route show prints them")
    public String list()
    {
        final StringBuilder sb = new StringBuilder();
        for (final RouteEntry e : core.showOrder(-1))
        {
            sb.append(e).append(' ').append(System.lineSeparator());
        }
        return sb.toString();
    }

    @Descriptor("asks every forwarding lcore how many routes its own table holds")
    public String lcores()
    {
        return core.lcoreCounts() + core.memory();
    }

    @Descriptor("asks every forwarding lcore for its own longest match of an IPv4 address")
    public String lookup(@Descriptor("IPv4 address, e.g. 10.1.2.3") final String address)
    {
        final String[] p = address.split("\\.");
        if (4 != p.length)
        {
            return "not an IPv4 address: " + address;
        }
        int a = 0;
        for (final String b : p)
        {
            a = (a << 8) | (Integer.parseInt(b) & 0xff);
        }
        return core.lookupOnWorkers(a);
    }

    @Descriptor("the routing table's counters")
    public String stats()
    {
        return String.format(Locale.ROOT, "routes %d; added %d, deleted %d, flushed %d, refused %d, "
            + "multicasts failed %d%n", core.size(), core.added.get(), core.deleted.get(), core.flushed.get(),
            core.refused.get(), core.multicastFailures.get());
    }
}
