package platform.lcore.impl;

import platform.lcore.api.LcoreRole;

/**
 * One lcore as configured.
 *
 * @param id   lcore id, 0..63.
 * @param role its role.
 * @param cpu  CPU to pin to, or -1 for unpinned.
 * @param idle idle strategy, as written (see {@link IdleStrategy#parse(String)}).
 * @param line the configuration line it came from, for messages (0 when built in code).
 */
record LcoreConfig(int id, LcoreRole role, int cpu, String idle, int line)
{
}
