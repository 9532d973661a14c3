package modules.route.impl;

import java.util.Locale;

import org.apache.felix.service.command.Descriptor;

import platform.common.EventPublisher;

import modules.route.cli.Ipv6Text;

/**
 * Gogo commands of the {@code route} scope, registered by {@link RouteComponent}. Each returns its output.
 */
public final class RouteCommands
{
    static final String[] FUNCTIONS = {"add", "del", "flush", "show", "list", "list6", "lcores", "lookup", "stats"};

    private final RouteCore core;
    private final Route6Core core6;

    private final EventPublisher events;

    RouteCommands(final RouteCore core, final Route6Core core6)
    {
        this(core, core6, null);
    }

    RouteCommands(final RouteCore core, final Route6Core core6, final EventPublisher events)
    {
        this.core = core;
        this.core6 = core6;
        this.events = events;
    }

    @Descriptor("adds an IPv4 route as dpip route add does (SET 28's checks, on every lcore before OK)")
    public String add(@Descriptor("PREFIX[/LEN]|default [via GW] dev IF [scope host|kni_host] [mtu N] [metric N] "
        + "[src ADDR]") final String... words)
    {
        return RouteWords.command(core, "add", java.util.Arrays.asList(words));
    }

    @Descriptor("deletes an IPv4 route as dpip route del does")
    public String del(@Descriptor("PREFIX[/LEN]|default [via GW] dev IF") final String... words)
    {
        return RouteWords.command(core, "del", java.util.Arrays.asList(words));
    }

    @Descriptor("removes every IPv4 route from every lcore's table")
    public String flush()
    {
        return RouteWords.command(core, "flush", java.util.List.of());
    }

    @Descriptor("lists the IPv4 then the IPv6 routes, as dpip route show and dpip -6 route show print them")
    public String show()
    {
        return list() + list6();
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

    @Descriptor("lists the IPv6 routes as the master lcore holds them, in GET 35's order, as dpip -6 route show "
        + "prints them")
    public String list6()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Route6Entry e : core6.showOrder(-1))
        {
            sb.append(e).append(System.lineSeparator());
        }
        return sb.toString();
    }

    @Descriptor("asks every forwarding lcore how many IPv4 and IPv6 routes its own tables hold")
    public String lcores()
    {
        return core.lcoreCounts() + core.memory() + core6.lcoreCounts() + core6.memory();
    }

    @Descriptor("asks every forwarding lcore for its own longest match of an IPv4 or IPv6 address")
    public String lookup(@Descriptor("IPv4 or IPv6 address, e.g. 10.1.2.3 or 2001:db8::1") final String address)
    {
        try
        {
            if (address.contains(":"))
            {
                final byte[] a = Ipv6Text.parse(address);
                return core6.lookupOnWorkers(Ipv6Text.read(a, 0), Ipv6Text.read(a, 8));
            }
            final byte[] a = Ipv6Text.parse4(address);
            return core.lookupOnWorkers((a[0] & 0xff) << 24 | (a[1] & 0xff) << 16 | (a[2] & 0xff) << 8 | a[3] & 0xff);
        }
        catch (final IllegalArgumentException ex)
        {
            return ex.getMessage();
        }
    }

    @Descriptor("the routing tables' counters")
    public String stats()
    {
        return String.format(Locale.ROOT, "routes %d; added %d, deleted %d, flushed %d, refused %d, "
            + "multicasts failed %d%n", core.size(), core.added.get(), core.deleted.get(), core.flushed.get(),
            core.refused.get(), core.multicastFailures.get())
            + String.format(Locale.ROOT, "IPv6 routes %d; added %d, deleted %d, flushed %d, refused %d, "
            + "multicasts failed %d%n", core6.size(), core6.added.get(), core6.deleted.get(), core6.flushed.get(),
            core6.refused.get(), core6.multicastFailures.get())
            + (null == events ? "" : "route.change events: " + events.describe() + System.lineSeparator());
    }
}
