package platform.mp.client;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;

/**
 * The primary's runtime information, written to {@code <runtime dir>/mp.info} (DPDK's {@code config} file in
 * {@code /var/run/dpdk/<prefix>/}) and read by a secondary when it attaches. Java properties:
 * {@code pid}, {@code version}, {@code socket}, {@code max.param.len}, {@code started} (epoch ms), and
 * {@code fd.socket} when the primary passes file descriptors (JNA there).
 *
 * @param pid         the primary's pid.
 * @param version     the protocol version it speaks.
 * @param socket      the socket path.
 * @param maxParamLen the longest params it accepts.
 * @param started     when it started, epoch ms.
 * @param fdSocket    the socket fds travel on ({@link FdSocket}), or null when the primary passes none.
 */
public record MpRuntimeInfo(long pid, int version, Path socket, int maxParamLen, long started, Path fdSocket)
{
    /**
     * Information of a primary that passes no fds.
     *
     * @param pid         the primary's pid.
     * @param version     the protocol version it speaks.
     * @param socket      the socket path.
     * @param maxParamLen the longest params it accepts.
     * @param started     when it started, epoch ms.
     */
    public MpRuntimeInfo(final long pid, final int version, final Path socket, final int maxParamLen,
        final long started)
    {
        this(pid, version, socket, maxParamLen, started, null);
    }

    /** The info file's name in the runtime directory. */
    public static final String FILE_NAME = "mp.info";
    /** The socket's name in the runtime directory (DPDK's "mp_socket"). */
    public static final String SOCKET_NAME = "mp_socket";
    /** The fd socket's name in the runtime directory. */
    public static final String FD_SOCKET_NAME = "mp_fd_socket";
    /** The environment variable naming the runtime directory, for primary and secondaries alike. */
    public static final String ENV_DIR = "DPLANE_MP_DIR";

    /**
     * Writes the file atomically (a secondary never reads half of it).
     *
     * @param dir the runtime directory.
     * @throws IOException when it cannot be written.
     */
    public void write(final Path dir) throws IOException
    {
        final Properties p = new Properties();
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("version", Integer.toString(version));
        p.setProperty("socket", socket.toString());
        p.setProperty("max.param.len", Integer.toString(maxParamLen));
        p.setProperty("started", Long.toString(started));
        if (null != fdSocket)
        {
            p.setProperty("fd.socket", fdSocket.toString());
        }
        final Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8))
        {
            p.store(w, "platform.mp runtime information");
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * @param dir the runtime directory.
     * @return the primary's information.
     * @throws IOException when the file is missing or malformed.
     */
    public static MpRuntimeInfo read(final Path dir) throws IOException
    {
        final Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve(FILE_NAME), StandardCharsets.UTF_8))
        {
            p.load(r);
        }
        try
        {
            return new MpRuntimeInfo(Long.parseLong(p.getProperty("pid")),
                Integer.parseInt(p.getProperty("version")), Path.of(p.getProperty("socket")),
                Integer.parseInt(p.getProperty("max.param.len")), Long.parseLong(p.getProperty("started", "0")),
                null == p.getProperty("fd.socket") ? null : Path.of(p.getProperty("fd.socket")));
        }
        catch (final RuntimeException e)
        {
            throw new IOException("malformed " + dir.resolve(FILE_NAME) + ": " + e, e);
        }
    }

    /**
     * The default runtime directory, the same for the primary and its secondaries: {@code DPLANE_MP_DIR}, else
     * {@code $XDG_RUNTIME_DIR/dplane-mp}, else {@code <tmpdir>/dplane-<user>/mp}.
     *
     * @param env the environment.
     * @return the directory.
     */
    public static Path defaultDir(final Map<String, String> env)
    {
        final String set = env.get(ENV_DIR);
        if (null != set && !set.isBlank())
        {
            return Path.of(set.trim());
        }
        final String xdg = env.get("XDG_RUNTIME_DIR");
        if (null != xdg && !xdg.isBlank() && Files.isDirectory(Path.of(xdg)) && Files.isWritable(Path.of(xdg)))
        {
            return Path.of(xdg, "dplane-mp");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "dplane-" + System.getProperty("user.name"), "mp");
    }
}
