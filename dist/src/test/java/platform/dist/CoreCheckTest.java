package platform.dist;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/** The one line taken from a component's failure (SCR's stack trace as text). */
public class CoreCheckTest
{
    @Test
    public void shouldTakeTheCauseBelowSCRsReflectionWrapper()
    {
        final String trace = "java.lang.reflect.InvocationTargetException\n"
            + "\tat java.base/jdk.internal.reflect.NativeConstructorAccessorImpl.newInstance0(Native Method)\n"
            + "Caused by: platform.lcore.impl.SchedulerConfig$ConfigException: /etc/lcores.conf:2: unknown role 'FOO'\n"
            + "\tat platform.lcore.impl.SchedulerConfig.role(SchedulerConfig.java:255)\n"
            + "\t... 33 more\n";
        assertEquals("/etc/lcores.conf:2: unknown role 'FOO'", CoreCheck.cause(trace));
    }

    @Test
    public void shouldJoinTheMessagesOfNestedCausesAndNameOneThatAddsNothing()
    {
        final String trace = "java.lang.reflect.InvocationTargetException\n"
            + "Caused by: java.io.UncheckedIOException: cannot serve the control socket on /x.ipc\n"
            + "Caused by: java.nio.file.AccessDeniedException: /x.ipc\n";
        assertEquals("cannot serve the control socket on /x.ipc: AccessDeniedException", CoreCheck.cause(trace));
    }

    @Test
    public void shouldTakeTheFirstLineWhenNothingIsWrapped()
    {
        assertEquals("refused", CoreCheck.cause("java.lang.IllegalStateException: refused\n\tat a.B.c(B.java:1)\n"));
        assertEquals("NullPointerException", CoreCheck.cause("java.lang.NullPointerException\n\tat a.B.c(B.java:1)\n"));
    }
}
