package platform.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;

/**
 * A feature's static entries (routes, neighbours, addresses, blacklist entries), applied when it starts, from two
 * sources: the inline list of its configuration (ConfigAdmin, e.g. a {@code modules.route.cfg} dropped into
 * {@code deploy/}: {@code routes = A, B}) and a file of one entry per line ({@code conf.file} of the configuration,
 * else {@code etc/<name>} of the platform's home if it exists; {@code #} starts a comment). Each source is all or
 * nothing: the first entry its feature refuses names the source, the line and the reason in the log, the entries
 * applied before it are undone, and the feature runs without that source.
 */
public final class StaticConfig
{
    /** One entry and where it was written: {@code etc/route.conf:3}, or {@code configuration modules.route #2}. */
    public record Entry(String where, String text)
    {
    }

    /** How a feature applies an entry and undoes it. */
    public interface Applier
    {
        /**
         * @param text the entry, trimmed.
         * @return null when applied, else why not.
         */
        String apply(String text);

        /** @param text an entry {@link #apply} applied. */
        void undo(String text);
    }

    /** What applying a source gave: how many entries, or the entry refused ({@code bad}) and why (none applied then). */
    public record Result(String source, int applied, Entry bad, String why)
    {
        /** @return true when the source was refused. */
        public boolean refused()
        {
            return null != bad;
        }
    }

    private StaticConfig()
    {
    }

    /**
     * @param pid    the configuration's PID, for {@link Entry#where}.
     * @param inline the inline list, comma separated (null or blank: none).
     * @return its entries.
     */
    public static List<Entry> inline(final String pid, final String inline)
    {
        final List<Entry> out = new ArrayList<>();
        int n = 0;
        for (final String item : null == inline ? new String[0] : inline.split(","))
        {
            n++;
            if (!item.isBlank())
            {
                out.add(new Entry("configuration " + pid + " #" + n, item.trim()));
            }
        }
        return out;
    }

    /**
     * @param file a file of one entry per line.
     * @return its entries (blank lines and comments skipped).
     * @throws IOException when it cannot be read.
     */
    public static List<Entry> lines(final Path file) throws IOException
    {
        final List<Entry> out = new ArrayList<>();
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++)
        {
            final int hash = lines.get(i).indexOf('#');
            final String text = (hash < 0 ? lines.get(i) : lines.get(i).substring(0, hash)).trim();
            if (!text.isEmpty())
            {
                out.add(new Entry(file + ":" + (i + 1), text));
            }
        }
        return out;
    }

    /**
     * @param configured the configuration's {@code conf.file} (blank: none).
     * @param home       the platform's home (framework property {@code platform.home}), or null.
     * @param name       the file's name under {@code etc/}, e.g. {@code route.conf}.
     * @return the file to read: the configured one, else {@code <home>/etc/<name>} when it exists, else null.
     */
    public static Path file(final String configured, final String home, final String name)
    {
        if (null != configured && !configured.isBlank())
        {
            return Paths.get(configured.trim());
        }
        if (null == home || home.isBlank())
        {
            return null;
        }
        final Path p = Paths.get(home, "etc", name);
        return Files.isRegularFile(p) ? p : null;
    }

    /**
     * Applies a source's entries in order, all or nothing.
     *
     * @param source  the source, for the log ("configuration modules.route", a file).
     * @param entries its entries.
     * @param applier the feature's.
     * @param log     where a refusal is logged (ERROR) and a success (INFO).
     * @param what    the entries' kind, plural, for the log ("static routes").
     * @return what happened.
     */
    public static Result applyAll(final String source, final List<Entry> entries, final Applier applier,
        final Logger log, final String what)
    {
        final List<Entry> done = new ArrayList<>();
        for (final Entry e : entries)
        {
            String why;
            try
            {
                why = applier.apply(e.text());
            }
            catch (final RuntimeException ex)
            {
                why = String.valueOf(ex.getMessage());
            }
            if (null != why)
            {
                for (int i = done.size() - 1; i >= 0; i--)
                {
                    try
                    {
                        applier.undo(done.get(i).text());
                    }
                    catch (final RuntimeException ex)
                    {
                        log.warn("undoing {} \"{}\" failed", done.get(i).where(), done.get(i).text(), ex);
                    }
                }
                log.error("{} refused: {} \"{}\": {}; none of its {} {} applied, the feature runs without them",
                    source, e.where(), e.text(), why, entries.size(), what);
                return new Result(source, 0, e, why);
            }
            done.add(e);
        }
        if (!entries.isEmpty())
        {
            log.info("{} {} applied from {}", done.size(), what, source);
        }
        return new Result(source, done.size(), null, null);
    }

    /**
     * The inline list, then the file: each applied all or nothing; a file that cannot be read is logged and skipped.
     *
     * @param pid     the configuration's PID.
     * @param inline  the inline list.
     * @param file    the file, or null.
     * @param applier the feature's.
     * @param log     its logger.
     * @param what    the entries' kind, plural.
     * @return one result per source present.
     */
    public static List<Result> apply(final String pid, final String inline, final Path file, final Applier applier,
        final Logger log, final String what)
    {
        final List<Result> out = new ArrayList<>();
        final List<Entry> listed = inline(pid, inline);
        if (!listed.isEmpty())
        {
            out.add(applyAll("configuration " + pid, listed, applier, log, what));
        }
        if (null != file)
        {
            try
            {
                out.add(applyAll(file.toString(), lines(file), applier, log, what));
            }
            catch (final IOException ex)
            {
                log.error("{} of {} cannot be read: {}; the feature runs without it", file, pid, ex.toString());
                out.add(new Result(file.toString(), 0, new Entry(file.toString(), ""), "cannot be read: " + ex));
            }
        }
        return out;
    }
}
