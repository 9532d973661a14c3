package platform.mp.impl;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.mp.api.MpMessage;
import platform.mp.api.MpReply;
import platform.mp.client.Frame;
import platform.mp.client.MpConnection;
import platform.mp.client.MpRegions;

/**
 * The primary's shared regions ({@link MpRegions}): ALLOC creates {@code region_<name>} in the runtime directory and
 * has every secondary but the requester map it, rolling back when one does not; FREE unmaps and removes. Runs on
 * the primary's built-in thread (one request at a time), which may make synchronous requests.
 */
final class RegionManager
{
    private static final Logger LOG = LoggerFactory.getLogger(RegionManager.class);

    /** A region. */
    record Region(String name, Path path, int size, int owner)
    {
    }

    private final MpPrimary primary;
    private final Map<String, Region> regions = new ConcurrentHashMap<>();

    RegionManager(final MpPrimary primary)
    {
        this.primary = primary;
    }

    void alloc(final MpConnection c, final Frame f)
    {
        final byte[] p = f.params();
        if (p.length < 9)
        {
            primary.replyTo(c, f, MpRegions.status(MpRegions.EINVAL, "short ALLOC"));
            return;
        }
        final int size = ByteBuffer.wrap(p).getInt(0);
        final Duration timeout = Duration.ofMillis(Math.max(1, ByteBuffer.wrap(p).getInt(4)));
        final String name = MpRegions.tail(p, 8);
        if (!MpRegions.validName(name) || size <= 0 || size > MpRegions.MAX_SIZE)
        {
            primary.replyTo(c, f, MpRegions.status(MpRegions.EINVAL, "bad region " + name + " of " + size + " bytes"));
            return;
        }
        final Path path = primary.dir.resolve(MpRegions.FILE_PREFIX + name);
        if (regions.containsKey(name) || Files.exists(path))
        {
            primary.replyTo(c, f, MpRegions.status(MpRegions.EEXIST, "region " + name + " exists"));
            return;
        }
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.setLength(size);
        }
        catch (final IOException e)
        {
            primary.replyTo(c, f, MpRegions.status(MpRegions.EIO, "cannot create " + path + ": " + e.getMessage()));
            return;
        }
        final List<MpConnection> others = primary.peersExcept(c);
        final MpReply r = primary.requestTo(MpRegions.MAP, MpRegions.params(size, -1, path.toString()), timeout,
            others);
        final String failure = failure(r);
        if (null != failure)
        {
            // roll back: nobody keeps a region the requester was told does not exist
            primary.requestTo(MpRegions.UNMAP, name.getBytes(StandardCharsets.UTF_8), timeout, others);
            delete(path);
            LOG.warn("region {} for secondary {} rolled back: {}", name, c.peerId(), failure);
            primary.replyTo(c, f, MpRegions.status(MpRegions.ETIMEDOUT, failure));
            return;
        }
        regions.put(name, new Region(name, path, size, c.peerId()));
        LOG.info("region {} ({} bytes) for secondary {}, mapped by {} others", name, size, c.peerId(), r.nbSent());
        primary.replyTo(c, f, MpRegions.status(MpRegions.OK, path.toString()));
    }

    private static String failure(final MpReply r)
    {
        if (r.nbReceived() < r.nbSent())
        {
            return (r.nbSent() - r.nbReceived()) + " of " + r.nbSent() + " secondaries did not map it in time";
        }
        for (final MpMessage m : r.replies())
        {
            if (MpRegions.OK != MpRegions.statusCode(m.params()))
            {
                return "secondary " + m.peer() + " could not map it: " + MpRegions.statusText(m.params());
            }
        }
        return null;
    }

    void free(final MpConnection c, final Frame f)
    {
        final byte[] p = f.params();
        final Duration timeout = Duration.ofMillis(p.length >= 4 ? Math.max(1, ByteBuffer.wrap(p).getInt(0)) : 1000);
        final String name = MpRegions.tail(p, 4);
        final Region region = regions.remove(name);
        if (null == region)
        {
            primary.replyTo(c, f, MpRegions.status(MpRegions.ENOENT, "no region " + name));
            return;
        }
        primary.requestTo(MpRegions.UNMAP, name.getBytes(StandardCharsets.UTF_8), timeout, primary.peersExcept(c));
        delete(region.path());
        LOG.info("region {} freed by secondary {}", name, c.peerId());
        primary.replyTo(c, f, MpRegions.status(MpRegions.OK, ""));
    }

    /**
     * Creates a region of the primary's own (owner 0), mapped here.
     *
     * @param name the name.
     * @param size the size.
     * @return the mapping.
     * @throws IOException when it cannot be created.
     */
    MappedByteBuffer createOwn(final String name, final int size) throws IOException
    {
        final Path path = primary.dir.resolve(MpRegions.FILE_PREFIX + name);
        Files.deleteIfExists(path);
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.setLength(size);
        }
        final MappedByteBuffer b = MpRegions.map(path, size);
        regions.put(name, new Region(name, path, size, 0));
        return b;
    }

    List<Region> list()
    {
        final List<Region> l = new ArrayList<>(regions.values());
        l.sort(Comparator.comparing(Region::name));
        return l;
    }

    /** Removes every region's file (the primary closes; mappings in secondaries stay valid). */
    void removeAll()
    {
        for (final Region r : regions.values())
        {
            delete(r.path());
        }
        regions.clear();
    }

    private static void delete(final Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException e)
        {
            LOG.warn("cannot remove {}", path, e);
        }
    }
}
