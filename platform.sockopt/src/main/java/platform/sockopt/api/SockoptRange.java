package platform.sockopt.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One registered id range, for listings.
 *
 * @param type    {@link Sockopt#GET} or {@link Sockopt#SET}.
 * @param min     first id.
 * @param max     last id.
 * @param version the version requests must carry.
 * @param name    the spec's name.
 * @param owner   the registering bundle's symbolic name.
 * @param calls   requests handled so far.
 * @param errors  of those, the ones that failed (non-zero code or a throw).
 */
@ProviderType
public record SockoptRange(int type, int min, int max, int version, String name, String owner, long calls,
    long errors)
{
}
