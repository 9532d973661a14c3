package platform.mp.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/**
 * Shared memory regions over the channel, as DPDK's secondaries get memory from the primary: a secondary asks the
 * primary for a named region (ALLOC); the primary creates it as a file in its runtime directory
 * ({@code region_<name>}) and sends every other secondary a synchronous MAP request; if any does not map it in time
 * the primary rolls back (UNMAP to the others, file removed) and the requester gets the failure; else the requester
 * maps the file too. FREE goes the same way. The built-in action names and their params:
 * <pre>
 * mp.region.alloc  REQ  u32 size, u32 timeout_ms, name (UTF-8)   REP  u8 status, UTF-8 path or error text
 * mp.region.free   REQ  u32 timeout_ms, name                     REP  u8 status, UTF-8 error text
 * mp.region.lookup REQ  name                                     REP  u8 status, UTF-8 path (the size is the file's)
 * mp.region.map    REQ  u32 size, path (UTF-8)                   REP  u8 status, UTF-8 error text
 * mp.region.unmap  REQ  name                                     REP  u8 status
 * </pre>
 * status is 0 or an errno (EINVAL 22, EEXIST 17, ENOENT 2, EIO 5, ETIMEDOUT 110). Java cannot unmap a mapping
 * explicitly: UNMAP forgets the buffer, the GC unmaps it.
 */
public final class MpRegions
{
    public static final String ALLOC = "mp.region.alloc";
    public static final String FREE = "mp.region.free";
    public static final String LOOKUP = "mp.region.lookup";
    public static final String MAP = "mp.region.map";
    public static final String UNMAP = "mp.region.unmap";
    /** A region's file in the runtime directory. */
    public static final String FILE_PREFIX = "region_";
    /** The largest region, bytes. */
    public static final int MAX_SIZE = 64 << 20;

    public static final int OK = 0;
    public static final int ENOENT = 2;
    public static final int EIO = 5;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ETIMEDOUT = 110;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,48}");

    private MpRegions()
    {
    }

    /**
     * @param name a region name.
     * @return true when it is 1..48 of {@code [A-Za-z0-9._-]} (it becomes a file name).
     */
    public static boolean validName(final String name)
    {
        return null != name && NAME.matcher(name).matches();
    }

    /**
     * @param a first u32.
     * @param b second u32, or -1 for none.
     * @param text the UTF-8 tail.
     * @return the params.
     */
    public static byte[] params(final int a, final int b, final String text)
    {
        final byte[] t = text.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer buf = ByteBuffer.allocate(4 + (b >= 0 ? 4 : 0) + t.length).putInt(a);
        if (b >= 0)
        {
            buf.putInt(b);
        }
        return buf.put(t).array();
    }

    /**
     * @param code the status.
     * @param text the path or error text.
     * @return a status reply's params.
     */
    public static byte[] status(final int code, final String text)
    {
        final byte[] t = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + t.length).put((byte) code).put(t).array();
    }

    /**
     * @param params a status reply's params.
     * @return its status (EIO for an empty one).
     */
    public static int statusCode(final byte[] params)
    {
        return params.length > 0 ? params[0] & 0xff : EIO;
    }

    /**
     * @param params a status reply's params.
     * @return its text.
     */
    public static String statusText(final byte[] params)
    {
        return params.length > 1 ? new String(params, 1, params.length - 1, StandardCharsets.UTF_8) : "";
    }

    /**
     * @param params params with a UTF-8 tail after {@code offset}.
     * @param offset where the text starts.
     * @return the text.
     */
    public static String tail(final byte[] params, final int offset)
    {
        return params.length > offset ? new String(params, offset, params.length - offset, StandardCharsets.UTF_8)
            : "";
    }

    /**
     * Maps a region's file, read-write, shared.
     *
     * @param path the file.
     * @param size its size.
     * @return the mapping.
     * @throws IOException when it cannot be mapped.
     */
    public static MappedByteBuffer map(final Path path, final int size) throws IOException
    {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            if (ch.size() < size)
            {
                throw new IOException(path + " is " + ch.size() + " bytes, not " + size);
            }
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
        }
    }

    /**
     * @param path a region's file.
     * @return the region's name.
     */
    public static String nameOf(final Path path)
    {
        final String f = path.getFileName().toString();
        return f.startsWith(FILE_PREFIX) ? f.substring(FILE_PREFIX.length()) : f;
    }
}
