package platform.sockopt.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where the control socket lives. DPVS's tools read {@code DPVS_IPC_FILE}, else use {@code /var/run/dpvs.ipc};
 * the platform serves the same path when it may write there, else a per-user runtime directory, which its own
 * client also looks at.
 */
@ProviderType
public final class SockoptPaths
{
    /** The environment variable DPVS's tools read. */
    public static final String ENV = "DPVS_IPC_FILE";
    /** DPVS's default path. */
    public static final Path DPVS_DEFAULT = Path.of("/var/run/dpvs.ipc");
    /** sun_path is 108 bytes with the NUL. */
    public static final int MAX_PATH_BYTES = 107;
    static final String FILE_NAME = "dpvs.ipc";

    private SockoptPaths()
    {
    }

    /**
     * @param env the environment.
     * @return the per-user fallback: {@code $XDG_RUNTIME_DIR/dpvs.ipc}, else {@code <tmpdir>/dplane-<user>/dpvs.ipc}.
     */
    public static Path userPath(final Map<String, String> env)
    {
        final String xdg = env.get("XDG_RUNTIME_DIR");
        if (null != xdg && !xdg.isBlank() && Files.isDirectory(Path.of(xdg)) && Files.isWritable(Path.of(xdg)))
        {
            return Path.of(xdg, FILE_NAME);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "dplane-" + System.getProperty("user.name"), FILE_NAME);
    }

    /**
     * The client's choice: {@code DPVS_IPC_FILE}; else DPVS's default when a socket is there or the per-user path
     * has none; else the per-user path.
     *
     * @param env the environment.
     * @return the path to connect to.
     */
    public static Path clientPath(final Map<String, String> env)
    {
        final String set = env.get(ENV);
        if (null != set && !set.isEmpty())
        {
            return Path.of(set);
        }
        if (Files.exists(DPVS_DEFAULT))
        {
            return DPVS_DEFAULT;
        }
        final Path user = userPath(env);
        return Files.exists(user) ? user : DPVS_DEFAULT;
    }
}
