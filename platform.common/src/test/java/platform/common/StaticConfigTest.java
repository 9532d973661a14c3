package platform.common;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.Test;
import org.slf4j.LoggerFactory;

public class StaticConfigTest
{
    /** A feature's table: entries starting with "bad" are refused. */
    private static final class Table implements StaticConfig.Applier
    {
        final List<String> entries = new ArrayList<>();
        final List<String> log = new ArrayList<>();

        @Override
        public String apply(final String text)
        {
            log.add("+" + text);
            if (text.startsWith("bad"))
            {
                return "no such device";
            }
            entries.add(text);
            return null;
        }

        @Override
        public void undo(final String text)
        {
            log.add("-" + text);
            entries.remove(text);
        }
    }

    @Test
    public void shouldApplyEveryLineOfAGoodFileSkippingCommentsAndBlanks() throws Exception
    {
        final Path f = Files.createTempFile("route", ".conf");
        Files.writeString(f, "# static routes\n10.1.0.0/16 dev a\n\n  default via 10.1.0.254 dev a   # gateway\n");
        final Table t = new Table();
        final List<StaticConfig.Result> r = StaticConfig.apply("modules.route", null, f, t,
            LoggerFactory.getLogger(StaticConfigTest.class), "static routes");
        assertEquals(1, r.size());
        assertFalse(r.get(0).refused());
        assertEquals(2, r.get(0).applied());
        assertEquals(List.of("10.1.0.0/16 dev a", "default via 10.1.0.254 dev a"), t.entries);
    }

    @Test
    public void shouldRefuseAWholeFileNamingItsBadLineAndUndoWhatItApplied() throws Exception
    {
        final Path f = Files.createTempFile("route", ".conf");
        Files.writeString(f, "one\ntwo\n# comment\nbad three\nfour\n");
        final Table t = new Table();
        final StaticConfig.Result r = StaticConfig.apply("modules.route", "x, y", f, t,
            LoggerFactory.getLogger(StaticConfigTest.class), "static routes").get(1);
        assertTrue(r.refused());
        assertEquals(0, r.applied());
        assertEquals(f + ":4", r.bad().where());
        assertEquals("bad three", r.bad().text());
        assertEquals("no such device", r.why());
        // the inline list, a source of its own, stays; the file's entries were undone newest first, four never tried
        assertEquals(List.of("x", "y"), t.entries);
        assertEquals(List.of("+x", "+y", "+one", "+two", "+bad three", "-two", "-one"), t.log);
    }

    @Test
    public void shouldNumberInlineEntriesAndRefuseTheListAsAWhole()
    {
        final Table t = new Table();
        final List<StaticConfig.Result> r = StaticConfig.apply("modules.neigh", "a, ,bad b", null, t,
            LoggerFactory.getLogger(StaticConfigTest.class), "static neighbours");
        assertEquals("configuration modules.neigh #3", r.get(0).bad().where());
        assertEquals(List.of(), t.entries);
    }

    @Test
    public void shouldSayWhenAFileCannotBeRead() throws Exception
    {
        final Path missing = Files.createTempDirectory("etc").resolve("none.conf");
        final StaticConfig.Result r = StaticConfig.apply("modules.route", "", missing, new Table(),
            LoggerFactory.getLogger(StaticConfigTest.class), "static routes").get(0);
        assertTrue(r.refused());
        assertTrue(r.why(), r.why().startsWith("cannot be read: java.nio.file.NoSuchFileException"));
    }

    @Test
    public void shouldFindTheFileConfiguredElseTheOneInEtc() throws Exception
    {
        final Path home = Files.createTempDirectory("home");
        assertNull(StaticConfig.file("", home.toString(), "route.conf"));
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc").resolve("route.conf"), "");
        assertEquals(home.resolve("etc").resolve("route.conf"), StaticConfig.file(" ", home.toString(), "route.conf"));
        assertEquals(Path.of("/x/y.conf"), StaticConfig.file("/x/y.conf", home.toString(), "route.conf"));
        assertNull(StaticConfig.file(null, null, "route.conf"));
    }
}
