package platform.msgmgr.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How a type is delivered, with DPVS's values.
 */
@ProviderType
public enum MsgMode
{
    /** To one lcore. */
    UNICAST(1),
    /** From the master to every forwarding worker, replies collected on the master. */
    MULTICAST(2);

    private final int value;

    MsgMode(final int value)
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
