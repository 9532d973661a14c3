package modules.netif.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A namespace's {@code /proc/<pid>/net/dev}, re-read from offset 0 through one open channel into one buffer
 * (no allocation per read: the benchmark thread shares the JVM with the java forwarder). The fields are those
 * of {@code /sys/class/net/<dev>/statistics} (both come from {@code dev_get_stats}).
 */
final class ProcNetDev
{
    private final Path path;
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);

    ProcNetDev(final Path path) throws IOException
    {
        this.path = path;
        this.ch = FileChannel.open(path, StandardOpenOption.READ);
    }

    long rxPackets(final String dev) throws IOException
    {
        return field(dev, 1);
    }

    long txPackets(final String dev) throws IOException
    {
        return field(dev, 9);
    }

    /** @return the index-th number (0 = rx bytes) on dev's line. */
    long field(final String dev, final int index) throws IOException
    {
        buf.clear();
        long pos = 0;
        int n;
        while ((n = ch.read(buf, pos)) > 0)
        {
            pos += n;
        }
        final byte[] a = buf.array();
        final int end = buf.position();
        int i = lineOf(a, end, dev);
        if (i < 0)
        {
            throw new IllegalStateException("no " + dev + " in " + path);
        }
        for (int k = 0; ; k++)
        {
            while (i < end && ' ' == a[i])
            {
                i++;
            }
            long v = 0;
            while (i < end && a[i] >= '0' && a[i] <= '9')
            {
                v = v * 10 + a[i++] - '0';
            }
            if (k == index)
            {
                return v;
            }
        }
    }

    /** @return the offset just after "dev:" at a line's start (after blanks), or -1. */
    private static int lineOf(final byte[] a, final int end, final String dev)
    {
        int i = 0;
        while (i < end)
        {
            int j = i;
            while (j < end && ' ' == a[j])
            {
                j++;
            }
            int k = 0;
            while (k < dev.length() && j + k < end && a[j + k] == dev.charAt(k))
            {
                k++;
            }
            if (k == dev.length() && j + k < end && ':' == a[j + k])
            {
                return j + k + 1;
            }
            while (i < end && '\n' != a[i])
            {
                i++;
            }
            i++;
        }
        return -1;
    }

    void close()
    {
        try
        {
            ch.close();
        }
        catch (final IOException ignored)
        {
            // a /proc file
        }
    }
}
