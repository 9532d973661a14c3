package modules.netif.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A registered {@link PacketReceiver}. Closing it removes the receiver; once {@code close()} returns, it is never
 * called again.
 */
@ProviderType
public interface ReceiverHandle extends AutoCloseable
{
    /** @return what it receives, e.g. "ethertype 0x0806" or "ipv4 protocol 1". */
    String key();

    /** @return its name. */
    String name();

    /** @return true until closed. */
    boolean isRegistered();

    /** Removes the receiver and waits until no lcore can still be inside a call of it; idempotent. */
    @Override
    void close();
}
