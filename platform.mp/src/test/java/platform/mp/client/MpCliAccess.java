package platform.mp.client;

import java.io.PrintStream;
import java.util.Map;

/** Lets tests of other packages run the command line with an environment of their own. */
public final class MpCliAccess
{
    private MpCliAccess()
    {
    }

    public static int run(final String[] args, final PrintStream out)
    {
        return MpCli.run(args, out, Map.of());
    }
}
