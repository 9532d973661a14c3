package platform.mp.impl;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import platform.mp.api.MpReply;

/**
 * The multi-process channel's primary run outside OSGi for the benchmarks, as platform.mp's own tests run it
 * ({@code new MpPrimary(dir, maxParamLen)}). Split package on the plain benchmark class path on purpose; it does not
 * exist in the bundle.
 */
public final class BenchMp implements AutoCloseable
{
    private final MpPrimary primary;

    private BenchMp(final MpPrimary primary)
    {
        this.primary = primary;
    }

    /**
     * @param dir         the runtime directory (socket and info file).
     * @param maxParamLen the longest params.
     * @return the started primary.
     * @throws IOException when the socket cannot be bound.
     */
    public static BenchMp start(final Path dir, final int maxParamLen) throws IOException
    {
        return new BenchMp(new MpPrimary(dir, maxParamLen));
    }

    /**
     * A synchronous request to every attached secondary ({@code rte_mp_request_sync} from the primary).
     *
     * @param name    the action.
     * @param params  the params.
     * @param timeout how long to wait.
     * @return what arrived.
     */
    public MpReply request(final String name, final byte[] params, final Duration timeout)
    {
        return primary.request(name, params, timeout);
    }

    /** @return how many secondaries are attached. */
    public int peers()
    {
        return primary.peers().size();
    }

    /** @return the channel's counters as {@code mp:peers} ends them (protocol errors, late replies, ...). */
    public String describe()
    {
        return "attached " + primary.attached.get() + ", protocol errors " + primary.protocolErrors.get()
            + ", action errors " + primary.actionErrors.get() + ", late replies " + primary.lateReplies.get()
            + ", timeouts " + primary.timeouts.get();
    }

    @Override
    public void close()
    {
        primary.close();
    }
}
