package platform.dist;

import java.util.function.IntConsumer;

/**
 * {@code exit [code]} for the Gogo shell, registered in scope {@code gogo}, which the shell searches first, so it
 * replaces the default profile's {@code exit} ({@code System.exit} through the {@code system} scope). That one stopped
 * the framework from inside the running command: the shell bundle, stopping, interrupted its own session waiting for
 * the command, and every {@code exit 0} printed {@code gogo: InterruptedException: null} and a last prompt. This one
 * records the exit code and starts the framework's stop; the command returns at once, and the launcher's main
 * thread returns the code once the framework has stopped.
 */
public final class ShellCommands
{
    /** Gogo scope: searched first by the shell ({@code SCOPE = 'gogo:*'} in its profile). */
    static final String SCOPE = "gogo";
    /** Gogo functions. */
    static final String[] FUNCTIONS = {"exit"};

    private final IntConsumer exit;

    ShellCommands(final IntConsumer exit)
    {
        this.exit = exit;
    }

    /** Stops the platform; the process exits with 0. */
    public void exit()
    {
        exit(0);
    }

    /**
     * Stops the platform.
     *
     * @param code the process exit code.
     */
    public void exit(final int code)
    {
        exit.accept(code);
    }
}
