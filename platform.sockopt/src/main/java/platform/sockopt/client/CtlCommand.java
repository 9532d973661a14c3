package platform.sockopt.client;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A {@code dplanectl} subcommand a feature bundle contributes ({@code dplanectl blklst ...}), found with
 * {@link java.util.ServiceLoader} on the command line's class path ({@code bin/dplanectl} puts every feature
 * bundle's jar there). Runs outside OSGi: only the JDK and this package.
 */
@ConsumerType
public interface CtlCommand
{
    /**
     * @return the first word of the command line that selects this command, e.g. "blklst".
     */
    String name();

    /**
     * @return the usage lines shown by {@code dplanectl --help}, each starting with two spaces and the name.
     */
    String usage();

    /**
     * @param args   the words after the name.
     * @param client the client for the platform's socket.
     * @param out    standard output.
     * @param err    standard error.
     * @return {@link #EXIT_OK}, {@link #EXIT_ERRCODE} after printing the platform's error, or {@link #EXIT_USAGE}
     * after printing what is wrong with the arguments.
     * @throws IOException when the socket fails; dplanectl turns it into its exit code.
     */
    int run(List<String> args, SockoptClient client, PrintStream out, PrintStream err) throws IOException;

    /** Success. */
    int EXIT_OK = 0;
    /** The platform answered with a non-zero EDPVS_* code. */
    int EXIT_ERRCODE = 1;
    /** Bad arguments. */
    int EXIT_USAGE = 2;
}
