package platform.metrics.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;

import platform.metrics.api.MetricsSink;

/**
 * The metric families of one scrape, filled by the platform's readers and by every {@link
 * platform.metrics.api.MetricsSource}, then turned into the Prometheus client's snapshots. A sample that would make
 * the exposition invalid (a bad name, a name used with another type or other label names, the same labels twice) is
 * left out and counted, so one bad source never costs the others their series. Used by one scrape thread.
 */
final class Families implements MetricsSink
{
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final String TOTAL = "_total";

    private enum Type
    {
        COUNTER, GAUGE, SUMMARY
    }

    /** One metric family: its type, help, label names and samples. */
    private static final class Family
    {
        final Type type;
        final String help;
        final List<String> labelNames;
        final Set<Labels> seen = new HashSet<>();
        final List<Object> points = new ArrayList<>();

        Family(final Type type, final String help, final List<String> labelNames)
        {
            this.type = type;
            this.help = help;
            this.labelNames = labelNames;
        }
    }

    private final Map<String, Family> families = new LinkedHashMap<>();
    private final Set<String> exposed = new HashSet<>();
    private int rejected;

    @Override
    public void counter(final String name, final String help, final double value, final String... labels)
    {
        if (null == name || !name.endsWith(TOTAL) || name.length() == TOTAL.length())
        {
            rejected++;
            return;
        }
        // the client's counter is named without the suffix and writes it back
        final String base = name.substring(0, name.length() - TOTAL.length());
        final Labels l = labels(labels);
        final Family f = family(base, Type.COUNTER, help, l);
        if (null != f && !(value < 0) && f.seen.add(l))
        {
            f.points.add(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).labels(l).build());
            return;
        }
        rejected += null == f ? 0 : 1;
    }

    @Override
    public void gauge(final String name, final String help, final double value, final String... labels)
    {
        final Labels l = labels(labels);
        final Family f = family(name, Type.GAUGE, help, l);
        if (null != f && f.seen.add(l))
        {
            f.points.add(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(l).build());
            return;
        }
        rejected += null == f ? 0 : 1;
    }

    /**
     * A summary: a count and quantiles (the {@code quantile} label is the exposition's).
     *
     * @param name      the name, with its unit.
     * @param help      what it measures.
     * @param count     observations.
     * @param quantiles quantile and value pairs, alternating.
     * @param labels    label names and values, alternating.
     */
    void summary(final String name, final String help, final long count, final double[] quantiles,
        final String... labels)
    {
        final Labels l = labels(labels);
        final Family f = family(name, Type.SUMMARY, help, l);
        if (null != f && f.seen.add(l))
        {
            final List<Quantile> qs = new ArrayList<>(quantiles.length / 2);
            for (int i = 0; i + 1 < quantiles.length; i += 2)
            {
                qs.add(new Quantile(quantiles[i], quantiles[i + 1]));
            }
            f.points.add(SummarySnapshot.SummaryDataPointSnapshot.builder().count(count).quantiles(Quantiles.of(qs))
                .labels(l).build());
            return;
        }
        rejected += null == f ? 0 : 1;
    }

    /** @return samples left out so far. */
    int rejected()
    {
        return rejected;
    }

    /** @return names of the families that have samples, in the order they were first written. */
    Set<String> names()
    {
        return families.keySet();
    }

    /** @return the snapshots of every family with at least one sample. */
    MetricSnapshots build()
    {
        final List<MetricSnapshot> out = new ArrayList<>(families.size());
        for (final Map.Entry<String, Family> e : families.entrySet())
        {
            final Family f = e.getValue();
            if (f.points.isEmpty())
            {
                continue;
            }
            switch (f.type)
            {
                case COUNTER ->
                {
                    final CounterSnapshot.Builder b = CounterSnapshot.builder().name(e.getKey()).help(f.help);
                    f.points.forEach(p -> b.dataPoint((CounterSnapshot.CounterDataPointSnapshot)p));
                    out.add(b.build());
                }
                case GAUGE ->
                {
                    final GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(e.getKey()).help(f.help);
                    f.points.forEach(p -> b.dataPoint((GaugeSnapshot.GaugeDataPointSnapshot)p));
                    out.add(b.build());
                }
                default ->
                {
                    final SummarySnapshot.Builder b = SummarySnapshot.builder().name(e.getKey()).help(f.help);
                    f.points.forEach(p -> b.dataPoint((SummarySnapshot.SummaryDataPointSnapshot)p));
                    out.add(b.build());
                }
            }
        }
        return new MetricSnapshots(out);
    }

    /** The family of this name, created on first use; null (the sample is counted as rejected) when it clashes. */
    private Family family(final String name, final Type type, final String help, final Labels labels)
    {
        if (null == name || null == labels || !METRIC_NAME.matcher(name).matches())
        {
            rejected++;
            return null;
        }
        final List<String> labelNames = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++)
        {
            labelNames.add(labels.getName(i));
        }
        Family f = families.get(name);
        if (null == f)
        {
            // the names the exposition writes for it must not be another family's (a gauge x_total, a counter x)
            final List<String> written = switch (type)
            {
                case COUNTER -> List.of(name, name + TOTAL);
                case GAUGE -> List.of(name);
                default -> List.of(name, name + "_count", name + "_sum");
            };
            for (final String w : written)
            {
                if (exposed.contains(w))
                {
                    rejected++;
                    return null;
                }
            }
            exposed.addAll(written);
            f = new Family(type, null == help ? "" : help, labelNames);
            families.put(name, f);
            return f;
        }
        if (f.type != type || !f.labelNames.equals(labelNames))
        {
            rejected++;
            return null;
        }
        return f;
    }

    /** Sorted labels from alternating names and values, or null when they are malformed. */
    private static Labels labels(final String... pairs)
    {
        if (null == pairs || 0 == pairs.length)
        {
            return Labels.EMPTY;
        }
        if (0 != pairs.length % 2)
        {
            return null;
        }
        final String[] names = new String[pairs.length / 2];
        final String[] values = new String[pairs.length / 2];
        for (int i = 0; i < names.length; i++)
        {
            names[i] = pairs[2 * i];
            values[i] = pairs[2 * i + 1];
            if (null == names[i] || null == values[i] || !LABEL_NAME.matcher(names[i]).matches()
                || names[i].startsWith("__") || "quantile".equals(names[i]) || "le".equals(names[i]))
            {
                return null;
            }
        }
        if (new HashSet<>(Arrays.asList(names)).size() != names.length)
        {
            return null;
        }
        return Labels.of(names, values);
    }
}
