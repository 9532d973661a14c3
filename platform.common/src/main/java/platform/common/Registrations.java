package platform.common;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;

/**
 * What a feature registered while it started (jobs, message types, sockopt ranges, hooks), closed in reverse order
 * when it stops, so that the newest registration (the one clients reach first, such as a sockopt range) goes first
 * and the jobs the others rely on go last. A failing close is logged and the rest are still closed. Used from the
 * thread that starts and stops the feature only.
 */
public final class Registrations
{
    private final List<AutoCloseable> handles = new ArrayList<>();
    private final Logger log;
    private final String what;

    /**
     * @param log  where a failing close is logged.
     * @param what the feature, for that log line ("route", "netif").
     */
    public Registrations(final Logger log, final String what)
    {
        this.log = log;
        this.what = what;
    }

    /**
     * @param handle a registration to close at {@link #closeAll()}.
     */
    public void add(final AutoCloseable handle)
    {
        handles.add(handle);
    }

    /** @return how many registrations are held. */
    public int size()
    {
        return handles.size();
    }

    /** Closes every registration, newest first, and forgets them; a failure is logged and the others still close. */
    public void closeAll()
    {
        for (int i = handles.size() - 1; i >= 0; i--)
        {
            try
            {
                handles.get(i).close();
            }
            catch (final Exception ex)
            {
                log.warn("closing a {} registration failed", what, ex);
            }
        }
        handles.clear();
    }
}
