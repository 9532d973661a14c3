package platform.dist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code log:tail} Gogo command: the last lines of the current log file. The launcher registers it on the
 * system bundle with {@code osgi.command.scope=log} and {@code osgi.command.function=tail}; Gogo calls it
 * reflectively (the launcher's class loader cannot see Gogo's annotations, hence no {@code @Descriptor}).
 */
public final class LogCommands
{
    /** Lines shown by {@code log:tail} without an argument. */
    public static final int DEFAULT_LINES = 50;
    /** Gogo scope. */
    static final String SCOPE = "log";
    /** Gogo functions. */
    static final String[] FUNCTIONS = {"tail"};
    /** Bytes read from the end of the file per step while looking for line starts. */
    private static final int CHUNK = 8192;

    private final Path file;

    LogCommands(final Path file)
    {
        this.file = file;
    }

    /**
     * @return the last {@value #DEFAULT_LINES} lines of the log file.
     * @throws IOException when the file cannot be read.
     */
    public String tail() throws IOException
    {
        return tail(DEFAULT_LINES);
    }

    /**
     * @param lines how many lines, from the end of the current log file (rotated files are not read).
     * @return those lines, separated by line feeds (none after the last); empty when the file is empty or missing.
     * @throws IOException when the file cannot be read.
     */
    public String tail(final int lines) throws IOException
    {
        if (lines < 0)
        {
            throw new IllegalArgumentException("log:tail takes a line count >= 0, got " + lines);
        }
        if (0 == lines || !Files.isRegularFile(file))
        {
            return "";
        }
        return tail(file, lines);
    }

    /**
     * Reads the file backwards, a chunk at a time, until it has seen {@code lines} line starts; a large log file is
     * never read whole.
     */
    static String tail(final Path file, final int lines) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r"))
        {
            final long length = raf.length();
            long start = length;
            // a last line without its line feed yet counts as a line
            int feeds = 0;
            boolean skipLastFeed = true;
            final byte[] buf = new byte[CHUNK];
            outer:
            while (start > 0)
            {
                final int n = (int) Math.min(CHUNK, start);
                raf.seek(start - n);
                raf.readFully(buf, 0, n);
                for (int i = n - 1; i >= 0; i--)
                {
                    if ('\n' == buf[i])
                    {
                        if (skipLastFeed && start - n + i == length - 1)
                        {
                            skipLastFeed = false;
                            continue;
                        }
                        if (++feeds == lines)
                        {
                            start = start - n + i + 1;
                            break outer;
                        }
                    }
                }
                start -= n;
            }
            raf.seek(start);
            final ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(length - start, 1 << 20));
            int r;
            while ((r = raf.read(buf)) > 0)
            {
                out.write(buf, 0, r);
            }
            // no final line feed: the shell adds its own after a result
            final String text = out.toString(StandardCharsets.UTF_8);
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        }
    }
}
