package platform.msgmgr.api;

import platform.lcore.api.Edpvs;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A registered message type. Closing it unregisters it.
 */
@ProviderType
public interface MsgTypeHandle extends AutoCloseable
{
    /**
     * @return the registered spec.
     */
    MsgTypeSpec spec();

    /**
     * @return true until closed.
     */
    boolean isRegistered();

    /**
     * Unregisters the type from every lcore it was registered on. Messages of the type still in flight are dropped
     * (STATE_DROP) and their synchronous senders released with {@link Edpvs#MSG_DROP}; when this returns, no
     * callback of the type runs any more.
     */
    @Override
    void close();
}
