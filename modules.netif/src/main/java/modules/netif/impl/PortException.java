package modules.netif.impl;

/**
 * A port that cannot be opened or is configured wrongly; the message names the port and the configuration line.
 */
final class PortException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * @param conf the port.
     * @param why  what is wrong.
     */
    PortException(final PortConf conf, final String why)
    {
        super(conf.where + ": port " + conf.name + ": " + why);
    }

    /**
     * @param conf  the port.
     * @param why   what is wrong.
     * @param cause the underlying failure.
     */
    PortException(final PortConf conf, final String why, final Throwable cause)
    {
        super(conf.where + ": port " + conf.name + ": " + why, cause);
    }
}
