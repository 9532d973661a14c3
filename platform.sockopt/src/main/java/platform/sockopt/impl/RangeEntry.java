package platform.sockopt.impl;

import java.util.concurrent.atomic.AtomicLong;

import platform.sockopt.api.Sockopt;
import platform.sockopt.api.SockoptHandler;
import platform.sockopt.api.SockoptRange;

/**
 * One registered id range of one type. Immutable but for the closed flag and the counters.
 */
final class RangeEntry
{
    final int type;
    final int min;
    final int max;
    final int version;
    final String name;
    final String owner;
    final SockoptHandler handler;
    /** Set before the range leaves the table: a request that found it just before is not dispatched. */
    volatile boolean closed;
    final AtomicLong calls = new AtomicLong();
    final AtomicLong errors = new AtomicLong();

    RangeEntry(final int type, final int min, final int max, final int version, final String name,
        final String owner, final SockoptHandler handler)
    {
        this.type = type;
        this.min = min;
        this.max = max;
        this.version = version;
        this.name = name;
        this.owner = owner;
        this.handler = handler;
    }

    boolean overlaps(final RangeEntry o)
    {
        return type == o.type && min <= o.max && o.min <= max;
    }

    SockoptRange describe()
    {
        return new SockoptRange(type, min, max, version, name, owner, calls.get(), errors.get());
    }

    @Override
    public String toString()
    {
        return Sockopt.typeName(type) + " [" + min + ", " + max + "] of " + name + " (" + owner + ")";
    }
}
