package platform.sockopt.impl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import platform.sockopt.client.SockoptPaths;

/**
 * Where the server listens: {@code DPVS_IPC_FILE} (what DPVS's tools read), else the configured path, else
 * {@code /var/run/dpvs.ipc} when its directory is writable, else the per-user runtime path.
 */
final class SocketPathResolver
{
    private SocketPathResolver()
    {
    }

    /**
     * @param env        the environment.
     * @param configured the configured path, null or empty for none.
     * @return the path and where it came from, e.g. "/var/run/dpvs.ipc (DPVS default)".
     */
    static Resolved resolve(final Map<String, String> env, final String configured)
    {
        return resolve(env, configured, SockoptPaths.DPVS_DEFAULT);
    }

    /** As {@link #resolve(Map, String)} with DPVS's default path given, so that tests need not own /var/run. */
    static Resolved resolve(final Map<String, String> env, final String configured, final Path dpvsDefault)
    {
        final String fromEnv = env.get(SockoptPaths.ENV);
        if (null != fromEnv && !fromEnv.isEmpty())
        {
            return new Resolved(Path.of(fromEnv), SockoptPaths.ENV);
        }
        if (null != configured && !configured.isBlank())
        {
            return new Resolved(Path.of(configured.trim()), "configuration");
        }
        final Path dir = dpvsDefault.getParent();
        if (Files.isDirectory(dir) && Files.isWritable(dir))
        {
            return new Resolved(dpvsDefault, "DPVS default");
        }
        return new Resolved(SockoptPaths.userPath(env), "per-user runtime directory");
    }

    /**
     * @param path   the socket path.
     * @param origin where it came from.
     */
    record Resolved(Path path, String origin)
    {
    }
}
