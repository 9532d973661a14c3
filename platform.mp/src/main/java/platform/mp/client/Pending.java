package platform.mp.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

import platform.mp.api.MpMessage;
import platform.mp.api.MpReply;

/**
 * A request waiting for replies (DPDK's {@code struct pending_request}, one for all the peers it went to): the
 * connections still awaited, nb_sent and the replies. Guarded by its own monitor; completed once.
 */
final class Pending
{
    final long id;
    final Consumer<MpReply> completion;
    final List<MpConnection> awaiting = new ArrayList<>(4);
    final List<MpMessage> replies = new ArrayList<>(4);
    int nbSent;
    boolean sendingDone;
    boolean done;
    volatile ScheduledFuture<?> timeoutTask;

    Pending(final long id, final Consumer<MpReply> completion)
    {
        this.id = id;
        this.completion = completion;
    }
}
