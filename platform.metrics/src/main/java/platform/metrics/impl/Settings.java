package platform.metrics.impl;

/**
 * Where the endpoint listens, resolved from the configuration, then the framework properties, then the defaults.
 *
 * @param enabled serve at all.
 * @param address the address to listen on.
 * @param port    the port, 0 for any free one.
 */
record Settings(boolean enabled, String address, int port)
{
    /**
     * @param enabled         configured {@code enabled}.
     * @param address         configured {@code address}, "" when not set.
     * @param port            configured {@code port}, -1 when not set.
     * @param addressProperty framework property {@code platform.metrics.address}, or null.
     * @param portProperty    framework property {@code platform.metrics.port}, or null.
     * @return the settings.
     * @throws IllegalArgumentException for a port that is not a number in 0..65535.
     */
    static Settings of(final boolean enabled, final String address, final int port, final String addressProperty,
        final String portProperty)
    {
        final String where = first(address, addressProperty, MetricsComponent.DEFAULT_ADDRESS);
        int p = port;
        if (p < 0)
        {
            final String prop = first(null, portProperty, Integer.toString(MetricsComponent.DEFAULT_PORT));
            try
            {
                p = Integer.parseInt(prop);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("metrics port must be a number, not '" + prop + "'");
            }
        }
        if (p < 0 || p > 65_535)
        {
            throw new IllegalArgumentException("metrics port must be 0..65535, not " + p);
        }
        return new Settings(enabled, where, p);
    }

    private static String first(final String configured, final String property, final String fallback)
    {
        if (null != configured && !configured.isBlank())
        {
            return configured.trim();
        }
        if (null != property && !property.isBlank())
        {
            return property.trim();
        }
        return fallback;
    }
}
