package platform.sockopt.api;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The control socket's registry (DPVS's {@code sockopt_register}), a service per bundle: what a bundle registered
 * and did not close is closed when it releases the service (bundle stop).
 */
@ProviderType
public interface SockoptRegistry
{
    /**
     * @param spec the ranges and handlers.
     * @return the handle that unregisters.
     * @throws SockoptConflictException when a range overlaps a registered range of the same type.
     * @throws IllegalArgumentException when a range lies in the platform's own ids (9000..9099) of another bundle.
     */
    SockoptHandle register(SockoptSpec spec);

    /**
     * @return every registered range, ordered by type then first id.
     */
    List<SockoptRange> ranges();

    /**
     * @return the path of the control socket being served.
     */
    Path socketPath();
}
