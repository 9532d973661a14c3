package platform.sockopt.impl;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.sockopt.client.SockoptPaths;

/**
 * The socket file: bound owner-only (0600), a stale file (nobody listening) replaced, a live server never taken
 * over, and removed at stop only while it is still the file this server bound (another server may have replaced
 * it meanwhile).
 */
final class SocketFile
{
    private static final Logger LOG = LoggerFactory.getLogger(SocketFile.class);
    /** S_IFMT and S_IFSOCK of st_mode. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    final Path path;
    final ServerSocketChannel channel;
    /** The bound file's identity (device, inode): what {@link #remove()} checks before deleting. */
    private final Object fileKey;

    private SocketFile(final Path path, final ServerSocketChannel channel, final Object fileKey)
    {
        this.path = path;
        this.channel = channel;
        this.fileKey = fileKey;
    }

    /**
     * @param path    where to listen.
     * @param backlog the listen backlog: connections the kernel queues before the master accepts them.
     * @return the bound, non-blocking listening socket.
     * @throws IOException           when the socket cannot be bound.
     * @throws IllegalStateException when a live server holds the path.
     */
    static SocketFile bind(final Path path, final int backlog) throws IOException
    {
        final ServerSocketChannel ch = bindChannel(path, backlog);
        try
        {
            final Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
            ch.configureBlocking(false);
            return new SocketFile(path, ch, key);
        }
        catch (final IOException | RuntimeException ex)
        {
            ch.close();
            throw ex;
        }
    }

    static ServerSocketChannel bindChannel(final Path path, final int backlog) throws IOException
    {
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > SockoptPaths.MAX_PATH_BYTES)
        {
            throw new IOException("control socket path longer than 107 bytes (sun_path): " + path);
        }
        final Path dir = path.toAbsolutePath().getParent();
        if (null != dir && !Files.isDirectory(dir))
        {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS))
        {
            final int mode = (Integer)Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & S_IFMT) != S_IFSOCK)
            {
                throw new IOException(path + " exists and is not a socket; refusing to replace it");
            }
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path)))
            {
                throw new IllegalStateException("another server is listening on " + path
                    + "; not taking it over (stop it, or set DPVS_IPC_FILE or platform.sockopt.path)");
            }
            catch (final ConnectException stale)
            {
                LOG.warn("replacing stale control socket {} (nobody listens: {})", path, stale.getMessage());
                Files.deleteIfExists(path);
            }
        }
        final ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            ch.bind(UnixDomainSocketAddress.of(path), backlog);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        }
        catch (final IOException | RuntimeException ex)
        {
            ch.close();
            throw ex;
        }
        return ch;
    }

    /** Closes the listening socket and deletes the file unless another server replaced it meanwhile. */
    void remove()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            LOG.debug("closing the listening socket", ex);
        }
        try
        {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && fileKey != null && fileKey.equals(
                Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey()))
            {
                Files.delete(path);
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("could not remove control socket {}: {}", path, ex.toString());
        }
    }
}
