package platform.dist;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@code log:tail} on files of every shape: short, long (several read chunks), without a final line feed. */
public class LogCommandsTest
{
    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void shouldReturnTheLastLines() throws Exception
    {
        final Path f = write(lines(1, 10));
        assertEquals(strip(lines(8, 10)), new LogCommands(f).tail(3));
    }

    @Test
    public void shouldReturnTheWholeFileWhenItIsShorter() throws Exception
    {
        final Path f = write(lines(1, 4));
        assertEquals(strip(lines(1, 4)), new LogCommands(f).tail(50));
        assertEquals(strip(lines(1, 4)), new LogCommands(f).tail());
    }

    @Test
    public void shouldReadAcrossChunksOfALongFile() throws Exception
    {
        // about 300 KB: many 8 KB chunks read backwards
        final Path f = write(lines(1, 20_000));
        assertEquals(strip(lines(19_001, 20_000)), new LogCommands(f).tail(1000));
    }

    @Test
    public void shouldCountALastLineWithoutLineFeed() throws Exception
    {
        final Path f = write("a\nb\nc");
        assertEquals("b\nc", new LogCommands(f).tail(2));
    }

    @Test
    public void shouldReturnNothingForAMissingFileOrZeroLines() throws Exception
    {
        assertEquals("", new LogCommands(tmp.getRoot().toPath().resolve("none.log")).tail(5));
        assertEquals("", new LogCommands(write(lines(1, 3))).tail(0));
    }

    @Test(expected = IllegalArgumentException.class)
    public void shouldRefuseANegativeCount() throws Exception
    {
        new LogCommands(write(lines(1, 3))).tail(-1);
    }

    private static String lines(final int from, final int to)
    {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }

    private static String strip(final String text)
    {
        return text.substring(0, text.length() - 1);
    }

    private Path write(final String text) throws Exception
    {
        final Path f = tmp.newFile().toPath();
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }
}
