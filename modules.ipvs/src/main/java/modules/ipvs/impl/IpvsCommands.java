package modules.ipvs.impl;

import java.util.Locale;

import org.apache.felix.service.command.Descriptor;

/**
 * Gogo commands of the {@code ipvs} scope, registered by {@link IpvsComponent}. Each returns its output.
 */
public final class IpvsCommands
{
    static final String[] FUNCTIONS = {"info", "stats"};

    private final IpvsCore core;

    IpvsCommands(final IpvsCore core)
    {
        this.core = core;
    }

    @Descriptor("the version line ipvsadm prints from GET 18 (\"IP Virtual Server version A.B.C (size=N)\")")
    public String info()
    {
        return core.versionLine();
    }

    @Descriptor("the ipvs sockopts' counters: requests per GET id, refusals")
    public String stats()
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < core.requests.length(); i++)
        {
            sb.append(String.format(Locale.ROOT, "GET %d: %d%n", IpvsWire.SO_GET_VERSION + i, core.requests.get(i)));
        }
        return sb.append(String.format(Locale.ROOT, "malformed %d, count mismatch %d, no such service %d%n",
            core.malformed.get(), core.countMismatch.get(), core.notExist.get())).toString();
    }
}
