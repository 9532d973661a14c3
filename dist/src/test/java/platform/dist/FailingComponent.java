package platform.dist;

/**
 * The only class of the probe bundle that {@link ComponentFailureIT} drops into {@code deploy/}: a DS component
 * (described by hand-written XML in the probe) whose activate method throws.
 */
public final class FailingComponent
{
    static final String REASON = "the probe component refuses to activate";

    /** DS activate method. */
    public void activate()
    {
        throw new IllegalStateException(REASON);
    }
}
