package platform.sockopt.cli;

import java.io.PrintStream;
import java.nio.ByteBuffer;

/** Opens the CLI's package-private printers to the server tests. */
public final class DplaneCtlAccess
{
    private DplaneCtlAccess()
    {
    }

    public static void printRanges(final PrintStream out, final ByteBuffer b)
    {
        DplaneCtl.printRanges(out, b);
    }
}
