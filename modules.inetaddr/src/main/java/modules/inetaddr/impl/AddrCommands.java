package modules.inetaddr.impl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;

import modules.inetaddr.cli.AddrCtl;
import modules.route.api.RouteConf;
import modules.route.api.RouteSpec;
import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;

/**
 * Gogo commands of the {@code addr} scope, registered by {@link InetAddrComponent}, with dpip's syntax and
 * output ({@code addr:add 10.0.1.1/24 dev dpdk0}). Each returns its output.
 */
public final class AddrCommands
{
    static final String[] FUNCTIONS = {"add", "del", "set", "flush", "show", "lcores", "routes", "stats"};

    private final InetAddrCore core;

    AddrCommands(final InetAddrCore core)
    {
        this.core = core;
    }

    @Descriptor("adds an address: ADDR[/PLEN] dev PORT [broadcast ADDR] [scope host|link|global|NUM]")
    public String add(final String... args)
    {
        return set("add", args);
    }

    @Descriptor("deletes an address and its routes: ADDR[/PLEN] dev PORT")
    public String del(final String... args)
    {
        return set("del", args);
    }

    @Descriptor("changes an address's broadcast and scope: ADDR[/PLEN] dev PORT [broadcast ADDR] [scope ...]")
    public String set(final String... args)
    {
        return set("set", args);
    }

    @Descriptor("deletes every address of a port: dev PORT")
    public String flush(final String... args)
    {
        return set("flush", args);
    }

    @Descriptor("lists the addresses as dpip addr show prints them: [dev PORT] [-v] [-s]")
    public String show(final String... args)
    {
        final AddrCtl.Request r;
        try
        {
            r = AddrCtl.parse(words("show", args));
        }
        catch (final IllegalArgumentException ex)
        {
            return "addr: " + ex.getMessage() + System.lineSeparator();
        }
        final StringBuilder why = new StringBuilder();
        final ByteBuffer[] body = new ByteBuffer[1];
        final int rc = core.show.get(r.sockopt(), ByteBuffer.wrap(r.param()).order(ByteOrder.LITTLE_ENDIAN),
            why::append, n -> body[0] = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN));
        if (Edpvs.OK != rc)
        {
            return String.format(Locale.ROOT, "addr: %s (%s)%n", why, Edpvs.strerror(rc));
        }
        return AddrCtl.show(body[0].array());
    }

    @Descriptor("asks every forwarding lcore for its own table")
    public String lcores()
    {
        return core.show.lcoreTables();
    }

    @Descriptor("the routes this bundle made for the addresses (through the route bundle)")
    public String routes()
    {
        final StringBuilder sb = new StringBuilder(core.routes.bound() ? "" : "no route bundle bound"
            + System.lineSeparator());
        for (final RouteSpec s : core.routes.held())
        {
            sb.append(IfAddr.ip(s.dst())).append('/').append(s.plen())
                .append(0 != (s.flags() & RouteConf.RTF_LOCALIN) ? " scope host" : "")
                .append(0 == s.src() ? "" : " src " + IfAddr.ip(s.src())).append(" dev ").append(s.ifname())
                .append(System.lineSeparator());
        }
        return sb.toString();
    }

    @Descriptor("the addresses' counters and the ICMP receiver's, per lcore")
    public String stats()
    {
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
            "addresses %d; added %d, deleted %d, changed %d, flushed %d, refused %d, multicasts failed %d%n",
            core.size(), core.added.get(), core.deleted.get(), core.changed.get(), core.flushed.get(),
            core.refused.get(), core.multicastFailures.get())
            + "inetaddr.change events: " + core.events.describe() + System.lineSeparator());
        for (int l = 0; l < LcoreScheduler.MAX_LCORES; l++)
        {
            final StringBuilder line = new StringBuilder();
            long any = 0;
            for (int c = 0; c < IcmpEcho.NAMES.length; c++)
            {
                final long v = core.icmp.counter(l, c);
                any |= v;
                line.append(' ').append(IcmpEcho.NAMES[c]).append(' ').append(v);
            }
            if (0 != any)
            {
                sb.append("lcore ").append(l).append(" icmp:").append(line).append(System.lineSeparator());
            }
        }
        return sb.toString();
    }

    private String set(final String verb, final String... args)
    {
        final AddrCtl.Request r;
        try
        {
            r = AddrCtl.parse(words(verb, args));
        }
        catch (final IllegalArgumentException ex)
        {
            return "addr: " + ex.getMessage() + System.lineSeparator();
        }
        final StringBuilder why = new StringBuilder();
        final int rc = core.request(r.sockopt(), r.param(), why::append);
        return Edpvs.OK == rc ? "" : String.format(Locale.ROOT, "addr %s: %s (%s)%n", verb, why,
            Edpvs.strerror(rc));
    }

    private static List<String> words(final String verb, final String... args)
    {
        final List<String> w = new ArrayList<>();
        w.add(verb);
        if (null != args)
        {
            w.addAll(Arrays.asList(args));
        }
        return w;
    }
}
