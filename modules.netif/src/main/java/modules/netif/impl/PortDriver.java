package modules.netif.impl;

import modules.netif.api.MbufPool;

/**
 * Opens ports of one kind. Drivers are chosen per port by the {@code driver} option of its configuration line.
 */
interface PortDriver
{
    /** @return the name used in the configuration. */
    String name();

    /**
     * @param conf the port's configuration; the driver reads its options and calls {@link PortConf#checkAllRead()}.
     * @param pool where received packets' buffers come from.
     * @return the open device.
     * @throws PortException when the configuration is wrong or the device cannot be opened (no such interface, no
     *                       permission), naming the port.
     */
    PortDevice open(PortConf conf, MbufPool pool) throws PortException;
}
