package platform.sockopt.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Handles the requests of one GET or SET id range. Called on the master lcore, one request at a time, so it may
 * use the message manager's synchronous sends and multicasts; it must not block for long, since the master's
 * loop (and every other client) waits meanwhile.
 */
@FunctionalInterface
@ConsumerType
public interface SockoptHandler
{
    /**
     * @param request the request: id, type and body (valid during this call only).
     * @param reply   where a GET writes its reply body (a SET's reply has none); an error text may be set.
     * @return an EDPVS_* code: 0 for success, else a negative code sent to the client with no body. A handler that
     * throws makes the platform reply EDPVS_CALLBACKFAIL.
     */
    int handle(SockoptRequest request, SockoptReply reply);
}
