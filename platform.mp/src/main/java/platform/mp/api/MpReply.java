package platform.mp.api;

import java.util.List;

/**
 * The result of a request ({@code struct rte_mp_reply}).
 *
 * @param nbSent     the peers the request was sent to, less those that answered IGN.
 * @param nbReceived the replies received (the size of {@code replies}).
 * @param replies    the REP messages, in arrival order.
 */
public record MpReply(int nbSent, int nbReceived, List<MpMessage> replies)
{
    /**
     * @return true when every peer the request counts replied.
     */
    public boolean complete()
    {
        return nbReceived == nbSent;
    }
}
