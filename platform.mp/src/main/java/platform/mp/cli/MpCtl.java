package platform.mp.cli;

import java.io.PrintStream;
import java.util.List;

import platform.mp.client.MpCli;
import platform.sockopt.client.CtlCommand;
import platform.sockopt.client.SockoptClient;

/**
 * {@code dplanectl mp ...}: the platform's command line attached as a secondary of the multi-process channel
 * ({@link MpCli}'s commands: watch events live, read the statistics segment, request and send). Found by
 * {@code dplanectl} with {@link java.util.ServiceLoader} ({@code bin/dplanectl} puts this jar on its class path);
 * it talks to the channel's socket, not to the control socket it is handed.
 */
public final class MpCtl implements CtlCommand
{
    private static final String USAGE = String.join(System.lineSeparator(),
        "  mp [--dir DIR] info                              the multi-process channel's primary",
        "  mp [--dir DIR] watch EVENT [--count N]           print events live (route.change, neigh.change,",
        "                                                   inetaddr.change, blklst.change, platform.bundle)",
        "  mp [--dir DIR] stats [PREFIX]                    the statistics segment, read with no request",
        "  mp [--dir DIR] request NAME [TEXT] [--timeout MS] a request to the primary's action NAME",
        "  mp [--dir DIR] send NAME [TEXT]                  a one-way message to the primary");

    @Override
    public String name()
    {
        return "mp";
    }

    @Override
    public String usage()
    {
        return USAGE;
    }

    @Override
    public int run(final List<String> args, final SockoptClient client, final PrintStream out, final PrintStream err)
    {
        // MpCli's exit codes are dplanectl's: 0, 1 (a reply missing), 2 (usage or connection)
        return MpCli.run(args.toArray(new String[0]), out, System.getenv());
    }
}
