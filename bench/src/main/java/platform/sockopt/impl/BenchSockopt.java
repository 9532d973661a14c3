package platform.sockopt.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import platform.lcore.api.LcoreScheduler;
import platform.lcore.api.Edpvs;
import platform.sockopt.api.SockoptHandle;
import platform.sockopt.api.SockoptSpec;

/**
 * The control socket server with its default settings, run outside OSGi for the benchmarks, with one GET range
 * whose handler echoes the request body. Split package on the plain benchmark class path on purpose; it does not
 * exist in the bundle.
 */
public final class BenchSockopt implements AutoCloseable
{
    private final SockoptCore core;
    private final SockoptHandle echo;

    private BenchSockopt(final SockoptCore core, final SockoptHandle echo)
    {
        this.core = core;
        this.echo = echo;
    }

    /**
     * @param path      where to listen.
     * @param scheduler the running lcores (the server is a LOOP job on the master).
     * @param echoId    the GET id that echoes its request body.
     * @return the started server.
     * @throws IOException when the socket cannot be bound.
     */
    public static BenchSockopt start(final Path path, final LcoreScheduler scheduler, final int echoId)
        throws IOException
    {
        final SockoptCore core = new SockoptCore(ServerConfig.defaults(path), scheduler);
        core.start();
        final SockoptHandle echo = core.register(SockoptSpec.builder("bench_echo").get(echoId, echoId, (req, rep) ->
        {
            final ByteBuffer in = req.body();
            rep.body(in.remaining()).put(in);
            return Edpvs.OK;
        }).build(), "bench");
        return new BenchSockopt(core, echo);
    }

    /**
     * @param owner the owner the registrations are listed under.
     * @return the registry a bundle would get, for a feature's real sockopts.
     */
    public platform.sockopt.api.SockoptRegistry registry(final String owner)
    {
        return new BundleSockoptRegistry(core, owner);
    }

    /**
     * @return "requests 123, connections 4, errors 0" from the server's counters.
     */
    public String describe()
    {
        final SockoptServer s = core.server;
        final ServerCounters n = s.counters;
        final long errors = n.notSupported.get() + n.versionMismatch.get() + n.malformed.get() + n.noMemory.get()
            + n.handlerErrors.get() + n.handlerThrew.get() + n.timedOut.get() + n.headerTimedOut.get()
            + n.connectionFailures.get() + n.ioErrors.get() + n.refused.get();
        return "requests " + n.requests.get() + ", connections " + n.connections.get() + ", errors " + errors
            + ", doorbell rings " + s.doorbell.rings.get() + ", doorbell timeouts " + s.doorbell.timeouts.get()
            + ", open " + s.openConnections();
    }

    @Override
    public void close()
    {
        echo.close();
        core.stop();
    }
}
