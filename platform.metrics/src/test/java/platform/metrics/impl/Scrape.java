package platform.metrics.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape of a metrics endpoint, parsed from the Prometheus text format (0.0.4): the samples by name and labels,
 * and the TYPE of each family. Strict enough to fail a test on malformed output: every line is a comment, blank,
 * or {@code name{label="value",...} number}.
 */
public final class Scrape
{
    /** Samples: metric name, then the labels as "k=v,k=v" sorted by name, then the value. */
    private final Map<String, Map<String, Double>> samples = new HashMap<>();
    private final Map<String, String> types = new HashMap<>();
    private final String text;
    private final String contentType;

    private Scrape(final String text, final String contentType)
    {
        this.text = text;
        this.contentType = contentType;
        for (final String line : text.split("\n"))
        {
            if (line.startsWith("# TYPE "))
            {
                final String[] p = line.split(" ");
                types.put(p[2], p[3]);
            }
            else if (!line.isEmpty() && !line.startsWith("#"))
            {
                parse(line);
            }
        }
    }

    /**
     * GETs a URL and parses it.
     *
     * @param url the metrics URL.
     * @return the scrape.
     * @throws IOException when the endpoint does not answer 200.
     */
    public static Scrape of(final String url) throws IOException
    {
        final HttpURLConnection c = (HttpURLConnection)new URL(url).openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(10_000);
        try
        {
            if (200 != c.getResponseCode())
            {
                throw new IOException(url + " answered " + c.getResponseCode());
            }
            try (InputStream in = c.getInputStream())
            {
                return new Scrape(new String(in.readAllBytes(), StandardCharsets.UTF_8), c.getContentType());
            }
        }
        finally
        {
            c.disconnect();
        }
    }

    private void parse(final String line)
    {
        final int brace = line.indexOf('{');
        final int space = line.lastIndexOf(' ');
        if (space < 0)
        {
            throw new IllegalArgumentException("malformed sample line: " + line);
        }
        final String name;
        final Map<String, String> labels = new TreeMap<>();
        if (brace >= 0 && brace < space)
        {
            name = line.substring(0, brace);
            final int end = line.lastIndexOf('}');
            String rest = line.substring(brace + 1, end);
            while (!rest.isEmpty())
            {
                final int eq = rest.indexOf("=\"");
                int close = eq + 2;
                final StringBuilder v = new StringBuilder();
                while (rest.charAt(close) != '"')
                {
                    if (rest.charAt(close) == '\\')
                    {
                        close++;
                    }
                    v.append(rest.charAt(close++));
                }
                labels.put(rest.substring(0, eq), v.toString());
                rest = rest.substring(close + 1);
                if (rest.startsWith(","))
                {
                    rest = rest.substring(1);
                }
            }
        }
        else
        {
            name = line.substring(0, space);
        }
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*"))
        {
            throw new IllegalArgumentException("bad metric name in: " + line);
        }
        final String key = key(labels);
        final Double previous = samples.computeIfAbsent(name, n -> new HashMap<>()).put(key,
            Double.parseDouble(line.substring(space + 1)));
        if (null != previous)
        {
            throw new IllegalArgumentException("duplicate series: " + line);
        }
    }

    private static String key(final Map<String, String> sorted)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Map.Entry<String, String> e : sorted.entrySet())
        {
            sb.append(sb.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    /**
     * @param name   a sample name (with its suffix: {@code _total}, {@code _count}).
     * @param labels label names and values, alternating, all of them.
     * @return the value, or null when there is no such series.
     */
    public Double value(final String name, final String... labels)
    {
        final Map<String, String> l = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2)
        {
            l.put(labels[i], labels[i + 1]);
        }
        final Map<String, Double> series = samples.get(name);
        return null == series ? null : series.get(key(l));
    }

    /**
     * @param name   a sample name.
     * @param labels label names and values that the series must have (others may be there too).
     * @return the values of every matching series.
     */
    public List<Double> values(final String name, final String... labels)
    {
        final List<Double> out = new ArrayList<>();
        final Map<String, Double> series = samples.getOrDefault(name, Map.of());
        for (final Map.Entry<String, Double> e : series.entrySet())
        {
            boolean match = true;
            for (int i = 0; i < labels.length; i += 2)
            {
                match &= ("," + e.getKey() + ",").contains("," + labels[i] + "=" + labels[i + 1] + ",");
            }
            if (match)
            {
                out.add(e.getValue());
            }
        }
        return out;
    }

    /** @return true when any series of this sample name is there. */
    public boolean has(final String name)
    {
        return samples.containsKey(name);
    }

    /** @return the TYPE line's type of a family, or null. */
    public String type(final String family)
    {
        return types.get(family);
    }

    /** @return the page as served. */
    public String text()
    {
        return text;
    }

    /** @return the Content-Type header. */
    public String contentType()
    {
        return contentType;
    }
}
