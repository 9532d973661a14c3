package platform.sockopt.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import platform.sockopt.api.Sockopt;
import platform.sockopt.api.SockoptConflictException;
import platform.sockopt.api.SockoptRange;

/**
 * The registered ranges: per type an immutable array sorted by first id, published through a volatile field
 * (copy on write: registrations are rare, lookups are per request). Lookup is a binary search, not DPVS's list
 * walk.
 */
final class Registry
{
    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    private static final RangeEntry[] NONE = new RangeEntry[0];
    private static final Comparator<RangeEntry> BY_MIN = Comparator.comparingInt(e -> e.min);

    private volatile RangeEntry[] gets = NONE;
    private volatile RangeEntry[] sets = NONE;

    /**
     * @param type {@link Sockopt#GET} or {@link Sockopt#SET} (anything else finds nothing).
     * @param id   the id.
     * @return the range holding the id, or null.
     */
    RangeEntry lookup(final int type, final int id)
    {
        final RangeEntry[] a = Sockopt.GET == type ? gets : Sockopt.SET == type ? sets : NONE;
        int lo = 0;
        int hi = a.length - 1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            final RangeEntry e = a[mid];
            if (id < e.min)
            {
                hi = mid - 1;
            }
            else if (id > e.max)
            {
                lo = mid + 1;
            }
            else
            {
                return e;
            }
        }
        return null;
    }

    /**
     * Adds the entries (one or two: the SET and GET ranges of one spec) all or none.
     *
     * @throws SockoptConflictException naming the holder when one overlaps a registered range.
     */
    synchronized void add(final RangeEntry... entries)
    {
        for (final RangeEntry e : entries)
        {
            for (final RangeEntry o : table(e.type))
            {
                if (e.overlaps(o))
                {
                    final String msg = "sockopt " + e.name + " (" + e.owner + "): " + Sockopt.typeName(e.type)
                        + " range [" + e.min + ", " + e.max + "] overlaps [" + o.min + ", " + o.max + "] held by "
                        + o.name + " (" + o.owner + ")";
                    LOG.warn("refused: {}", msg);
                    throw new SockoptConflictException(msg, o.describe());
                }
            }
        }
        for (final RangeEntry e : entries)
        {
            final RangeEntry[] a = Arrays.copyOf(table(e.type), table(e.type).length + 1);
            a[a.length - 1] = e;
            Arrays.sort(a, BY_MIN);
            publish(e.type, a);
        }
    }

    /**
     * Marks the entries closed and takes them out of the table.
     */
    synchronized void remove(final RangeEntry... entries)
    {
        for (final RangeEntry e : entries)
        {
            e.closed = true;
            final RangeEntry[] t = table(e.type);
            final List<RangeEntry> kept = new ArrayList<>(t.length);
            for (final RangeEntry o : t)
            {
                if (o != e)
                {
                    kept.add(o);
                }
            }
            publish(e.type, kept.toArray(NONE));
        }
    }

    /**
     * @return every range, GETs then SETs, each by first id.
     */
    List<SockoptRange> ranges()
    {
        final List<SockoptRange> out = new ArrayList<>();
        for (final RangeEntry e : gets)
        {
            out.add(e.describe());
        }
        for (final RangeEntry e : sets)
        {
            out.add(e.describe());
        }
        return out;
    }

    private RangeEntry[] table(final int type)
    {
        return Sockopt.GET == type ? gets : sets;
    }

    private void publish(final int type, final RangeEntry[] a)
    {
        if (Sockopt.GET == type)
        {
            gets = a;
        }
        else
        {
            sets = a;
        }
    }
}
