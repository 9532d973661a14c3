package platform.mp.api;

/**
 * An attached secondary, as {@code mp:peers} lists it.
 *
 * @param id          the id the primary gave it (from 1).
 * @param pid         its process id, as it said in its HELLO.
 * @param sinceMillis when it attached, epoch milliseconds.
 * @param msgsIn      frames received from it.
 * @param msgsOut     frames sent to it.
 */
public record MpPeerInfo(int id, long pid, long sinceMillis, long msgsIn, long msgsOut)
{
}
