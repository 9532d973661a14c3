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

import platform.mp.api.MpException;
import platform.mp.api.MpMessage;
import platform.mp.api.MpReply;
import platform.mp.client.Frame;
import platform.mp.client.MpConnection;
import platform.mp.client.MpRegions;

/**
 * The primary's shared regions ({@link MpRegions}): ALLOC creates {@code region_<name>} in the runtime directory and
 * has every secondary but the requester map it, rolling back when one does not; FREE unmaps and removes; LOOKUP
 * tells a secondary that attached later where an existing region is. The primary's bundles allocate and free
 * regions of their own the same way ({@link #allocOwn}). Secondaries' requests run on the primary's built-in thread,
 * bundles' on their own; one operation at a time (this object's lock), each may make synchronous requests.
 */
final class RegionManager
{
    private static final Logger LOG = LoggerFactory.getLogger(RegionManager.class);

    /**
     * A region.
     *
     * @param owner  the secondary that allocated it, 0 for the primary.
     * @param bundle the primary's bundle that allocated it, or null.
     */
    record Region(String name, Path path, int size, int owner, String bundle)
    {
    }

    private final MpPrimary primary;
    private final Map<String, Region> regions = new ConcurrentHashMap<>();

    RegionManager(final MpPrimary primary)
    {
        this.primary = primary;
    }

    synchronized void alloc(final MpConnection c, final Frame f)
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
        final byte[] st = create(name, size, timeout, primary.peersExcept(c), c.peerId(), null);
        primary.replyTo(c, f, st);
    }

    /**
     * Creates a region of a bundle of the primary, mapped by every secondary before this returns.
     *
     * @param name    the name.
     * @param size    the size.
     * @param timeout how long the secondaries may take.
     * @param bundle  the bundle.
     * @return the primary's mapping.
     * @throws MpException with the errno of the failure.
     */
    synchronized MappedByteBuffer allocOwn(final String name, final int size, final Duration timeout,
        final String bundle)
    {
        final byte[] st = create(name, size, timeout, primary.peersExcept(null), 0, bundle);
        if (MpRegions.OK != MpRegions.statusCode(st))
        {
            throw new MpException(MpRegions.statusCode(st), "region " + name + ": " + MpRegions.statusText(st));
        }
        try
        {
            return MpRegions.map(Path.of(MpRegions.statusText(st)), size);
        }
        catch (final IOException e)
        {
            // every secondary mapped it, this process cannot: take it back from them
            removeAndUnmap(regions.remove(name), timeout);
            throw new MpException(MpRegions.EIO, "cannot map region " + name + ": " + e.getMessage());
        }
    }

    /** Creates the file and has {@code others} map it; returns the status reply (OK with the path). */
    private byte[] create(final String name, final int size, final Duration timeout, final List<MpConnection> others,
        final int owner, final String bundle)
    {
        if (!MpRegions.validName(name) || size <= 0 || size > MpRegions.MAX_SIZE)
        {
            return MpRegions.status(MpRegions.EINVAL, "bad region " + name + " of " + size + " bytes");
        }
        final Path path = primary.dir.resolve(MpRegions.FILE_PREFIX + name);
        if (regions.containsKey(name) || Files.exists(path))
        {
            return MpRegions.status(MpRegions.EEXIST, "region " + name + " exists");
        }
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.setLength(size);
        }
        catch (final IOException e)
        {
            return MpRegions.status(MpRegions.EIO, "cannot create " + path + ": " + e.getMessage());
        }
        final MpReply r = primary.requestTo(MpRegions.MAP, MpRegions.params(size, -1, path.toString()), timeout,
            others);
        final String failure = failure(r);
        final String who = null == bundle ? "secondary " + owner : "bundle " + bundle;
        if (null != failure)
        {
            // roll back: nobody keeps a region the requester was told does not exist
            primary.requestTo(MpRegions.UNMAP, name.getBytes(StandardCharsets.UTF_8), timeout, others);
            delete(path);
            LOG.warn("region {} for {} rolled back: {}", name, who, failure);
            return MpRegions.status(MpRegions.ETIMEDOUT, failure);
        }
        regions.put(name, new Region(name, path, size, owner, bundle));
        LOG.info("region {} ({} bytes) for {}, mapped by {} others", name, size, who, r.nbSent());
        return MpRegions.status(MpRegions.OK, path.toString());
    }

    /**
     * LOOKUP from a secondary attaching after a region was made: where it is (the size is the file's).
     *
     * @param c the secondary.
     * @param f the REQ: the name.
     */
    synchronized void lookup(final MpConnection c, final Frame f)
    {
        final Region r = regions.get(MpRegions.tail(f.params(), 0));
        primary.replyTo(c, f, null == r ? MpRegions.status(MpRegions.ENOENT, "no region " + MpRegions.tail(
            f.params(), 0)) : MpRegions.status(MpRegions.OK, r.path().toString()));
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

    synchronized void free(final MpConnection c, final Frame f)
    {
        final byte[] p = f.params();
        final Duration timeout = Duration.ofMillis(p.length >= 4 ? Math.max(1, ByteBuffer.wrap(p).getInt(0)) : 1000);
        final String name = MpRegions.tail(p, 4);
        final Region region = regions.get(name);
        if (null == region || 0 == region.owner())
        {
            // the primary's regions (mp.stats, its bundles') are not the secondaries' to free
            primary.replyTo(c, f, MpRegions.status(MpRegions.ENOENT, "no region of the secondaries named " + name));
            return;
        }
        regions.remove(name);
        primary.requestTo(MpRegions.UNMAP, name.getBytes(StandardCharsets.UTF_8), timeout, primary.peersExcept(c));
        delete(region.path());
        LOG.info("region {} freed by secondary {}", name, c.peerId());
        primary.replyTo(c, f, MpRegions.status(MpRegions.OK, ""));
    }

    /**
     * Frees a region of a bundle: every secondary unmaps it, the file is removed.
     *
     * @param name    the region.
     * @param timeout how long the secondaries may take.
     * @param bundle  the bundle.
     * @throws MpException ENOENT when the bundle has no such region.
     */
    synchronized void freeOwn(final String name, final Duration timeout, final String bundle)
    {
        final Region region = regions.get(name);
        if (null == region || !bundle.equals(region.bundle()))
        {
            throw new MpException(MpRegions.ENOENT, "bundle " + bundle + " has no region " + name);
        }
        removeAndUnmap(regions.remove(name), timeout);
        LOG.info("region {} freed by bundle {}", name, bundle);
    }

    /**
     * Frees every region of a bundle (it released the channel).
     *
     * @param bundle  the bundle.
     * @param timeout how long the secondaries may take.
     */
    synchronized void freeAll(final String bundle, final Duration timeout)
    {
        for (final Region r : list())
        {
            if (bundle.equals(r.bundle()))
            {
                removeAndUnmap(regions.remove(r.name()), timeout);
            }
        }
    }

    private void removeAndUnmap(final Region region, final Duration timeout)
    {
        if (null != region)
        {
            try
            {
                primary.requestTo(MpRegions.UNMAP, region.name().getBytes(StandardCharsets.UTF_8), timeout,
                    primary.peersExcept(null));
            }
            catch (final MpException e)
            {
                // the primary is closing, or a bundle released the channel from a callback: remove the file anyway
                LOG.warn("region {}: secondaries not told to unmap it: {}", region.name(), e.getMessage());
            }
            delete(region.path());
        }
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
        regions.put(name, new Region(name, path, size, 0, null));
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
