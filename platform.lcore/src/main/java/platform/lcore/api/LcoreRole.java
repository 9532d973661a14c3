package platform.lcore.api;

import java.util.Locale;

/**
 * Roles of an lcore, with DPVS's names and order ({@code dpvs_lcore_role_type}).
 */
public enum LcoreRole
{
    /** Configured but given no work by the platform; runs only jobs registered for IDLE. */
    IDLE,
    /** The one control-plane lcore: sockopt server, master side of the message manager. */
    MASTER,
    /** Data-plane lcores ("slaves" in DPVS): packet processing, worker side of the message manager. */
    FWD_WORKER,
    /** Lcores dedicated to isolated receive queues. */
    ISOLRX_WORKER,
    /** Lcores dedicated to the kernel NIC interface. */
    KNI_WORKER;

    /**
     * Parses a role name, case-insensitively, also accepting {@code fwd-worker} for {@code FWD_WORKER}.
     *
     * @param name the name as written in a configuration file or a shell command.
     * @return the role.
     * @throws IllegalArgumentException naming the valid roles when {@code name} is none of them.
     */
    public static LcoreRole parse(final String name)
    {
        if (null == name)
        {
            throw new IllegalArgumentException("role is null; valid roles: " + validNames());
        }
        final String normalised = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (final LcoreRole role : values())
        {
            if (role.name().equals(normalised))
            {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "'; valid roles: " + validNames());
    }

    private static String validNames()
    {
        final StringBuilder sb = new StringBuilder();
        for (final LcoreRole role : values())
        {
            if (sb.length() > 0)
            {
                sb.append(", ");
            }
            sb.append(role.name());
        }
        return sb.toString();
    }
}
