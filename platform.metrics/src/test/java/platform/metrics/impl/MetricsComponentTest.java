package platform.metrics.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.Test;
import org.osgi.framework.BundleContext;

/**
 * The component's life cycle without a framework: the settings from its configuration and the framework
 * properties, the off switch, and a port in use, which turns the endpoint off without failing the component.
 */
public class MetricsComponentTest
{
    /** A configuration as DS would hand it over: the annotation's defaults unless overridden. */
    private static MetricsComponent.Config config(final Map<String, Object> values)
    {
        return (MetricsComponent.Config)Proxy.newProxyInstance(MetricsComponentTest.class.getClassLoader(),
            new Class<?>[] {MetricsComponent.Config.class}, (proxy, method, args) ->
            {
                if ("annotationType".equals(method.getName()))
                {
                    return MetricsComponent.Config.class;
                }
                return values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue();
            });
    }

    /** A bundle context that only answers framework properties. */
    private static BundleContext context(final Map<String, String> properties)
    {
        return (BundleContext)Proxy.newProxyInstance(MetricsComponentTest.class.getClassLoader(),
            new Class<?>[] {BundleContext.class}, (proxy, method, args) ->
            {
                if ("getProperty".equals(method.getName()))
                {
                    return properties.get((String)args[0]);
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }

    @Test
    public void shouldServeOnThePortOfTheFrameworkPropertyUntilDeactivated() throws IOException
    {
        final MetricsComponent c = new MetricsComponent();
        c.activate(context(Map.of(MetricsComponent.PORT_PROPERTY, "0")), config(Map.of()));
        try
        {
            assertTrue(c.port() > 0);
            assertTrue(Scrape.of("http://127.0.0.1:" + c.port() + "/metrics").has("dplane_metrics_scrapes_total"));
        }
        finally
        {
            c.deactivate();
        }
        assertEquals(-1, c.port());
    }

    @Test
    public void shouldPreferTheConfiguredPortAndObeyTheOffSwitch() throws IOException
    {
        final int free;
        try (ServerSocket s = new ServerSocket(0))
        {
            free = s.getLocalPort();
        }
        final MetricsComponent c = new MetricsComponent();
        c.activate(context(Map.of(MetricsComponent.PORT_PROPERTY, "1")), config(Map.of("port", free)));
        try
        {
            assertEquals(free, c.port());
        }
        finally
        {
            c.deactivate();
        }
        final MetricsComponent off = new MetricsComponent();
        off.activate(context(Map.of(MetricsComponent.PORT_PROPERTY, "0")), config(Map.of("enabled", false)));
        assertEquals(-1, off.port());
        off.deactivate();
    }

    @Test
    public void shouldStayActiveButOffWhenThePortIsTakenOrBad() throws IOException
    {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1")))
        {
            final MetricsComponent c = new MetricsComponent();
            c.activate(context(Map.of()), config(Map.of("port", taken.getLocalPort())));
            assertEquals(-1, c.port());
            c.deactivate();
        }
        final MetricsComponent bad = new MetricsComponent();
        bad.activate(context(Map.of(MetricsComponent.PORT_PROPERTY, "http")), config(Map.of()));
        assertEquals(-1, bad.port());
        bad.deactivate();
    }

    @Test
    public void shouldDefaultToTheLoopbackAnd9404()
    {
        final MetricsComponent.Config defaults = config(Map.of());
        assertTrue(defaults.enabled());
        assertEquals("", defaults.address());
        assertEquals(-1, defaults.port());
        assertEquals(new Settings(true, "127.0.0.1", 9404), Settings.of(defaults.enabled(), defaults.address(),
            defaults.port(), null, null));
        final Annotation a = defaults;
        assertEquals(MetricsComponent.Config.class, a.annotationType());
    }
}
