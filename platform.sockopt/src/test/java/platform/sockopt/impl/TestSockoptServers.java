package platform.sockopt.impl;

import java.io.IOException;
import java.nio.file.Path;

import platform.lcore.api.LcoreScheduler;
import platform.sockopt.api.SockoptRegistry;

/**
 * A real control socket served by running lcores, for other modules' unit tests (shipped in this module's test
 * jar).
 */
public final class TestSockoptServers
{
    private TestSockoptServers()
    {
    }

    /**
     * @param lcores running lcores with a master.
     * @param path   the socket path (at most 107 bytes).
     * @param owner  the owner the registrations are listed under.
     * @return a serving control socket; close it before stopping the lcores.
     * @throws IOException when the socket cannot be bound.
     */
    public static Running start(final LcoreScheduler lcores, final Path path, final String owner) throws IOException
    {
        final SockoptCore core = new SockoptCore(ServerConfig.defaults(path), lcores);
        core.start();
        return new Running(core, new BundleSockoptRegistry(core, owner));
    }

    /** A serving control socket and the registry a bundle would get. */
    public static final class Running implements AutoCloseable
    {
        private final SockoptCore core;
        private final BundleSockoptRegistry registry;

        Running(final SockoptCore core, final BundleSockoptRegistry registry)
        {
            this.core = core;
            this.registry = registry;
        }

        /** @return the registry, as a bundle sees it. */
        public SockoptRegistry registry()
        {
            return registry;
        }

        @Override
        public void close()
        {
            registry.release();
            core.stop();
        }
    }
}
