package platform.mp.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import platform.mp.api.MpException;
import platform.mp.api.MpMessage;
import platform.mp.api.MpReply;

/**
 * A secondary's shared regions ({@link MpRegions}): its mappings, the MAP and UNMAP actions the primary's sync
 * requests run, ALLOC / LOOKUP / FREE requests to the primary, and the statistics region's mapping. The public
 * methods are {@link MpSecondary}'s.
 */
final class SecondaryRegions
{
    /** How a request reaches the primary. */
    @FunctionalInterface
    interface Requester
    {
        MpReply request(String name, byte[] params, Duration timeout);
    }

    private final Path dir;
    private final Requester requester;
    private final Map<String, MappedByteBuffer> regions = new ConcurrentHashMap<>();
    private volatile StatsView statsView;

    SecondaryRegions(final Path dir, final Requester requester)
    {
        this.dir = dir;
        this.requester = requester;
    }

    /** UNMAP: forgets the mapping (the GC unmaps it). */
    byte[] unmap(final MpMessage m)
    {
        regions.remove(MpRegions.tail(m.params(), 0));
        return MpRegions.status(MpRegions.OK, "");
    }

    /** MAP (the primary's sync request): maps the file, answers a status. */
    byte[] map(final MpMessage m)
    {
        final int size = ByteBuffer.wrap(m.params()).getInt(0);
        final Path path = Path.of(MpRegions.tail(m.params(), 4));
        try
        {
            regions.put(MpRegions.nameOf(path), MpRegions.map(path, size));
            return MpRegions.status(MpRegions.OK, "");
        }
        catch (final IOException | RuntimeException e)
        {
            return MpRegions.status(MpRegions.EIO, String.valueOf(e.getMessage()));
        }
    }

    /** See {@link MpSecondary#alloc}. */
    MappedByteBuffer alloc(final String name, final int size, final Duration timeout)
    {
        if (!MpRegions.validName(name) || size <= 0 || size > MpRegions.MAX_SIZE)
        {
            throw new MpException(MpException.INVALID, "bad region " + name + " of " + size + " bytes");
        }
        final byte[] st = regionRequest(MpRegions.ALLOC, MpRegions.params(size, (int) timeout.toMillis(), name),
            timeout);
        final Path path = Path.of(MpRegions.statusText(st));
        try
        {
            final MappedByteBuffer b = MpRegions.map(path, size);
            regions.put(name, b);
            return b;
        }
        catch (final IOException e)
        {
            throw new MpException(MpRegions.EIO, "cannot map " + path + ": " + e.getMessage());
        }
    }

    /** See {@link MpSecondary#lookup}. */
    MappedByteBuffer lookup(final String name, final Duration timeout)
    {
        if (!MpRegions.validName(name))
        {
            throw new MpException(MpException.INVALID, "bad region name " + name);
        }
        final MpReply r = requester.request(MpRegions.LOOKUP, name.getBytes(StandardCharsets.UTF_8), timeout);
        if (0 == r.nbReceived())
        {
            throw new MpException(MpException.NOT_CONNECTED, "no answer from the primary to " + MpRegions.LOOKUP);
        }
        final byte[] st = r.replies().get(0).params();
        if (MpRegions.OK != MpRegions.statusCode(st))
        {
            throw new MpException(MpRegions.statusCode(st), MpRegions.LOOKUP + ": " + MpRegions.statusText(st));
        }
        final Path path = Path.of(MpRegions.statusText(st));
        try
        {
            final MappedByteBuffer b = MpRegions.map(path, (int) Files.size(path));
            regions.put(name, b);
            return b;
        }
        catch (final IOException e)
        {
            throw new MpException(MpRegions.EIO, "cannot map " + path + ": " + e.getMessage());
        }
    }

    /** See {@link MpSecondary#free}. */
    void free(final String name, final Duration timeout)
    {
        regionRequest(MpRegions.FREE, MpRegions.params((int) timeout.toMillis(), -1, name), timeout);
        regions.remove(name);
    }

    private byte[] regionRequest(final String action, final byte[] params, final Duration timeout)
    {
        // the primary may wait twice (the request, then a rollback): wait for it a little longer
        final MpReply r = requester.request(action, params, timeout.multipliedBy(2).plusSeconds(1));
        if (0 == r.nbReceived())
        {
            throw new MpException(MpException.NOT_CONNECTED, "no answer from the primary to " + action);
        }
        final byte[] st = r.replies().get(0).params();
        if (MpRegions.OK != MpRegions.statusCode(st))
        {
            throw new MpException(MpRegions.statusCode(st), action + ": " + MpRegions.statusText(st));
        }
        return st;
    }

    /** See {@link MpSecondary#stats}. */
    Map<String, Long> stats()
    {
        final Path path = dir.resolve(MpRegions.FILE_PREFIX + MpStats.REGION);
        try
        {
            final Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            StatsView v = statsView;
            if (null == v || !v.key.equals(key))
            {
                v = new StatsView(key, MpRegions.map(path, (int) Files.size(path)));
                statsView = v;
            }
            return MpStats.read(v.buffer);
        }
        catch (final IOException e)
        {
            throw new MpException(MpRegions.EIO, "cannot map " + path + ": " + e.getMessage());
        }
    }

    private record StatsView(Object key, MappedByteBuffer buffer)
    {
    }

    /** See {@link MpSecondary#region}. */
    MappedByteBuffer region(final String name)
    {
        return regions.get(name);
    }
}
