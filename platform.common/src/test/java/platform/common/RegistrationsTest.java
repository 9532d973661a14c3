package platform.common;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.Test;
import org.slf4j.LoggerFactory;

public class RegistrationsTest
{
    @Test
    public void shouldCloseNewestFirstAndGoOnPastAFailure()
    {
        final List<String> closed = new ArrayList<>();
        final Registrations r = new Registrations(LoggerFactory.getLogger(RegistrationsTest.class), "test");
        r.add(() -> closed.add("job"));
        r.add(() ->
        {
            throw new IllegalStateException("closing failed");
        });
        r.add(() -> closed.add("sockopt"));
        assertEquals(3, r.size());
        r.closeAll();
        assertEquals(List.of("sockopt", "job"), closed);
        assertEquals(0, r.size());
        r.closeAll();
        assertEquals(2, closed.size());
    }
}
