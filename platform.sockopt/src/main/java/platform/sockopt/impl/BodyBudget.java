package platform.sockopt.impl;

/**
 * The bytes that pending request bodies may hold, shared by every connection. A body is charged as its bytes
 * arrive (its buffer grows with them), not when its header announces it, so a client that announces 1 MiB and
 * sends nothing holds nothing; what would take the total over the budget is refused with an error reply. Written
 * by the master lcore only; {@link #used()} is read by the stats.
 */
final class BodyBudget
{
    final long limit;
    private volatile long used;

    BodyBudget(final long limit)
    {
        this.limit = limit;
    }

    /** @return bytes not charged. */
    long available()
    {
        return limit - used;
    }

    /** @return bytes charged now. */
    long used()
    {
        return used;
    }

    /**
     * @param bytes to charge.
     * @return false, charging nothing, when the budget has no room for them.
     */
    boolean tryCharge(final long bytes)
    {
        final long u = used;
        if (bytes > limit - u)
        {
            return false;
        }
        used = u + bytes; // single writer: the master lcore
        return true;
    }

    void release(final long bytes)
    {
        used = used - bytes;
    }
}
