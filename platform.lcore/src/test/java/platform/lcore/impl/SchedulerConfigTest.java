package platform.lcore.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.StringReader;

import org.junit.Test;

import platform.lcore.api.LcoreRole;

public class SchedulerConfigTest
{
    private static SchedulerConfig parse(final String text) throws IOException
    {
        return SchedulerConfig.parse("lcores.conf", new StringReader(text), 2);
    }

    private static String refused(final String text) throws IOException
    {
        try
        {
            parse(text);
        }
        catch (final SchedulerConfig.ConfigException ex)
        {
            return ex.getMessage();
        }
        fail("configuration accepted: " + text);
        return null;
    }

    @Test
    public void shouldParseTheEmbeddedDefaultForTwoCores() throws IOException
    {
        final SchedulerConfig c = LcoreRuntime.loadLayout("", null);
        assertEquals(2, c.lcores.size());
        assertEquals(new LcoreConfig(0, LcoreRole.MASTER, 0, "backoff", c.lcores.get(0).line()), c.lcores.get(0));
        assertEquals(new LcoreConfig(1, LcoreRole.FWD_WORKER, 1, "backoff", c.lcores.get(1).line()), c.lcores.get(1));
        assertEquals(2_000_000L, c.bigLoopNs(LcoreRole.MASTER));
        assertEquals(100_000L, c.bigLoopNs(LcoreRole.FWD_WORKER));
        assertEquals(100, c.quarantineFailures);
    }

    @Test
    public void shouldApplyDefaultsAndOptions() throws IOException
    {
        final SchedulerConfig c = parse("# comment\n\nlcore 1 role fwd-worker   # trailing comment\n"
            + "lcore 0 role MASTER cpu none idle busy-spin\n"
            + "lcore 5 role IDLE cpu none idle backoff:10,2,5,500\n"
            + "big_loop_us FWD_WORKER 250\njob_quarantine_failures 7\n");
        assertEquals(3, c.lcores.size());
        assertEquals(new LcoreConfig(0, LcoreRole.MASTER, -1, "busy-spin", 4), c.lcores.get(0));
        assertEquals(new LcoreConfig(1, LcoreRole.FWD_WORKER, 1, "backoff", 3), c.lcores.get(1));
        assertEquals("backoff:10,2,5,500", c.lcores.get(2).idle());
        assertEquals(250_000L, c.bigLoopNs(LcoreRole.FWD_WORKER));
        assertEquals(7, c.quarantineFailures);
    }

    @Test
    public void shouldRefuseTwoMastersNamingTheLine() throws IOException
    {
        final String msg = refused("lcore 0 role MASTER cpu 0\nlcore 1 role FWD_WORKER\nlcore 2 role MASTER cpu none\n");
        assertTrue(msg, msg.startsWith("lcores.conf:3: second MASTER lcore 2"));
        assertTrue(msg, msg.contains("lcore 0 at line 1"));
    }

    @Test
    public void shouldParseJobTimingSampleAndRefuseOneThatIsNotAPowerOfTwo() throws IOException
    {
        assertEquals(SchedulerConfig.DEFAULT_JOB_TIMING_SAMPLE, Layouts.layout("lcore 0 role MASTER cpu 0\n").jobTimingSample);
        assertEquals(0, Layouts.layout("lcore 0 role MASTER cpu 0\njob_timing_sample 0\n").jobTimingSample);
        assertEquals(1, Layouts.layout("lcore 0 role MASTER cpu 0\njob_timing_sample 1\n").jobTimingSample);
        assertEquals(1024, Layouts.layout("lcore 0 role MASTER cpu 0\njob_timing_sample 1024\n").jobTimingSample);
        final String msg = refused("lcore 0 role MASTER cpu 0\njob_timing_sample 48\n");
        assertTrue(msg, msg.startsWith("lcores.conf:2: job_timing_sample 48 is not a power of two"));
    }

    @Test
    public void shouldRefuseUnknownRole() throws IOException
    {
        final String msg = refused("lcore 0 role MASTER\nlcore 1 role WORKER\n");
        assertTrue(msg, msg.startsWith("lcores.conf:2: unknown role 'WORKER'"));
        assertTrue(msg, msg.contains("FWD_WORKER"));
    }

    @Test
    public void shouldRefuseCpuOutOfRange() throws IOException
    {
        final String msg = refused("lcore 0 role MASTER\nlcore 1 role FWD_WORKER cpu 2\n");
        assertTrue(msg, msg.startsWith("lcores.conf:2: lcore 1: CPU 2 out of range 0..1"));
        // the default cpu is the lcore id, so lcore 3 without 'cpu none' is out of range on 2 CPUs too
        assertTrue(refused("lcore 0 role MASTER\nlcore 3 role FWD_WORKER\n").startsWith("lcores.conf:2: lcore 3: CPU 3"));
    }

    @Test
    public void shouldRefuseDuplicateId() throws IOException
    {
        final String msg = refused("lcore 0 role MASTER\nlcore 1 role FWD_WORKER\n\nlcore 1 role KNI_WORKER cpu none\n");
        assertTrue(msg, msg.startsWith("lcores.conf:4: duplicate lcore id 1 (already defined at line 2)"));
    }

    @Test
    public void shouldRefuseOtherMistakes() throws IOException
    {
        assertTrue(refused("lcore 1 role FWD_WORKER\n").startsWith("lcores.conf: no MASTER lcore"));
        assertTrue(refused("lcore 0 role MASTER\nlcore 1 role FWD_WORKER cpu 0\n")
            .startsWith("lcores.conf:2: lcore 1 pinned to CPU 0 which lcore 0 (line 1) already has"));
        assertTrue(refused("lcore 64 role MASTER\n").startsWith("lcores.conf:1: lcore id 64 out of range 0..63"));
        assertTrue(refused("lcore 0 role MASTER idle sleepy\n").startsWith("lcores.conf:1: unknown idle strategy"));
        assertTrue(refused("lcore 0 role MASTER idle backoff:1,1,0,10\n").startsWith("lcores.conf:1: unknown idle"));
        assertTrue(refused("lcore 0 cpu 0\n").startsWith("lcores.conf:1: lcore 0 has no role"));
        assertTrue(refused("lcore 0 role MASTER colour red\n").startsWith("lcores.conf:1: unknown lcore attribute"));
        assertTrue(refused("lcore 0 role\n").startsWith("lcores.conf:1: 'role' needs a value"));
        assertTrue(refused("lcore x role MASTER\n").startsWith("lcores.conf:1: lcore id 'x' is not a number"));
        assertTrue(refused("lcore 0 role MASTER\nworkers 4\n").startsWith("lcores.conf:2: unknown keyword 'workers'"));
        assertTrue(refused("lcore 0 role MASTER\nbig_loop_us MASTER\n").startsWith("lcores.conf:2: expected"));
        assertTrue(refused("lcore 0 role MASTER\njob_quarantine_failures 0\n")
            .startsWith("lcores.conf:2: job_quarantine_failures 0 out of range"));
    }

    @Test
    public void shouldRefuseAMissingFile()
    {
        try
        {
            LcoreRuntime.loadLayout("/nonexistent/lcores.conf", null);
            fail();
        }
        catch (final IOException ex)
        {
            assertTrue(ex.getMessage(), ex.getMessage().contains("/nonexistent/lcores.conf is missing or unreadable"));
        }
    }
}
