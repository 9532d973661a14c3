package modules.stats.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The service the data path takes its counters from.
 */
@ProviderType
public interface LcoreStats
{
    /**
     * @param lcoreId a configured lcore id, normally the caller's own.
     * @return that lcore's counters; only that lcore may update them.
     * @throws IllegalArgumentException when no lcore has that id.
     */
    LcoreCounters counters(int lcoreId);
}
