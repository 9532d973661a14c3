package platform.msgmgr.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What to register ({@code struct dpvs_msg_type} without the lcore): id, name, mode, priority and callbacks.
 * Validated on construction.
 */
@ProviderType
public final class MsgTypeSpec
{
    private final int id;
    private final String name;
    private final MsgMode mode;
    private final MsgPriority priority;
    private final UnicastHandler unicast;
    private final MulticastHandler multicast;

    private MsgTypeSpec(final int id, final String name, final MsgMode mode, final MsgPriority priority,
        final UnicastHandler unicast, final MulticastHandler multicast)
    {
        if (id < 1 || id > MsgIds.MAX_TYPE_ID)
        {
            throw new IllegalArgumentException("msg type id " + id + " out of range 1.." + MsgIds.MAX_TYPE_ID);
        }
        if (null == name || name.isBlank())
        {
            throw new IllegalArgumentException("msg type " + id + ": name is missing");
        }
        if (null == mode || null == priority)
        {
            throw new IllegalArgumentException("msg type " + id + " (" + name + "): mode and priority are required");
        }
        if (MsgPriority.IGN == priority)
        {
            throw new IllegalArgumentException("msg type " + id + " (" + name + "): priority IGN is internal");
        }
        if (null == unicast)
        {
            throw new IllegalArgumentException("msg type " + id + " (" + name + "): unicast callback is null");
        }
        this.id = id;
        this.name = name;
        this.mode = mode;
        this.priority = priority;
        this.unicast = unicast;
        this.multicast = multicast;
    }

    /**
     * A unicast type: {@code handler} runs on the lcore the type is registered on.
     *
     * @param id       type id, 1..{@link MsgIds#MAX_TYPE_ID}.
     * @param name     for listings and logs.
     * @param priority HIGH, NORM or LOW.
     * @param handler  the callback.
     * @return the spec.
     */
    public static MsgTypeSpec unicast(final int id, final String name, final MsgPriority priority,
        final UnicastHandler handler)
    {
        return new MsgTypeSpec(id, name, MsgMode.UNICAST, priority, handler, null);
    }

    /**
     * A multicast type: {@code workerHandler} runs on every forwarding worker, {@code masterHandler} (may be null:
     * a default that completes) on the master with all replies.
     *
     * @param id            type id, 1..{@link MsgIds#MAX_TYPE_ID}.
     * @param name          for listings and logs.
     * @param priority      HIGH, NORM or LOW.
     * @param workerHandler the per-worker callback.
     * @param masterHandler the callback with all replies, or null.
     * @return the spec.
     */
    public static MsgTypeSpec multicast(final int id, final String name, final MsgPriority priority,
        final UnicastHandler workerHandler, final MulticastHandler masterHandler)
    {
        return new MsgTypeSpec(id, name, MsgMode.MULTICAST, priority, workerHandler, masterHandler);
    }

    public int id()
    {
        return id;
    }

    public String name()
    {
        return name;
    }

    public MsgMode mode()
    {
        return mode;
    }

    public MsgPriority priority()
    {
        return priority;
    }

    public UnicastHandler unicastHandler()
    {
        return unicast;
    }

    /**
     * @return the master's multicast callback, or null for the default.
     */
    public MulticastHandler multicastHandler()
    {
        return multicast;
    }

    @Override
    public String toString()
    {
        return "msg type " + id + " (" + name + ", " + mode + ", " + priority + ")";
    }
}
