package modules.netif.impl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One {@code port} line of the netif configuration: the port's name, its driver and the driver's options.
 *
 * <pre>
 * port &lt;name&gt; driver &lt;af_packet|tap|synthetic|pcap&gt; [&lt;option&gt; &lt;value&gt;]...
 * </pre>
 * The common options are {@code rxq} and {@code txq} (queues, default 1) and {@code mtu}; each driver reads its own
 * and refuses the ones it does not know, so a typo is an error naming the line, not a silent default.
 */
final class PortConf
{
    final int id;
    final String name;
    final String driver;
    final String where;
    private final Map<String, String> options;
    private final Set<String> read = new java.util.HashSet<>();

    /**
     * @param id      the port id.
     * @param name    the port name.
     * @param driver  the driver.
     * @param options the options, in order.
     * @param where   "file:line" for errors.
     */
    PortConf(final int id, final String name, final String driver, final Map<String, String> options,
        final String where)
    {
        this.id = id;
        this.name = name;
        this.driver = driver;
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        this.where = where;
    }

    /**
     * @param key the option.
     * @param def its default.
     * @return its value, or {@code def}.
     */
    String string(final String key, final String def)
    {
        read.add(key);
        final String v = options.get(key);
        return null == v ? def : v;
    }

    /**
     * @param key the option.
     * @param def its default.
     * @param min smallest allowed.
     * @param max largest allowed.
     * @return its value, or {@code def}.
     * @throws PortException when not a number in range.
     */
    long number(final String key, final long def, final long min, final long max) throws PortException
    {
        final String v = string(key, null);
        if (null == v)
        {
            return def;
        }
        final long n;
        try
        {
            n = Long.parseLong(v.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new PortException(this, key + " " + v + ": not a number");
        }
        if (n < min || n > max)
        {
            throw new PortException(this, key + " " + v + ": want " + min + ".." + max);
        }
        return n;
    }

    /**
     * @param key the option.
     * @param def its default.
     * @return on/off, yes/no, true/false.
     * @throws PortException when none of those.
     */
    boolean flag(final String key, final boolean def) throws PortException
    {
        final String v = string(key, null);
        if (null == v)
        {
            return def;
        }
        switch (v)
        {
            case "on":
            case "yes":
            case "true":
                return true;
            case "off":
            case "no":
            case "false":
                return false;
            default:
                throw new PortException(this, key + " " + v + ": want on or off");
        }
    }

    /**
     * @param key the option.
     * @return its value.
     * @throws PortException when it is not given.
     */
    String required(final String key) throws PortException
    {
        final String v = string(key, null);
        if (null == v)
        {
            throw new PortException(this, "driver " + driver + " needs " + key);
        }
        return v;
    }

    /**
     * Refuses options no one read: call after the driver read all of its own.
     *
     * @throws PortException naming the first unknown option.
     */
    void checkAllRead() throws PortException
    {
        for (final String k : options.keySet())
        {
            if (!read.contains(k))
            {
                throw new PortException(this, "unknown option " + k + " for driver " + driver);
            }
        }
    }

    /** @return the options as given. */
    Map<String, String> options()
    {
        return options;
    }

    @Override
    public String toString()
    {
        return "port " + name + " (" + driver + ", " + where + ")";
    }
}
