package platform.mp.api;

/**
 * A registered action, as {@code mp:actions} lists it.
 *
 * @param name  the action name.
 * @param owner "primary: bundle-symbolic-name" or "secondary N".
 */
public record MpActionInfo(String name, String owner)
{
}
