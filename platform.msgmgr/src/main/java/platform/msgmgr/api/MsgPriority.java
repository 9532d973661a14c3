package platform.msgmgr.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Message priorities with DPVS's values ({@code msg_priority_t}). Unlike DPVS, they order draining: each lcore
 * drains its HIGH ring before NORM before LOW, with a reserved share of every iteration's budget for the lower
 * rings so they are never starved.
 */
@ProviderType
public enum MsgPriority
{
    /** Internal: multicast replies and the worker side of multicast types; drained with HIGH. */
    IGN(0),
    /** Urgent (e.g. master xmit). */
    HIGH(1),
    /** Generally SET. */
    NORM(2),
    /** Generally GET. */
    LOW(3);

    private final int value;

    MsgPriority(final int value)
    {
        this.value = value;
    }

    /**
     * @return DPVS's numeric value.
     */
    public int value()
    {
        return value;
    }
}
