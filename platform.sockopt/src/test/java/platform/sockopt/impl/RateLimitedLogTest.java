package platform.sockopt.impl;

import static org.junit.Assert.assertEquals;

import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.slf4j.LoggerFactory;

import platform.sockopt.impl.RateLimitedLog.Kind;

/**
 * Rate limiting per kind: one kind's flood neither hides another kind's first message nor inflates its count of
 * suppressed messages (issue 11: "455 similar messages suppressed" where 66 clients had stalled).
 */
public class RateLimitedLogTest
{
    private long nowNs = TimeUnit.DAYS.toNanos(1);
    private final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class),
        () -> nowNs);

    @Test
    public void shouldLimitAndCountEachKindOnItsOwn()
    {
        assertEquals("the first stalled client is logged", 0, log.warn(Kind.STALLED, "stalled {}", 1));
        // a flood of another kind in the same second
        assertEquals("another kind's first message is logged", 0, log.warn(Kind.MALFORMED, "malformed {}", 1));
        for (int i = 0; i < 455; i++)
        {
            assertEquals(-1, log.warn(Kind.MALFORMED, "malformed {}", i));
        }
        for (int i = 0; i < 65; i++)
        {
            assertEquals(-1, log.warn(Kind.STALLED, "stalled {}", i));
        }
        assertEquals(65, log.suppressed(Kind.STALLED));
        assertEquals(455, log.suppressed(Kind.MALFORMED));
        nowNs += RateLimitedLog.INTERVAL_NS;
        // a second later each reports its own count
        assertEquals(65, log.warn(Kind.STALLED, "stalled {}", 66));
        assertEquals(455, log.warn(Kind.MALFORMED, "malformed {}", 456));
        assertEquals(0, log.suppressed(Kind.STALLED));
        assertEquals(-1, log.warn(Kind.STALLED, "stalled {}", 67));
    }
}
