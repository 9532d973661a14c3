package modules.neigh.impl;

import platform.common.EventPublisher;
import platform.mp.api.MpChannel;

/**
 * The only class of this bundle that names platform.mp's API: loaded when an {@code MpChannel} is bound, so that
 * the bundle resolves and runs without platform.mp (its import is optional). Without a wire to the package, loading
 * {@code MpChannel} here fails with a {@link LinkageError}, which
 * {@link EventPublisher#bindService} catches.
 */
final class MpSink
{
    private MpSink()
    {
    }

    /**
     * @param service the bound {@code MpChannel}.
     * @return a sink publishing each event to the channel's subscribers, as UTF-8 cut to its maximum params.
     */
    static EventPublisher.Sink of(final Object service)
    {
        final MpChannel channel = (MpChannel)service;
        return (name, text) -> channel.publish(name, EventPublisher.utf8(text, channel.maxParamLen()));
    }
}
